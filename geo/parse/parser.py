"""Geoparsing: a text in, its place mentions out as GeoJSON features.

See :mod:`geo.parse.text` for what ``start`` and ``end`` count.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazetteer import Gazetteer, Resolution
from gazetteer.atomic import write_text
from gazetteer.errors import InvalidInputError

from .automaton import scanner_for
from .context import resolve_mentions
from .mentions import Mention, find_mentions
from .spelling import spelled_mentions
from .text import Document, prepare

__all__ = ["CHUNK_CHARS", "GEOMETRIES", "ParsedMention", "atomic_write_text", "geoparse", "mention_feature", "parse_file", "parse_pieces", "parse_text"]

GEOMETRIES = ("point", "full")
#: Texts longer than this are parsed in pieces cut at paragraph breaks, so
#: memory stays bounded; each piece is its own context.
CHUNK_CHARS = 1_000_000


@dataclass
class ParsedMention:
    """A mention with offsets in the decoded text and its resolution."""

    start: int
    end: int
    text: str
    mention: Mention
    resolution: Resolution
    doc: Document
    offset: int = 0

    @property
    def place(self):
        """The place read, or None when unresolved or ambiguous."""
        best = self.resolution.best
        return best.place if best is not None and self.resolution.status == "ok" else None


def geoparse(text: str, *, gaz: Gazetteer | None = None, strip_html: bool | None = None,
             chunk_chars: int = CHUNK_CHARS) -> Iterator[ParsedMention]:
    """Yield the place mentions of ``text`` in text order.

    Parameters
    ----------
    text : str
        The decoded text (HTML tags are skipped, offsets still count them).
    gaz : Gazetteer, optional
        Default: :meth:`Gazetteer.default`.
    strip_html : bool, optional
        Force or forbid HTML handling (default: when the text looks like HTML).
    chunk_chars : int
        Texts longer than this are parsed in pieces cut at paragraph breaks.
    """
    for _, _, mentions in parse_pieces(text, gaz=gaz, strip_html=strip_html, chunk_chars=chunk_chars):
        yield from mentions


def parse_pieces(text: str, *, gaz: Gazetteer | None = None, strip_html: bool | None = None,
                 chunk_chars: int = CHUNK_CHARS) -> Iterator[tuple[int, Document, list[ParsedMention]]]:
    """Like :func:`geoparse`, piece by piece: (offset of the piece, its Document, its mentions)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    gaz = gaz or Gazetteer.default()
    scanner = scanner_for(gaz)
    for offset, piece in _pieces(text, chunk_chars):
        doc = prepare(piece, strip_html=strip_html)
        out = []
        mentions = find_mentions(doc, scanner)
        extra = spelled_mentions(doc, mentions, gaz, scanner.words)
        if extra:  # "Tabalozos" for Tabalosos: names the automaton cannot find as written
            mentions = sorted(mentions + extra, key=lambda m: m.start)
        resolved = resolve_mentions(gaz, mentions, doc=doc, words=scanner.words)
        doc.forget_tokens()  # the mentions keep their document: let its word index go
        for r in resolved:
            start, end = doc.raw_span(r.mention.start, r.mention.end)
            out.append(ParsedMention(start + offset, end + offset, piece[start:end], r.mention, r.resolution,
                                     doc, offset))
        yield offset, doc, out


