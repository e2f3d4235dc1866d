"""Spatial and attribute queries over events GeoDataFrames.

Each function takes an events GeoDataFrame (EPSG:4326, the event schema) and
returns a subset of its rows, with their index and columns, sometimes with
a column added (``distance_km``, ``base_*``), so the functions compose::

    from geo.query import filter_events, within, within_distance, nearest_base, counts
    attacks = filter_events(events, event_type="Battles", start="2014-01-01", end="2014-12-31")
    near = within_distance(within(attacks, "VRAEM", gaz=gaz), "Pichari", 50, gaz=gaz)
    counts(nearest_base(near, gaz=gaz), by="district", period="month")

Distances are computed in UTM zone 18S (EPSG:32718, which covers the VRAEM
and most of Peru to a fraction of a percent) or, with ``method="geodesic"``,
on the WGS 84 ellipsoid.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from gazetteer import Gazetteer, Kind, Precision
from gazetteer.errors import InvalidInputError
from gazetteer.names import fold

__all__ = ["filter_events", "within", "within_distance", "nearest_base", "counts", "resolve_area",
           "Area", "METRIC_CRS"]

#: Metric CRS for distances: WGS 84 / UTM zone 18S.
METRIC_CRS = "EPSG:32718"
_GEOD = Geod(ellps="WGS84")
_AREA_KINDS = (Kind.DEPARTMENT, Kind.PROVINCE, Kind.DISTRICT, Kind.REGION, Kind.VALLEY, Kind.COCA_ZONE,
               Kind.COUNTRY)
_LEVELS = {"department": 1, "province": 2, "district": 3}
_PERIODS = {"month": "M", "year": "Y"}


@dataclass(frozen=True)
class Area:
    """Where :func:`within` looks: an admin code, a polygon, or both.

    Attributes
    ----------
    label : str
        What the area is, for messages.
    code : str or None
        UBIGEO of an admin unit (2, 4 or 6 digits).
    geometry : shapely geometry or None
        Polygon of a region (or of any area given as a geometry).
    exact : bool
        False when the polygon is an approximation.
    """

    label: str
    code: str | None = None
    geometry: object = None
    exact: bool = True


def resolve_area(area, *, gaz: Gazetteer | None = None) -> Area:
    """Turn a name, an id, a UBIGEO code or a geometry into an :class:`Area`.

    Raises
    ------
    InvalidInputError
        When a name is unknown or ambiguous (the message lists the candidates).
    """
    if isinstance(area, Area):
        return area
    if isinstance(area, (gpd.GeoDataFrame, gpd.GeoSeries)):
        series = area.geometry if isinstance(area, gpd.GeoDataFrame) else area
        if series.crs is not None and series.crs.to_epsg() != 4326:
            series = series.to_crs("EPSG:4326")
        return Area("the given shapes", geometry=shapely.union_all(np.asarray(series.values)))
    if isinstance(area, shapely.Geometry):
        return Area("the given geometry", geometry=area)
    if not isinstance(area, str) or not area.strip():
        raise TypeError(f"area must be a name, a place id, a UBIGEO code or a geometry, not {area!r}")
    text = area.strip()
    if text.isdigit():
        code = _ubigeo(text)
        return Area(f"UBIGEO {code}", code=code)
    gaz = gaz or Gazetteer.default()
    if ":" in text and text in gaz:
        place = gaz.get(text)
    else:
        res = gaz.resolve(text, kinds=_AREA_KINDS)
        place = _largest_nested(res) if res.status == "ambiguous" else (res.best.place if res.best else None)
        if place is None:
            raise InvalidInputError(f"area {text!r}: {res.reason}")
    if place.kind.is_admin and place.country == "PE" and place.kind is not Kind.COUNTRY:
        code = {Kind.DEPARTMENT: place.admin1_code, Kind.PROVINCE: place.admin2_code,
                Kind.DISTRICT: place.admin3_code}[place.kind]
        return Area(f"{place.name} ({place.kind.value} {code})", code=code)
    geometry = gaz.geometry(place.id)
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise InvalidInputError(f"area {text!r}: {place.name} has no polygon in this gazetteer "
                                "(load the data pack, or give a UBIGEO code)")
    return Area(f"{place.name} ({place.id})", geometry=geometry, exact=place.exact)


def within(events: gpd.GeoDataFrame, area, *, gaz: Gazetteer | None = None) -> gpd.GeoDataFrame:
    """Events in a region or an admin unit.

    Parameters
    ----------
    events : GeoDataFrame
    area : str, shapely geometry, GeoDataFrame or Area
        A name ("VRAEM", "Huanta", "province of Huanta"), a place id
        ("region:vraem-2018"), a UBIGEO code ("0504", "050408") or a geometry.
    gaz : Gazetteer, optional

    Returns
    -------
    GeoDataFrame
        The rows of ``events`` inside the area, in their order.

    Notes
    -----
    An admin unit is matched on the events' UBIGEO columns, which the
    geocoder fills only to the level the location's precision supports: an
    event known only to its department is not in any of its districts. A
    region is matched by point-in-polygon on the event points.
    """
    place = resolve_area(area, gaz=gaz)
    if place.code is not None:
        column = f"admin{len(place.code) // 2}_code"
        if column not in events:
            raise InvalidInputError(f"events have no {column!r} column to match {place.label}")
        mask = (events[column] == place.code).fillna(False).to_numpy(dtype=bool)
    else:
        if not place.exact:
            warnings.warn(f"{place.label}: the polygon is an approximation (load the data pack for the real one)",
                          UserWarning, stacklevel=2)
        geoms = np.asarray(events.geometry.values)
        mask = np.zeros(len(events), dtype=bool)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        shapely.prepare(place.geometry)
        mask[ok] = shapely.covers(place.geometry, geoms[ok])
    return events[mask]


def within_distance(events: gpd.GeoDataFrame, center, km: float, *, gaz: Gazetteer | None = None,
                    method: str = "utm") -> gpd.GeoDataFrame:
    """Events within ``km`` kilometres of a place or a point, with a ``distance_km`` column.

    Parameters
    ----------
    center : str, (lon, lat) or shapely Point
        A place name or id (resolved through the gazetteer), or coordinates
        in longitude/latitude order.
    km : float
        Radius in kilometres (> 0).
    method : {"utm", "geodesic"}
        Planar distance in EPSG:32718, or geodesic on the WGS 84 ellipsoid.
    """
    if not km > 0:
        raise InvalidInputError(f"km must be a positive number, not {km!r}")
    lon, lat = _center(center, gaz)
    distance = _distances_km(events, lon, lat, method)
    keep = distance <= km
    out = events[keep].copy()
    out["distance_km"] = distance[keep]
    return out


def nearest_base(events: gpd.GeoDataFrame, *, bases: gpd.GeoDataFrame | None = None,
                 gaz: Gazetteer | None = None, max_km: float | None = None) -> gpd.GeoDataFrame:
    """Add the nearest military or police base to each event and its distance.

    Parameters
    ----------
    bases : GeoDataFrame, optional
        Points with ``id``, ``name`` and ``kind`` columns; default the
        gazetteer's military and police bases.
    max_km : float, optional
        Leave the base empty when the nearest is farther than this.

    Returns
    -------
    GeoDataFrame
        All rows of ``events`` with ``base_id``, ``base_name``, ``base_kind``,
        ``base_km`` (geodesic kilometres; empty for events without a point),
        ``base_exact`` (the base's own coordinates; false when the base is
        placed at its town) and ``base_km_approx``: true when either end is
        approximate (a base at its town, an event located at a district or
        coarser), so that ``base_km == 0`` reads "in the base's town or
        unit", not "at the base".
    """
    if bases is None:
        bases = (gaz or Gazetteer.default()).places(kinds=[Kind.MILITARY_BASE, Kind.POLICE_BASE])
    out = events.copy()
    n = len(out)
    base_id = np.full(n, None, dtype=object)
    base_name = np.full(n, None, dtype=object)
    base_kind = np.full(n, None, dtype=object)
    base_km = np.full(n, np.nan)
    base_exact = np.full(n, None, dtype=object)
    approx = np.full(n, None, dtype=object)
    geoms = np.asarray(events.to_crs(METRIC_CRS).geometry.values) if n else np.array([])
    ok = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms))) if n else np.array([], int)
    if len(bases) and len(ok):
        metric = np.asarray(bases.to_crs(METRIC_CRS).geometry.values)
        tree = shapely.STRtree(metric)
        (src, dst) = tree.query_nearest(geoms[ok], all_matches=False)
        rows = ok[src]
        b = bases.iloc[dst]
        wgs = np.asarray(events.geometry.values)[rows]
        bw = np.asarray(b.geometry.values)
        _, _, metres = _GEOD.inv(shapely.get_x(wgs), shapely.get_y(wgs), shapely.get_x(bw), shapely.get_y(bw))
        dist = np.asarray(metres) / 1000
        keep = np.ones(len(rows), dtype=bool) if max_km is None else dist <= max_km
        base_id[rows[keep]] = b["id"].to_numpy(dtype=object)[keep]
        base_name[rows[keep]] = b["name"].to_numpy(dtype=object)[keep]
        base_kind[rows[keep]] = b["kind"].astype(str).to_numpy(dtype=object)[keep]
        base_km[rows[keep]] = dist[keep]
        exact = (b["exact"].fillna(False).astype(bool).to_numpy() if "exact" in b
                 else np.zeros(len(b), dtype=bool))
        base_exact[rows[keep]] = exact[keep]
        fine = _point_precise(events).to_numpy()[rows]
        approx[rows[keep]] = ~(exact & fine)[keep]
    out["base_id"] = pd.array(base_id, dtype="string")
    out["base_name"] = pd.array(base_name, dtype="string")
    out["base_kind"] = pd.array(base_kind, dtype="string")
    out["base_km"] = base_km
    out["base_exact"] = pd.array(base_exact, dtype="boolean")
    out["base_km_approx"] = pd.array(approx, dtype="boolean")
    return out


def _point_precise(events: pd.DataFrame) -> pd.Series:
    """Whether each event's point is the place itself (point precision, or coordinates of its own)."""
    if "precision" not in events:
        return pd.Series(True, index=events.index)
    precision = events["precision"].astype("string")
    return (precision == Precision.POINT.value).fillna(True).astype(bool)


