"""Turn an events GeoDataFrame into the compact JSON the browser builds markers from.

One Python object per marker does not scale: 100,000 folium markers make a
file of hundreds of megabytes. Instead the events travel once, as columns:
coordinates as integers (degrees x 1e4), dates as day numbers, and each
string column either as a list of values (when most are distinct: ids,
notes) or as indices into its own table of distinct values, so an actor or
an outlet named 10,000 times is written once. The event layers, the
heat map and the time slider all read this one object
(:mod:`geo.maps.eventlayers`).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from gazetteer.errors import InvalidInputError
from geo.maps.style import EVENT_TYPE_COLORS, UNKNOWN_TYPE, event_type_colors

__all__ = ["EncodedEvents", "encode_events", "script_json", "TEXT_BUDGET", "COORD_SCALE", "MAPPED_STATUSES"]

#: Rows with these statuses have a location and are drawn; the others are counted.
MAPPED_STATUSES = ("ok", "ambiguous")

#: Most characters of free text (notes and source quotes together) put in one map.
#: Beyond it every text is cut at the same length, so short texts stay whole.
TEXT_BUDGET = 4_000_000

#: Coordinates travel as integers: degrees x 1e4 (about 11 m, ACLED's four decimals).
COORD_SCALE = 10_000

#: String columns sent to the browser, by their key in the JSON.
_STRING_COLUMNS = {
    "id": "event_id",
    "sub": "sub_event_type",
    "a1": "actor1",
    "a2": "actor2",
    "loc": "location",
    "ad3": "admin3",
    "ad2": "admin2",
    "ad1": "admin1",
    "prec": "precision",
    "src": "source",
    "url": "source_url",
    "quote": "source_quote",
    "notes": "notes",
    "st": "status",
    "why": "reason",
}
_FREE_TEXT = ("source_quote", "notes")
_DATE_PRECISION_CODES = {"day": 0, "month": 1, "year": 2}


@dataclass(frozen=True)
class EncodedEvents:
    """The events of one map, ready to embed.

    Attributes
    ----------
    payload : dict
        JSON-ready columns (see the module docstring).
    types : list of (name, colour, count)
        Event types in legend order; ``payload["t"]`` indexes this list.
    left_off : dict
        Why rows are not on the map -> how many (``unresolved``, ``invalid``,
        ``no coordinates``).
    bounds : list or None
        ``[[south, west], [north, east]]`` of the mapped events.
    text_limit : int or None
        Length free texts were cut to, None when nothing was cut.
    ambiguous : int
        How many mapped events have an ambiguous location.
    points : geopandas.GeoSeries or None
        The mapped events' points, in payload order (for spatial joins).
    """

    payload: dict
    types: list[tuple[str, str, int]]
    left_off: dict[str, int] = field(default_factory=dict)
    bounds: list[list[float]] | None = None
    text_limit: int | None = None
    ambiguous: int = 0
    points: gpd.GeoSeries | None = None

    @property
    def count(self) -> int:
        """Number of events on the map."""
        return int(self.payload["n"])


def encode_events(events: gpd.GeoDataFrame, *, text_budget: int = TEXT_BUDGET) -> EncodedEvents:
    """Encode the mappable rows of an events frame (schema of :mod:`geo.schema`).

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Events with point geometries. Missing schema columns count as empty.
        Rows whose ``status`` is not ok/ambiguous, or without a geometry, are
        left off and counted in :attr:`EncodedEvents.left_off`.
    text_budget : int
        Most characters of notes and quotes together (see :data:`TEXT_BUDGET`).

    Returns
    -------
    EncodedEvents

    Raises
    ------
    TypeError
        If ``events`` is not a GeoDataFrame.
    gazetteer.errors.InvalidInputError
        If ``text_budget`` is negative.
    """
    if not isinstance(events, gpd.GeoDataFrame):
        raise TypeError(f"events must be a GeoDataFrame, not {type(events).__name__}")
    if text_budget < 0:
        raise InvalidInputError(f"text_budget must be >= 0, got {text_budget}")
    frame = _to_wgs84(events)
    mapped, left_off = _split_mapped(frame)
    mapped = _sorted_by_date(mapped)
    points = _points(mapped)
    type_codes, types = _event_types(mapped)
    strings, text_limit = _string_columns(mapped, text_budget)
    payload = {
        "n": len(mapped),
        "lat": np.round(points.y.to_numpy() * COORD_SCALE).astype(np.int64).tolist(),
        "lon": np.round(points.x.to_numpy() * COORD_SCALE).astype(np.int64).tolist(),
        "scale": COORD_SCALE,
        "day": _day_numbers(mapped),
        "dp": _date_precision_codes(mapped),
        "t": type_codes,
        "fat": _fatalities(mapped),
        "types": [{"name": name or UNKNOWN_TYPE[0], "color": color} for name, color, _ in types],
        "c": strings,
        "cut": text_limit,
    }
    bounds = None
    if len(mapped):
        west, south, east, north = (float(v) for v in points.total_bounds)
        bounds = [[south, west], [north, east]]
    ambiguous = int((_column(mapped, "status").str.lower() == "ambiguous").sum())
    return EncodedEvents(payload=payload, types=types, left_off=left_off, bounds=bounds, text_limit=text_limit,
                         ambiguous=ambiguous, points=points.reset_index(drop=True))


def script_json(obj: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes so no string can close
    the script (``</script>``) or open a comment; U+2028/U+2029 are escaped
    for older JavaScript parsers.

    Examples
    --------
    >>> script_json({"a": "</script>"})
    '{"a":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _to_wgs84(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # Everything inside the maps is EPSG:4326 lon/lat; normalise once here.
    if events.crs is None:
        warnings.warn("events have no CRS; assuming EPSG:4326 (lon/lat)", stacklevel=3)
        return events.set_crs("EPSG:4326")
    if events.crs.to_epsg() != 4326:
        return events.to_crs("EPSG:4326")
    return events


def _split_mapped(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    geom = frame.geometry
    has_geom = ~(geom.isna() | geom.is_empty)
    if "status" in frame.columns:
        status = frame["status"].astype("string").fillna("ok").str.strip().str.lower()
        status = status.mask(status == "", "ok")
    else:
        status = pd.Series("ok", index=frame.index, dtype="string")
    on_status = status.isin(MAPPED_STATUSES).to_numpy(dtype=bool)
    keep = on_status & has_geom.to_numpy(dtype=bool)
    left_off: dict[str, int] = {}
    for value, count in status[~on_status].value_counts().items():
        left_off[str(value)] = int(count)
    missing = int((on_status & ~has_geom.to_numpy(dtype=bool)).sum())
    if missing:
        left_off["no coordinates"] = missing
    return frame.loc[keep], left_off


def _sorted_by_date(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # The browser slices per-type arrays by date for the time slider; undated
    # events come first so they are shown at every date.
    if "event_date" not in frame.columns or frame.empty:
        return frame
    dates = pd.to_datetime(frame["event_date"], errors="coerce")
    order = np.argsort(dates.to_numpy(dtype="datetime64[ns]"), kind="stable")
    nat = dates.isna().to_numpy()
    order = np.concatenate([np.flatnonzero(nat), order[~nat[order]]])
    return frame.iloc[order]


def _points(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    geom = frame.geometry
    not_points = (geom.geom_type != "Point").to_numpy()
    if not_points.any():
        warnings.warn(
            f"{int(not_points.sum())} event geometries are not points; drawing a point inside each",
            stacklevel=4,
        )
        geom = geom.where(~not_points, geom.representative_point())
    return geom


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series("", index=frame.index, dtype="string")
    return frame[name].astype("string").fillna("").str.strip()


def _event_types(frame: pd.DataFrame) -> tuple[list[int], list[tuple[str, str, int]]]:
    values = _column(frame, "event_type")
    counts = values.value_counts()
    # ACLED's types first in their usual order, then others by frequency, unspecified last.
    acled = [name for name in EVENT_TYPE_COLORS if name in counts.index]
    others = [name for name in counts.index if name not in EVENT_TYPE_COLORS and name != ""]
    names = acled + others + ([""] if "" in counts.index else [])
    colors = event_type_colors(names)
    lookup = {name: i for i, name in enumerate(names)}
    codes = values.map(lookup).astype("int64").tolist() if len(values) else []
    types = [(name, colors[name], int(counts[name])) for name in names]
    return codes, types


def _string_columns(frame: pd.DataFrame, text_budget: int) -> tuple[dict[str, dict], int | None]:
    columns = {key: _column(frame, name) for key, name in _STRING_COLUMNS.items()}
    limit = _text_limit([columns[k] for k, name in _STRING_COLUMNS.items() if name in _FREE_TEXT], text_budget)
    if limit is not None:
        for key, name in _STRING_COLUMNS.items():
            if name in _FREE_TEXT:
                text = columns[key]
                long = text.str.len() > limit
                columns[key] = text.where(~long, text.str.slice(0, limit) + "…")
    out: dict[str, dict] = {}
    for key, col in columns.items():
        if not (col != "").any():
            continue
        codes, uniques = pd.factorize(col)
        if len(uniques) * 2 > len(col):
            out[key] = {"v": col.tolist()}  # mostly distinct (ids, notes): a table would only add indices
        else:
            out[key] = {"s": [str(v) for v in uniques], "i": codes.tolist()}
    return out, limit


def _text_limit(texts: list[pd.Series], budget: int) -> int | None:
    """The longest cut L with sum(min(len, L)) <= budget; None when all texts fit."""
    lengths = np.sort(np.concatenate([t.str.len().to_numpy(dtype=np.int64) for t in texts]))
    if lengths.sum() <= budget:
        return None
    # With lengths sorted, a cut between lengths[k-1] and lengths[k] keeps the
    # k shorter texts whole and shortens the other n - k to L characters.
    n = len(lengths)
    prefix = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    caps = (budget - prefix) // (n - np.arange(n))
    k = int(np.argmax(caps < lengths))
    return int(max(caps[k], 0))


def _day_numbers(frame: pd.DataFrame) -> list[int | None]:
    if "event_date" not in frame.columns:
        return [None] * len(frame)
    dates = pd.to_datetime(frame["event_date"], errors="coerce")
    days = (dates - pd.Timestamp("1970-01-01")).dt.days.astype("Int64")
    return days.astype(object).where(days.notna(), None).tolist()


def _date_precision_codes(frame: pd.DataFrame) -> list[int]:
    values = _column(frame, "date_precision").str.lower()
    return values.map(_DATE_PRECISION_CODES).fillna(0).astype("int64").tolist()


def _fatalities(frame: pd.DataFrame) -> list[int]:
    if "fatalities" not in frame.columns:
        return [-1] * len(frame)
    values = pd.to_numeric(frame["fatalities"], errors="coerce")
    return values.where(values >= 0).fillna(-1).astype("int64").tolist()
