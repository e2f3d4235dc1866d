"""Events into GeoDataFrames: read, validate, geocode, attribute.

>>> from geo.events import read_events
>>> events = read_events("my_events.csv")          # doctest: +SKIP
>>> events[["location", "admin3", "status", "reason"]]  # doctest: +SKIP

Every input row gives one output row, in order, in the event schema
(:data:`geo.schema.EVENT_COLUMNS`) plus ``row``, the input row number
(1-based, header not counted). A row that cannot be read, parsed or located
keeps its place with a ``status`` (``invalid``, ``unresolved``,
``ambiguous``) and a ``reason``; each bad input row also raises a
``UserWarning`` naming the row, the column and the value.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from gazetteer.errors import InvalidInputError

from geo.schema import CRS, EVENT_COLUMNS

from .columns import detect_columns, parse_mapping, sniff_format, unrecognised_columns
from .geocode import attribute_points, locate
from .readers import RawTable, read_table
from .validate import RowReport, normalise

__all__ = ["read_events", "geocode_events", "empty_events", "attribute_points", "INPUT_FORMATS"]

_log = logging.getLogger(__name__)
#: What pandas infers for a column that may hold lists or dicts.
_MAYBE_NESTED = frozenset({"mixed", "mixed-integer", "unknown-array"})

INPUT_FORMATS = ("auto", "table", "acled", "ucdp")
_LOCATING = {"location", "latitude", "longitude", "admin1", "admin2", "admin3",
             "admin1_code", "admin2_code", "admin3_code"}


def read_events(path: str | os.PathLike, *, gaz=None, mapping: Mapping[str, str] | None = None,
                input_format: str = "auto", sheet: str | int | None = None,
                dayfirst: bool = True) -> gpd.GeoDataFrame:
    """Read an events file into a GeoDataFrame in the event schema.

    Parameters
    ----------
    path : path-like
        CSV (any of ``, ; tab |``), Excel, JSON/JSON lines or GeoJSON; an
        ACLED or UCDP GED export is recognised by its columns.
    gaz : Gazetteer, optional
        Defaults to :meth:`gazetteer.Gazetteer.default` (with the data pack
        when one is found).
    mapping : mapping of str to str, optional
        ``{input column: field}`` for columns the detection misses, e.g.
        ``{"Lugar del ataque": "location"}``.
    input_format : {"auto", "table", "acled", "ucdp"}
        Force a format instead of detecting it from the columns.
    sheet : str or int, optional
        Excel sheet.
    dayfirst : bool
        Read ``03/04/2014`` as 3 April (default) rather than March 4.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; one row per input row, in order.

    Raises
    ------
    InvalidInputError
        When no column says where events happened (location, coordinates or
        admin units) and no mapping names one.

    Warns
    -----
    UserWarning
        For each row with bad input (row, column and value), for a file that
        is empty or not UTF-8, and once for rows that could not be located.
    """
    table = read_table(path, sheet=sheet)
    return _run(table, gaz=gaz, mapping=mapping, input_format=input_format, dayfirst=dayfirst)


def geocode_events(frame: pd.DataFrame, *, gaz=None, mapping: Mapping[str, str] | None = None,
                   input_format: str = "auto", dayfirst: bool = True, label: str = "<DataFrame>") -> gpd.GeoDataFrame:
    """Geocode a DataFrame of events (columns named as in a file, see :func:`read_events`).

    Parameters
    ----------
    frame : pandas.DataFrame
        One event per row; its index is not kept (the output is numbered
        0..n-1 and ``row`` counts from 1).
    gaz, mapping, input_format, dayfirst
        As for :func:`read_events`.
    label : str
        Name used for the data in warnings.

    Returns
    -------
    geopandas.GeoDataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from gazetteer import Gazetteer
    >>> frame = pd.DataFrame({"lugar": ["Kepashiato"], "departamento": ["Cusco"], "fecha": ["17/02/2014"]})
    >>> out = geocode_events(frame, gaz=Gazetteer.default(data_dir=False))
    >>> out.loc[0, ["event_date", "admin1", "status"]].tolist()
    [Timestamp('2014-02-17 00:00:00'), 'Cusco', 'ok']
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    raw = frame.reset_index(drop=True)
    if isinstance(raw, gpd.GeoDataFrame):
        raw = pd.DataFrame(raw.drop(columns=raw.geometry.name))
    raw.columns = [str(c).strip() for c in raw.columns]
    repeated = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if repeated:
        raise InvalidInputError(f"{label}: the frame has several columns named {', '.join(map(repr, repeated))}; "
                                "rename them so each field is read from one column")
    raw = raw.astype(object)
    for column in raw.columns:
        cells = raw[column]
        if pd.api.types.infer_dtype(cells, skipna=True) not in _MAYBE_NESTED:
            continue  # strings, numbers, dates: no cell to look at one by one
        nested = cells.map(lambda v: isinstance(v, (list, tuple, dict, set)))
        if nested.any():
            # A list or dict in a cell is kept as its JSON text: never a place or a date, but not lost.
            raw[column] = cells.where(~nested, cells[nested].map(_as_json))
    table = RawTable(raw.where(raw.notna(), None), path=label)
    return _run(table, gaz=gaz, mapping=mapping, input_format=input_format, dayfirst=dayfirst)