def counts(events: pd.DataFrame, *, by: str = "district", period: str | None = None) -> pd.DataFrame:
    """Events and fatalities per admin unit, and per month or year.

    Parameters
    ----------
    by : {"district", "province", "department"}
    period : {"month", "year"}, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name`` (and ``admin1`` below the department),
        ``period`` (when asked; ``"2014-02"`` or ``"2014"``), ``events`` and
        ``fatalities``, sorted by code and period. Events not attributed to a
        unit of that level are counted under an empty code; an event dated
        only to its year has no month.
    """
    if by not in _LEVELS:
        raise InvalidInputError(f"by must be one of {', '.join(_LEVELS)}, not {by!r}")
    if period not in (None, *_PERIODS):
        raise InvalidInputError(f"period must be month, year or None, not {period!r}")
    level = _LEVELS[by]
    frame = pd.DataFrame({
        "code": events[f"admin{level}_code"].astype("string"),
        "name": events[f"admin{level}"].astype("string"),
        "fatalities": pd.to_numeric(events["fatalities"], errors="coerce").astype("Int64")
        if "fatalities" in events else pd.array([pd.NA] * len(events), dtype="Int64"),
    }, index=events.index)
    keys = ["code", "name"]
    if level > 1:
        frame["admin1"] = events["admin1"].astype("string")
        keys.append("admin1")
    if period:
        frame["period"] = _period(events, period)
        keys.append("period")
    grouped = frame.groupby(keys, dropna=False, sort=True)
    out = grouped.agg(events=("code", "size"), fatalities=("fatalities", lambda s: s.sum(min_count=1)))
    out = out.reset_index()
    out["events"] = out["events"].astype("int64")
    out["fatalities"] = out["fatalities"].astype("Int64")
    return out


