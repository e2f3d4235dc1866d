"""What one chunk of a big job does: the same functions on every engine.

:func:`parse_chunk` geoparses the documents of a chunk into one row per
place mention; :func:`geocode_chunk` geocodes the event rows of a chunk. The
single-process runner calls them in a loop, Dask workers call them on the
chunks they are given, so both engines give the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gazetteer import Gazetteer

from geo.schema import CRS

from .sources import Chunk, Document, read_documents, read_rows

__all__ = ["parse_chunk", "geocode_chunk", "mentions_frame", "MENTION_COLUMNS", "JOBS"]

#: Columns of a mentions table (one row per mention, documents in source
#: order, mentions in text order), with their dtypes. The properties of
#: :func:`geo.parse.parse_text`'s features, plus the document's id; the
#: place's id is ``place_id`` as in the event schema.
MENTION_COLUMNS: dict[str, str] = {
    "doc_id": "string", "text": "string", "start": "Int64", "end": "Int64", "role": "string",
    "in_name": "string", "name": "string", "place_id": "string", "kind": "string", "country": "string",
    "admin1": "string", "admin1_code": "string", "admin2": "string", "admin2_code": "string",
    "admin3": "string", "admin3_code": "string", "precision": "string", "confidence": "float64",
    "status": "string", "reason": "string", "candidates": "string",
}
#: Job name -> the properties it writes (for planning and for the CLI).
JOBS = ("parse", "geocode")


def parse_chunk(chunk: Chunk, gaz: Gazetteer, *, geometry: str = "point") -> gpd.GeoDataFrame:
    """Geoparse the documents of ``chunk`` into a mentions table.

    A document that could not be read gives one row with ``status``
    ``invalid`` and the reason, so nothing is dropped silently.
    """
    return mentions_frame(read_documents(chunk), gaz, geometry=geometry)


def mentions_frame(docs: list[Document], gaz: Gazetteer, *, geometry: str = "point") -> gpd.GeoDataFrame:
    """One row per mention of ``docs`` (see :data:`MENTION_COLUMNS`), EPSG:4326."""
    from geo.parse import parse_text

    records: list[dict] = []
    geoms: list = []
    for doc in docs:
        if doc.problem:
            records.append({"doc_id": doc.doc_id, "status": "invalid", "reason": doc.problem})
            geoms.append(None)
            continue
        for feature in parse_text(doc.text, gaz=gaz, geometry=geometry)["features"]:
            props = feature["properties"]
            row = {"doc_id": doc.doc_id, **props, "place_id": props.get("id")}
            if "candidates" in props:
                row["candidates"] = json.dumps(props["candidates"], ensure_ascii=False)
            records.append(row)
            geoms.append(feature["geometry"])
    return _typed(records, geoms)


def _typed(records: list[dict], geoms: list) -> gpd.GeoDataFrame:
    """Fixed columns and dtypes, so every chunk writes the same Parquet schema."""
    data = {column: pd.array([r.get(column) for r in records], dtype=dtype)
            for column, dtype in MENTION_COLUMNS.items()}
    return gpd.GeoDataFrame(data, geometry=_geometries(geoms), crs=CRS)


def _geometries(geoms: list) -> np.ndarray:
    """Shapely geometries from GeoJSON geometry dicts; points are built in one call."""
    out = np.full(len(geoms), None, dtype=object)
    point_pos = [i for i, g in enumerate(geoms) if g is not None and g["type"] == "Point"]
    if point_pos:
        xy = np.array([geoms[i]["coordinates"][:2] for i in point_pos], dtype=float)
        out[point_pos] = shapely.points(xy)
    for i, g in enumerate(geoms):
        if g is not None and g["type"] != "Point":
            out[i] = shapely.geometry.shape(g)
    return out


def geocode_chunk(chunk: Chunk, gaz: Gazetteer, *, mapping: Mapping[str, str] | None = None,
                  input_format: str = "auto", dayfirst: bool = True) -> gpd.GeoDataFrame:
    """Geocode the event rows of ``chunk`` (see :func:`geo.events.geocode_events`).

    ``row`` counts from the start of the file (1-based, header not counted)
    and ids generated for rows without one are those row numbers, as for a
    file read whole. A malformed record keeps its place with status
    ``invalid`` and its reason.
    """
    # read_events' own pipeline, given the chunk's malformed records so that
    # they keep their text but are not geocoded, exactly as in a whole file.
    from geo.events import _run
    from geo.events.readers import RawTable

    frame, problems = read_rows(chunk)
    label = f"{chunk.path} (rows {chunk.first + 1}-{chunk.first + chunk.count})"
    table = RawTable(frame, problems=problems, path=label, first=chunk.first, chunk=True)
    out = _run(table, gaz=gaz, mapping=mapping, input_format=input_format, dayfirst=dayfirst)
    if len(out):
        _renumber(out, frame, chunk.first, mapping, input_format)
    return out


def _renumber(out: gpd.GeoDataFrame, raw: pd.DataFrame, first: int, mapping, input_format: str) -> None:
    """Chunk-local row numbers (and ids made from them) -> numbers in the whole file."""
    local = out["row"].to_numpy()
    id_column = _id_column(raw.columns, mapping, input_format)
    if id_column is None:
        generated = np.ones(len(out), dtype=bool)
    else:
        cells = raw[id_column]
        generated = (cells.isna() | (cells.astype(str).str.strip() == "")).to_numpy()
    out["row"] = local + first
    if generated.any():
        out.loc[generated, "event_id"] = pd.array((local[generated] + first).astype(str), dtype="string")


def _id_column(columns, mapping, input_format: str) -> str | None:
    from geo.events.columns import ACLED_COLUMNS, UCDP_COLUMNS, detect_columns, parse_mapping, sniff_format

    fmt = sniff_format(columns) if input_format == "auto" else input_format
    found = detect_columns(columns, parse_mapping(mapping))
    if "event_id" in found:
        return found["event_id"]
    known = {"acled": ACLED_COLUMNS, "ucdp": UCDP_COLUMNS}.get(fmt, {})
    return next((c for c, f in known.items() if f == "event_id" and c in columns), None)
