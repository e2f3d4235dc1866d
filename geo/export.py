"""Write and read event layers: GeoJSON, GeoPackage, GeoParquet and CSV.

The format follows the output's extension (or ``format=``). Every write goes
to a temporary file beside the target and is moved into place only when
complete, so a crash never leaves half a file; an existing output is kept
unless ``overwrite=True``.

GeoJSON follows RFC 7946: longitude/latitude order, no ``crs`` member (WGS 84
is implied), polygons wound counter-clockwise, coordinates rounded to 6
decimals (about 0.1 m), dates as ISO strings and no NaN (``null`` instead).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gazetteer.atomic import replacing
from gazetteer.errors import InvalidInputError, OutputExistsError

from geo.schema import CRS, EVENT_COLUMNS

__all__ = ["write", "write_table", "table_records", "read", "to_geojson", "write_geojson", "write_csv", "conform",
           "FORMATS", "format_for", "DECIMALS"]

#: Extension -> format name.
FORMATS = {
    ".geojson": "geojson", ".json": "geojson",
    ".gpkg": "gpkg",
    ".parquet": "parquet", ".geoparquet": "parquet",
    ".csv": "csv",
}
#: Decimals kept in coordinates (RFC 7946 section 11.2 recommends 6, about 0.1 m).
DECIMALS = 6


def format_for(path: str | os.PathLike, format: str | None = None) -> str:
    """The format name for ``path`` (``format`` wins when given)."""
    if format is not None:
        name = format.lower().lstrip(".")
        name = {"json": "geojson", "geoparquet": "parquet"}.get(name, name)
        if name not in set(FORMATS.values()):
            raise InvalidInputError(f"format must be one of geojson, gpkg, parquet, csv; not {format!r}")
        return name
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInputError(
            f"cannot tell the format of {str(path)!r} from its extension; use one of "
            f"{', '.join(FORMATS)} or pass a format")
    return FORMATS[suffix]


def write(frame: gpd.GeoDataFrame, path: str | os.PathLike, *, format: str | None = None,
          overwrite: bool = False, layer: str | None = None) -> Path:
    """Write ``frame`` to ``path``, atomically.

    Parameters
    ----------
    frame : GeoDataFrame
        Reprojected to EPSG:4326 when in another CRS.
    path : path-like
        ``.geojson``/``.json``, ``.gpkg``, ``.parquet``/``.geoparquet`` or ``.csv``.
    format : str, optional
        Overrides the extension: ``geojson``, ``gpkg``, ``parquet`` or ``csv``.
    overwrite : bool
        Replace an existing file.
    layer : str, optional
        GeoPackage layer name (default: the file's stem).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputExistsError
        When ``path`` exists and ``overwrite`` is False.
    InvalidInputError
        For an unknown format.

    Examples
    --------
    >>> write(events, "events.gpkg")          # doctest: +SKIP
    PosixPath('events.gpkg')
    """
    path = Path(path)
    kind = format_for(path, format)
    if os.path.lexists(path) and not overwrite:
        raise OutputExistsError(f"{path} exists; pass overwrite=True (--overwrite) to replace it")
    frame = _to_wgs84(frame)
    with replacing(path, exclusive=not overwrite) as tmp:
        if kind == "geojson":
            with open(tmp, "w", encoding="utf-8") as fh:
                write_geojson(frame, fh)
        elif kind == "gpkg":
            # GeoPackage 1.3: GDAL before 3.7 (still common in QGIS installs) warns on 1.4 files.
            _gpkg_ready(frame).to_file(tmp, driver="GPKG", layer=layer or path.stem, engine="pyogrio",
                                       dataset_options={"VERSION": "1.3"})
        elif kind == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            _csv_ready(frame).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    return path


def write_table(frame: pd.DataFrame, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write a plain table (counts) as CSV or JSON records, atomically.

    Raises
    ------
    OutputExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InvalidInputError(f"a table is written as .csv or .json, not {suffix or 'no extension'!r}")
    if os.path.lexists(path) and not overwrite:
        raise OutputExistsError(f"{path} exists; pass overwrite=True (--overwrite) to replace it")
    with replacing(path, exclusive=not overwrite) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        else:
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(table_records(frame), fh, ensure_ascii=False, indent=1, allow_nan=False)
    return path


def table_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records of a table: NA as None, dates as ISO strings."""
    columns = {c: _json_values(frame[c]) for c in frame.columns}
    return [{c: values[i] for c, values in columns.items()} for i in range(len(frame))]


def read(path: str | os.PathLike, *, format: str | None = None) -> gpd.GeoDataFrame:
    """Read a layer written by :func:`write` (or any GIS file) back as events.

    Columns of the event schema get their schema dtypes back (GeoJSON and CSV
    carry dates as strings, GeoPackage has no nullable integers); other
    columns are left as read.
    """
    path = Path(path)
    if path.is_dir():
        # The partitioned output of a batch job: part-00000.parquet, part-00001.parquet, ...
        parts = sorted(path.glob("part-*.parquet"))
        if not parts:
            raise InvalidInputError(f"{path}: a folder without part-*.parquet files (not a batch output)")
        frames = [gpd.read_parquet(p) for p in parts]
        return conform(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs))
    kind = format_for(path, format)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        if kind == "parquet":
            frame = gpd.read_parquet(path)
        elif kind == "csv":
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
            raw = raw.apply(_undefuse)
            frame = gpd.GeoDataFrame(raw, geometry=_points(raw), crs=CRS)
        else:
            frame = gpd.read_file(path, engine="pyogrio")
    except (OSError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - pyogrio, pyarrow and pandas fail in many ways on a damaged file
        first = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise InvalidInputError(f"{path}: not a readable {kind} file ({type(exc).__name__}: {first[:200]})") from None
    return conform(frame)


def conform(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Give the event-schema columns of ``frame`` their schema dtypes."""
    out = frame.copy()
    for name, (dtype, _) in EVENT_COLUMNS.items():
        if name not in out:
            continue
        column = out[name]
        if dtype.startswith("datetime"):
            out[name] = pd.to_datetime(column, errors="coerce").astype("datetime64[ns]")
        elif dtype == "Int64":
            out[name] = pd.to_numeric(column, errors="coerce").round().astype("Int64")
        elif dtype == "float64":
            out[name] = pd.to_numeric(column, errors="coerce").astype("float64")
        else:
            out[name] = column.astype("string").mask(column.isna())
    if "row" in out:
        out["row"] = pd.to_numeric(out["row"], errors="coerce").astype("Int64")
    if not isinstance(out, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=_points(out), crs=CRS)
    return out


# -- GeoJSON ------------------------------------------------------------------

def to_geojson(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection as a dict (see :func:`write_geojson` for a stream)."""
    return {"type": "FeatureCollection", "features": list(_features(_to_wgs84(frame)))}


def write_geojson(frame: gpd.GeoDataFrame, fh: IO[str]) -> None:
    """Stream ``frame`` as an RFC 7946 FeatureCollection to a text file object, one feature a line."""
    fh.write('{"type": "FeatureCollection", "features": [')
    first = True
    for feature in _features(_to_wgs84(frame)):
        fh.write("\n" if first else ",\n")
        fh.write(json.dumps(feature, ensure_ascii=False, allow_nan=False))
        first = False
    fh.write("\n]}\n")


def _features(frame: gpd.GeoDataFrame) -> Iterator[dict[str, Any]]:
    names = [c for c in frame.columns if c != frame.geometry.name]
    columns = [_json_values(frame[c]) for c in names]
    geoms = np.asarray(frame.geometry.values)
    for i in range(len(frame)):
        yield {"type": "Feature", "properties": {n: col[i] for n, col in zip(names, columns)},
               "geometry": _geometry(geoms[i])}


def _json_values(column: pd.Series) -> list:
    if pd.api.types.is_datetime64_any_dtype(column):
        return [None if pd.isna(v) else _iso(v) for v in column]
    if pd.api.types.is_float_dtype(column):
        values = column.to_numpy(dtype=float, na_value=np.nan)
        rounded = np.round(values, DECIMALS) if column.name in ("latitude", "longitude") else values
        return [None if not np.isfinite(v) else float(v) for v in rounded]
    if pd.api.types.is_integer_dtype(column) or pd.api.types.is_bool_dtype(column):
        return [None if pd.isna(v) else (bool(v) if isinstance(v, (bool, np.bool_)) else int(v)) for v in column]
    return [_plain(v) for v in column]


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return _iso(value)
    if isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _iso(value) -> str:
    stamp = pd.Timestamp(value)
    if stamp == stamp.normalize():
        return stamp.date().isoformat()
    return stamp.isoformat()


def _geometry(geom) -> dict | None:
    if geom is None or shapely.is_empty(geom):
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)  # RFC 7946 section 3.1.6
    mapping = shapely.geometry.mapping(geom)
    return _round(mapping)


def _round(obj):
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(x), DECIMALS) for x in obj[:2]]
        return [_round(x) for x in obj]
    return obj