def filter_events(events: gpd.GeoDataFrame, *, event_type: str | Iterable[str] | None = None,
                  sub_event_type: str | Iterable[str] | None = None, actor: str | None = None,
                  start=None, end=None, status: str | Iterable[str] | None = None,
                  min_precision: str | Precision | None = None) -> gpd.GeoDataFrame:
    """Events of some types, actors, dates or statuses.

    Parameters
    ----------
    event_type, sub_event_type : str or iterable of str, optional
        ACLED types, matched without regard to case or accents.
    actor : str, optional
        Text found in ``actor1`` or ``actor2`` ("Sendero", "shining path").
    start, end : date-like, optional
        Inclusive bounds. An event dated only to its month or year is kept
        when its period overlaps the range; an undated event is dropped when
        a bound is given.
    status : str or iterable of str, optional
        e.g. ``("ok", "ambiguous")`` for events with a usable location.
    min_precision : str or Precision, optional
        Keep events located at least this finely: ``"district"`` keeps
        point, near and district rows and drops those placed at a province,
        department, region or country. Rows with coordinates of their own
        but no stated precision are kept (the input vouches for them);
        rows without a point are dropped.

    Raises
    ------
    InvalidInputError
        A bound that is not a date, or an unknown precision.
    """
    mask = np.ones(len(events), dtype=bool)
    for column, wanted in (("event_type", event_type), ("sub_event_type", sub_event_type), ("status", status)):
        if wanted is not None:
            _require(events, column)
            wanted = {fold(w) for w in ([wanted] if isinstance(wanted, str) else wanted)}
            mask &= _folded(events[column]).isin(wanted).to_numpy()
    if actor:
        needle = fold(actor)
        hit = np.zeros(len(events), dtype=bool)
        for column in ("actor1", "actor2"):
            if column in events:
                hit |= _folded(events[column]).str.contains(needle, regex=False).fillna(False).to_numpy(dtype=bool)
        mask &= hit
    if start is not None or end is not None:
        _require(events, "event_date")
        first = pd.to_datetime(events["event_date"], errors="coerce")
        last = _period_end(first, events.get("date_precision"))
        if start is not None:
            mask &= (last >= _date_bound(start, "start")).fillna(False).to_numpy(dtype=bool)
        if end is not None:
            mask &= (first <= _date_bound(end, "end")).fillna(False).to_numpy(dtype=bool)
    if min_precision is not None:
        mask &= _fine_enough(events, min_precision)
    return events[mask]