def parse_text(text: str, *, gaz: Gazetteer | None = None, geometry: str = "point",
               strip_html: bool | None = None) -> dict[str, Any]:
    """Geoparse a text into a GeoJSON FeatureCollection, one feature per mention.

    Parameters
    ----------
    text : str
    gaz : Gazetteer, optional
    geometry : {"point", "full"}
        The place's representative point, or its full geometry (the
        district, valley or coca-zone polygon; a river's line).
    strip_html : bool, optional

    Returns
    -------
    dict
        Features in text order. Properties: ``text`` (as written), ``start``,
        ``end`` (character offsets into ``text``), ``name``, ``id``, ``kind``,
        ``country``, ``admin1``–``admin3`` (and codes), ``precision``,
        ``confidence``, ``status``, ``reason``, ``role`` (``place``,
        ``demonym`` or ``organisation`` for a place inside an organisation's
        name, with ``in_name``). Only places have a geometry: demonyms and
        names inside organisations keep their ``id`` and admin chain but
        locate nothing. Unresolved mentions, and ambiguous ones whose
        candidates share no admin unit, have a null geometry and list their
        ``candidates``; an ambiguous one inside one unit is placed at it.

    Examples
    --------
    >>> fc = parse_text("Rebels attacked the Kepashiato military base in Cusco.")  # doctest: +SKIP
    >>> [f["properties"]["id"] for f in fc["features"]]  # doctest: +SKIP
    ['base:kepashiato', 'ubigeo:08']
    """
    if geometry not in GEOMETRIES:
        raise InvalidInputError(f"geometry must be one of {', '.join(GEOMETRIES)}, not {geometry!r}")
    gaz = gaz or Gazetteer.default()
    shapes: dict[str, Any] = {}
    features = [mention_feature(pm, gaz, geometry=geometry, shapes=shapes)
                for pm in geoparse(text, gaz=gaz, strip_html=strip_html)]
    return {"type": "FeatureCollection", "features": features}


def parse_file(path: str | os.PathLike, *, gaz: Gazetteer | None = None, geometry: str = "point",
               encoding: str = "utf-8") -> dict[str, Any]:
    """:func:`parse_text` on a file's text (HTML is handled when the suffix says so or the text looks like it)."""
    path = Path(path)
    with open(path, encoding=encoding, newline="") as fh:  # line endings kept: offsets slice the file's text
        text = fh.read()
    strip = True if path.suffix.lower() in (".html", ".htm", ".xhtml") else None
    return parse_text(text, gaz=gaz, geometry=geometry, strip_html=strip)


def mention_feature(pm: ParsedMention, gaz: Gazetteer, *, geometry: str = "point",
                    shapes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The GeoJSON feature of one mention."""
    res = pm.resolution
    place = pm.place
    props: dict[str, Any] = {"text": pm.text, "start": pm.start, "end": pm.end, "role": pm.mention.role}
    if pm.mention.in_name:
        props["in_name"] = pm.mention.in_name
    fields = ("name", "id", "kind", "country", "admin1", "admin1_code", "admin2", "admin2_code",
              "admin3", "admin3_code")
    reason = res.reason
    if place is None and res.status == "ambiguous":
        place = gaz.shared_unit(res)
        if place is not None:  # honest at the level every candidate shares
            reason = f"{reason}; placed at the {place.kind.value} they all lie in ({place.name})"
    for f in fields:
        value = getattr(place, f) if place is not None else None
        props[f] = value.value if hasattr(value, "value") else value
    props["precision"] = place.precision.value if place is not None else None
    props["confidence"] = round(res.confidence, 3)
    props["status"] = res.status
    props["reason"] = reason
    if res.status != "ok":
        props["candidates"] = [c.to_dict() for c in res.candidates]
    geom = None
    if place is not None and pm.mention.role == "place":
        # A demonym ("Peruvian") or an organisation's name ("Frente Policial Huallaga") names a place
        # but locates nothing: its id and admin chain are given, not a geometry.
        geom = _geometry(gaz, place, geometry, shapes if shapes is not None else {})
    return {"type": "Feature", "geometry": geom, "properties": props}


def _geometry(gaz: Gazetteer, place, mode: str, shapes: dict[str, Any]) -> dict[str, Any]:
    if mode == "point":
        return {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]}
    if place.id not in shapes:
        import shapely

        shapes[place.id] = shapely.geometry.mapping(shapely.set_precision(gaz.geometry(place.id), 1e-6))
    return shapes[place.id]


def _pieces(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """Cut ``text`` at paragraph (else line, else space) breaks into pieces of at most ``limit``."""
    if len(text) <= limit:
        yield 0, text
        return
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + limit)
        if end < len(text):
            for sep in ("\n\n", "\n", " "):
                cut = text.rfind(sep, pos + limit // 2, end)
                if cut > pos:
                    end = cut + len(sep)
                    break
        yield pos, text[pos:end]
        pos = end


def atomic_write_text(path: str | os.PathLike, text: str, *, exclusive: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a crash never leaves half a file
    (``exclusive``: only if ``path`` does not exist when it is moved into place)."""
    write_text(path, text, exclusive=exclusive)
