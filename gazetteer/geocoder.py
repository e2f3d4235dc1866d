"""A geopy-compatible geocoder backed by the offline gazetteer.

``geopandas.tools.geocode(names, provider=OfflineGeocoder)`` works with no
network: geopandas instantiates the class and calls :meth:`geocode` for each
string.
"""

from __future__ import annotations

from typing import Any

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from .gazetteer import Gazetteer
from .place import Kind

__all__ = ["OfflineGeocoder"]


class OfflineGeocoder(Geocoder):
    """Geocode place names with a :class:`~gazetteer.Gazetteer`, offline.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        Defaults to :meth:`Gazetteer.default`.
    context : optional
        Context applied to every query (e.g. ``"Ayacucho"``).
    accept_ambiguous : bool
        Return the best candidate of an ambiguous result (default) or None.

    Examples
    --------
    >>> import geopandas
    >>> gdf = geopandas.tools.geocode(["Kepashiato", "Pichari"], provider=OfflineGeocoder)
    >>> gdf.crs.to_string()
    'EPSG:4326'
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, context: Any = None,
                 accept_ambiguous: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gazetteer = gazetteer or Gazetteer.default()
        self.context = context
        self.accept_ambiguous = accept_ambiguous

    def geocode(self, query: str, *, exactly_one: bool = True, timeout: Any = None,
                context: Any = None, limit: int | None = None) -> Location | list[Location] | None:
        """Resolve ``query``; None when nothing (acceptable) is found.

        ``timeout`` is accepted for geopy compatibility; no network is used.
        """
        if query is None or (isinstance(query, float) and query != query):
            return None
        res = self.gazetteer.resolve(str(query), context=context if context is not None else self.context,
                                     limit=1 if exactly_one else (limit or 5))
        if res.status not in ("ok", "ambiguous") or (res.status == "ambiguous" and not self.accept_ambiguous):
            return None
        locations = [self._location(c.to_dict() | {"status": res.status, "reason": res.reason}, c.place)
                     for c in res.candidates]
        return locations[0] if exactly_one else locations

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = None,
                kinds: tuple[Kind, ...] = (Kind.POPULATED_PLACE, Kind.CAPITAL)) -> Location | list[Location] | None:
        """The nearest populated place to a ``(lat, lon)`` point."""
        import numpy as np

        point = Point(query)
        table = self.gazetteer.index.table
        mask = table["kind"].isin([k.value for k in kinds]).to_numpy()
        lat = table["lat"].to_numpy(float)
        lon = table["lon"].to_numpy(float)
        # Equirectangular distance is enough to rank neighbours.
        d2 = (lat - point.latitude) ** 2 + ((lon - point.longitude) * np.cos(np.radians(point.latitude))) ** 2
        d2[~mask] = np.inf
        order = np.argsort(d2)[: 1 if exactly_one else 5]
        out = []
        for row in order:
            place = self.gazetteer.index.place(int(row))
            out.append(self._location(place.to_dict(), place))
        return out[0] if exactly_one else out

    @staticmethod
    def _location(raw: dict, place) -> Location:
        address = ", ".join(x for x in (place.name, place.admin3 if place.admin3 != place.name else None,
                                        place.admin2, place.admin1, place.country) if x)
        return Location(address, (place.lat, place.lon, 0.0), raw)
