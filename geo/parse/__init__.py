"""Geoparsing news text (English and Spanish) and extracting geocoded events.

>>> from geo.parse import parse_text, extract_events   # doctest: +SKIP
>>> parse_text("Rebels attacked the Kepashiato military base in Cusco.")  # doctest: +SKIP

Offsets (``start``, ``end``) count characters of the decoded text as given,
HTML tags included (see :mod:`geo.parse.text`).
"""

from __future__ import annotations

from .parser import ParsedMention, geoparse, parse_file, parse_text

__all__ = ["ParsedMention", "extract_events", "extract_reports", "geoparse", "parse_file", "parse_text"]


def __getattr__(name: str):
    if name in ("extract_events", "extract_reports"):
        from . import events

        return getattr(events, name)
    raise AttributeError(name)
