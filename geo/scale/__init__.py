"""Batch geoparsing and geocoding with bounded memory, on one machine or on Dask.

>>> from geo.scale import parse_documents, geocode_table
>>> summary = parse_documents("archive/", out="mentions/")              # doctest: +SKIP
>>> summary = geocode_table("events.csv", out="events.parquet", engine="dask")  # doctest: +SKIP

Inputs are cut into chunks (:mod:`geo.scale.sources`); each chunk is read,
processed and written before the next is read (:mod:`geo.scale.runner`), or
the chunks are spread over a Dask cluster (:mod:`geo.scale.dask_engine`).
Both engines give the same rows in the same order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import partial
from typing import Any

import geopandas as gpd

from gazetteer.errors import InvalidInputError

from .jobs import MENTION_COLUMNS, geocode_chunk, mentions_frame, parse_chunk
from .runner import RunSummary, run_local
from .sources import DEFAULT_DOC_CHUNK, DEFAULT_ROW_CHUNK, Document, iter_documents, plan_source

__all__ = ["parse_documents", "geocode_table", "iter_documents", "plan_source", "RunSummary", "Document",
           "MENTION_COLUMNS", "ENGINES", "check_engine", "empty_mentions"]

ENGINES = ("local", "dask")


def parse_documents(source: str | os.PathLike, *, engine: str = "local", scheduler: Any = None,
                    chunk_size: int = DEFAULT_DOC_CHUNK, out: str | os.PathLike | None = None, gaz=None,
                    geometry: str = "point", text_field: str = "text", id_field: str = "id",
                    overwrite: bool = False, progress: bool = True) -> gpd.GeoDataFrame | RunSummary:
    """Geoparse every document of a directory, JSON lines, Parquet or CSV file.

    Parameters
    ----------
    source : path-like
        A directory of ``.txt``/``.html`` files (read recursively, in name
        order), or a ``.jsonl``, ``.parquet`` or ``.csv`` file with one
        document per record.
    engine : {"local", "dask"}
        One process, chunk after chunk; or a Dask cluster.
    scheduler : str or distributed.Client, optional
        With ``engine="dask"``: a scheduler address (``"tcp://host:8786"``);
        default a local cluster with one worker process per core.
    chunk_size : int
        Documents per chunk: what one process holds in memory at a time.
    out : path-like, optional
        A directory (one GeoParquet part per chunk) or one ``.parquet``,
        ``.gpkg`` or ``.csv`` file, written atomically. None returns the
        mentions as a GeoDataFrame (all in memory).
    gaz : Gazetteer, optional
        Default :meth:`gazetteer.Gazetteer.default` (with the data pack when
        one is found).
    geometry : {"point", "full"}
        As for :func:`geo.parse.parse_text`.
    text_field, id_field : str
        Fields of a record holding the text and the document id.
    overwrite : bool
        Replace an existing output.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    GeoDataFrame or RunSummary
        The mentions (columns :data:`MENTION_COLUMNS` and geometry, EPSG:4326)
        when ``out`` is None; else what was written. A document that could
        not be read gives one row with status ``invalid`` and the reason.
    """
    check_engine(engine, scheduler)
    plan = plan_source(source, chunk_size=chunk_size, text_field=text_field, id_field=id_field)
    gaz = _gazetteer(gaz)
    common = {"job": "parse", "out": out, "overwrite": overwrite, "progress": progress, "empty": empty_mentions}
    if engine == "dask":
        from .dask_engine import run_dask

        return run_dask(plan, gaz=gaz, options={"geometry": geometry}, scheduler=scheduler, **common)
    return run_local(plan, partial(parse_chunk, gaz=gaz, geometry=geometry), **common)


def geocode_table(path: str | os.PathLike, *, engine: str = "local", scheduler: Any = None,
                  chunk_size: int = DEFAULT_ROW_CHUNK, out: str | os.PathLike | None = None, gaz=None,
                  mapping: Mapping[str, str] | None = None, input_format: str = "auto", dayfirst: bool = True,
                  overwrite: bool = False, progress: bool = True) -> gpd.GeoDataFrame | RunSummary:
    """Geocode the event rows of a large CSV, JSON lines or Parquet file, chunk by chunk.

    Each chunk goes through :func:`geo.events.geocode_events`; ``row`` and
    generated ids count from the start of the file, as when the file is
    read whole with :func:`geo.events.read_events`.

    Parameters
    ----------
    path : path-like
        ``.csv``/``.tsv`` (delimiter from the header, records may span
        lines inside quotes), ``.jsonl`` or ``.parquet``.
    engine, scheduler, out, gaz, overwrite, progress
        As for :func:`parse_documents`.
    chunk_size : int
        Rows per chunk.
    mapping, input_format, dayfirst
        As for :func:`geo.events.read_events`.

    Returns
    -------
    GeoDataFrame or RunSummary
        The events (schema :data:`geo.schema.EVENT_COLUMNS` plus ``row``) when
        ``out`` is None, else what was written.
    """
    from geo.events import empty_events

    check_engine(engine, scheduler)
    plan = plan_source(path, chunk_size=chunk_size)
    if plan.kind == "txt-dir":
        raise InvalidInputError(f"{path}: a directory holds documents; geocode a .csv, .jsonl or .parquet table")
    gaz = _gazetteer(gaz)
    options = {"mapping": mapping, "input_format": input_format, "dayfirst": dayfirst}
    common = {"job": "geocode", "out": out, "overwrite": overwrite, "progress": progress, "empty": empty_events}
    if engine == "dask":
        from .dask_engine import run_dask

        return run_dask(plan, gaz=gaz, options=options, scheduler=scheduler, **common)
    return run_local(plan, partial(geocode_chunk, gaz=gaz, **options), **common)


def check_engine(engine: str, scheduler: Any = None) -> None:
    """Refuse an unknown engine, or a scheduler without the Dask engine.

    Raises
    ------
    InvalidInputError
    """
    if engine not in ENGINES:
        raise InvalidInputError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler is not None and engine != "dask":
        raise InvalidInputError("a scheduler address needs the dask engine (--engine dask)")


def empty_mentions() -> gpd.GeoDataFrame:
    """A mentions table with no rows (columns and dtypes of :data:`MENTION_COLUMNS`)."""
    return mentions_frame([], None)


def _gazetteer(gaz):
    if gaz is not None:
        return gaz
    from gazetteer import Gazetteer

    return Gazetteer.default()
