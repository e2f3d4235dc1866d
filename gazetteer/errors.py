"""The toolkit's one exception family.

Every error the toolkit raises derives from :class:`GeoError`; leaves also
derive from the matching builtin, so callers may catch either (as geopy's
``exc.py`` does)::

    try:
        gaz.resolve(name)
    except ValueError:       # or GeoError
        ...
"""

from __future__ import annotations

__all__ = [
    "GeoError",
    "InvalidInputError",
    "DataError",
    "DataPackError",
    "DownloadError",
    "HashMismatchError",
    "PlaceNotFoundError",
    "OutputExistsError",
]


class GeoError(Exception):
    """Root of every error raised by ``gazetteer`` and ``geo``."""


class InvalidInputError(GeoError, ValueError):
    """A value given by the caller (a name, a row, an option) is not acceptable."""


class DataError(GeoError, ValueError):
    """A data file (curated gazetteer, seed, data pack) is malformed."""


class DataPackError(GeoError, FileNotFoundError):
    """The data pack is missing or incomplete where it was expected."""


class DownloadError(GeoError, OSError):
    """A download failed (network error, HTTP status, timeout)."""


class HashMismatchError(DownloadError):
    """A downloaded file does not have the hash the registry lists."""


class PlaceNotFoundError(GeoError, KeyError):
    """No place has the given id."""


class OutputExistsError(GeoError, FileExistsError):
    """An output file exists and overwriting was not asked for."""