def _as_json(value) -> str:
    return json.dumps(list(value) if isinstance(value, (set, tuple)) else value, ensure_ascii=False, default=str)


def empty_events() -> gpd.GeoDataFrame:
    """An events GeoDataFrame with no rows (the schema's columns and dtypes)."""
    columns = {name: pd.Series(dtype=dtype) for name, (dtype, _) in EVENT_COLUMNS.items()}
    columns["row"] = pd.Series(dtype="int64")
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


def _say_columns(table: RawTable, found: dict[str, str]) -> None:
    """Log how the columns were read; when some were not understood, warn which (once per file)."""
    if table.chunk and table.first > 0:
        return
    unknown = unrecognised_columns(table.frame.columns, found)
    read = ", ".join(f"{column!r} → {field}" for field, column in found.items())
    _log.info("%s: columns read as %s", table.path, read or "nothing")
    if not unknown:
        return
    warnings.warn(f"{table.path}: column(s) not understood, left out: {', '.join(map(repr, unknown))} "
                  f"(name them with a mapping, e.g. --mapping 'Lugar del ataque=location'); "
                  f"read as {read or 'nothing'}", stacklevel=4)


def _run(table: RawTable, *, gaz, mapping, input_format: str, dayfirst: bool) -> gpd.GeoDataFrame:
    if input_format not in INPUT_FORMATS:
        raise InvalidInputError(f"input_format must be one of {', '.join(INPUT_FORMATS)}, not {input_format!r}")
    mapping = parse_mapping(mapping)
    if table.frame.shape[1] == 0:
        if not len(table.frame):
            return empty_events()
        # Records that held no field at all (JSON that is not an object): kept, with why, as rows.
        table.frame["location"] = None
    fmt = sniff_format(table.frame.columns) if input_format == "auto" else input_format
    if fmt == "table":
        found = detect_columns(table.frame.columns, mapping)
        _say_columns(table, found)
        if not _LOCATING & set(found):
            raise InvalidInputError(
                f"{table.path}: no column says where the events happened (location, latitude/longitude or "
                f"admin units); the columns are {', '.join(map(repr, table.frame.columns))}. "
                "Name one with a mapping, e.g. --mapping 'Lugar del ataque=location'")
    if gaz is None:
        from gazetteer import Gazetteer

        gaz = Gazetteer.default()
    report = RowReport(len(table.frame), table.path, table.first, summarise=not table.chunk)
    fields = normalise(table, input_format=fmt, mapping=mapping, dayfirst=dayfirst, report=report)
    events = locate(fields, gaz=gaz, report=report, skip=set(table.problems))
    report.warn(stacklevel=4)
    return events