def _require(events: pd.DataFrame, column: str) -> None:
    if column not in events:
        raise InvalidInputError(f"the events have no {column!r} column to filter on "
                                f"(columns: {', '.join(map(str, events.columns[:12]))})")


def _date_bound(value, name: str) -> pd.Timestamp:
    """``value`` as a timestamp, clipped to what pandas can hold, or a clear error."""
    try:
        stamp = pd.Timestamp(value)
    except pd.errors.OutOfBoundsDatetime:
        # Beyond what dates can hold: a bound that excludes nothing.
        return pd.Timestamp.min if name == "start" else pd.Timestamp.max
    except (ValueError, TypeError, OverflowError) as exc:
        why = "" if "unknown" in str(exc).lower() else f" ({str(exc).split(':')[0]})"
        raise InvalidInputError(f"{name} date {value!r} is not a date{why}; write it as YYYY-MM-DD") from None
    if stamp is pd.NaT:
        raise InvalidInputError(f"{name} date {value!r} is not a date; write it as YYYY-MM-DD")
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _fine_enough(events: pd.DataFrame, min_precision) -> np.ndarray:
    try:
        bar = Precision(min_precision).rank
    except ValueError:
        choices = ", ".join(p.value for p in Precision)
        raise InvalidInputError(f"precision {min_precision!r} is not one of {choices}") from None
    if "precision" not in events:
        return np.zeros(len(events), dtype=bool)
    precision = events["precision"].astype("string")
    ranks = precision.map({p.value: p.rank for p in Precision}).astype(float)  # unknown values: NaN, never fine
    own = events["latitude"].notna() if "latitude" in events else \
        ~(events.geometry.isna() | events.geometry.is_empty)
    return np.where(precision.isna().to_numpy(), own.to_numpy(dtype=bool), (ranks <= bar).to_numpy(dtype=bool))