# -- other formats --------------------------------------------------------------

def _gpkg_ready(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    for name in out.columns:
        if name == out.geometry.name:
            continue
        column = out[name]
        if isinstance(column.dtype, pd.StringDtype):
            out[name] = column.astype(object).where(column.notna(), None)
        elif pd.api.types.is_integer_dtype(column) and column.isna().any():
            out[name] = column.astype("float64")  # GeoPackage integers cannot be null through pyogrio
    return out


def write_csv(frame: gpd.GeoDataFrame, fh: IO[str]) -> None:
    """Write ``frame`` as CSV with latitude/longitude columns (and no geometry) to a text file object."""
    _csv_ready(_to_wgs84(frame)).to_csv(fh, index=False, lineterminator="\n")


def _csv_ready(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    out = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if "latitude" not in out or "longitude" not in out:
        geoms = frame.geometry
        points = geoms.notna() & ~geoms.is_empty & (geoms.geom_type == "Point")
        out["longitude"] = np.where(points, geoms.x.where(points), np.nan)
        out["latitude"] = np.where(points, geoms.y.where(points), np.nan)
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            out[name] = [None if pd.isna(v) else _iso(v) for v in column]
        elif name in ("latitude", "longitude"):
            out[name] = column.astype(float).round(DECIMALS)
        elif column.dtype == object or pd.api.types.is_string_dtype(column):
            out[name] = _defuse(column)
    return out


#: A cell a spreadsheet would run as a formula (OWASP "CSV injection"), unless it is a plain number.
_FORMULA = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _defuse(column: pd.Series) -> pd.Series:
    """Prefix cells that start like a formula with ``'`` so spreadsheets show them as text."""
    text = column.astype("string")
    risky = text.str.contains(_FORMULA, regex=True, na=False) & ~text.str.match(_NUMBER, na=False)
    if not risky.any():
        return column
    out = column.astype(object).copy()
    out[risky.to_numpy()] = "'" + text[risky]
    return out


def _undefuse(column: pd.Series) -> pd.Series:
    """The inverse of :func:`_defuse`, for a CSV this module wrote."""
    text = column.astype("string")
    marked = text.str.match(r"^'[=+\-@\t\r]", na=False) & ~text.str[1:].str.match(_NUMBER, na=False)
    if not marked.any():
        return column
    out = column.copy()
    out[marked.to_numpy()] = text[marked].str[1:]
    return out


def _points(frame: pd.DataFrame):
    if "longitude" not in frame or "latitude" not in frame:
        return gpd.GeoSeries([None] * len(frame), crs=CRS, index=frame.index)
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    points = gpd.points_from_xy(lon, lat)
    points[(lon.isna() | lat.isna()).to_numpy()] = None
    return gpd.GeoSeries(points, crs=CRS, index=frame.index)


def _to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(f"expected a GeoDataFrame, not {type(frame).__name__}")
    if frame.crs is None:
        return frame.set_crs(CRS)
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs(CRS)