# -- helpers --------------------------------------------------------------------

def _ubigeo(code: str) -> str:
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    if len(code) in (2, 4, 6):
        return code
    if len(code) == 5:
        return "0" + code
    raise InvalidInputError(f"{code!r} is not a UBIGEO code (2, 4 or 6 digits)")


def _largest_nested(res):
    """"Cusco" as an area: the department, when the rivals are its own province and district of that name."""
    admin = [c.place for c in res.candidates if c.place.kind.is_admin and c.place.kind is not Kind.COUNTRY]
    if not admin or fold(admin[0].name) != fold(res.candidates[0].place.name):
        return None
    top = min(admin, key=lambda p: _LEVELS[p.kind.value])
    close = [c.place for c in res.candidates[:len(admin)]]
    if any(fold(p.name) != fold(top.name) or not p.kind.is_admin or p.admin1_code != top.admin1_code
           for p in close):
        return None
    warnings.warn(f"{res.query!r} read as the {top.kind.value}; write e.g. 'province of {top.name}' for another "
                  "unit of that name", UserWarning, stacklevel=4)
    return top


def _center(center, gaz) -> tuple[float, float]:
    if isinstance(center, shapely.Point):
        return center.x, center.y
    if isinstance(center, (tuple, list)) and len(center) == 2:
        lon, lat = float(center[0]), float(center[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InvalidInputError(f"center {center!r} is not a (longitude, latitude) pair")
        return lon, lat
    if isinstance(center, str):
        gaz = gaz or Gazetteer.default()
        if ":" in center and center in gaz:
            place = gaz.get(center)
        else:
            res = gaz.resolve(center)
            if res.status != "ok":
                raise InvalidInputError(f"center {center!r}: {res.reason}")
            place = res.best.place
        return place.lon, place.lat
    raise TypeError(f"center must be a place name or id, a (lon, lat) pair or a Point, not {center!r}")


def _distances_km(events: gpd.GeoDataFrame, lon: float, lat: float, method: str) -> np.ndarray:
    geoms = np.asarray(events.geometry.values)
    out = np.full(len(events), np.inf)
    if not len(events):
        return out
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if method == "geodesic":
        x, y = shapely.get_x(geoms[ok]), shapely.get_y(geoms[ok])
        _, _, metres = _GEOD.inv(x, y, np.full(len(x), lon), np.full(len(x), lat))
        out[ok] = np.asarray(metres) / 1000
    elif method == "utm":
        metric = gpd.GeoSeries(geoms[ok], crs=events.crs or "EPSG:4326").to_crs(METRIC_CRS)
        origin = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
        out[ok] = metric.distance(origin).to_numpy() / 1000
    else:
        raise InvalidInputError(f"method must be 'utm' or 'geodesic', not {method!r}")
    return out


def _folded(column: pd.Series) -> pd.Series:
    values = column.astype("string")
    uniques = {v: fold(v) for v in values.dropna().unique()}
    return values.map(uniques, na_action="ignore").astype("string")


def _period(events: pd.DataFrame, period: str) -> pd.Series:
    dates = pd.to_datetime(events["event_date"])
    text = dates.dt.strftime("%Y-%m" if period == "month" else "%Y").astype("string")
    if period == "month" and "date_precision" in events:
        text = text.mask((events["date_precision"] == "year").fillna(False).to_numpy(dtype=bool))
    return text


def _period_end(first: pd.Series, precision: pd.Series | None) -> pd.Series:
    last = first.copy()
    if precision is None:
        return last
    month = (precision == "month").fillna(False).to_numpy(dtype=bool)
    year = (precision == "year").fillna(False).to_numpy(dtype=bool)
    last[month] = first[month] + pd.offsets.MonthEnd(0)
    last[year] = first[year] + pd.offsets.YearEnd(0)
    return last
