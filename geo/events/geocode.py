"""Locate events: gazetteer lookups, coordinate checks and admin attribution.

Rows that carry coordinates keep them, after a check against the stated
country and department (a swapped pair is put back when the swap lands in
the stated country). Rows without coordinates are resolved through the
gazetteer with their own admin columns as context; repeated
(name, context) pairs are resolved once, so a million rows naming a few
thousand places cost a few thousand lookups. With the data pack loaded,
every located row gets its department, province and district from a
vectorised point-in-polygon join against the 1,891 district polygons, to the
level its precision supports.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gazetteer import Gazetteer, Kind, Precision, Resolution
from gazetteer.names import fold

from geo.schema import CRS, EVENT_COLUMNS

from .validate import RowReport, show_value

__all__ = ["locate", "district_index", "attribute_points", "COUNTRY_BOUNDS", "TOLERANCE_KM"]

#: A point this close to its stated country or department is taken as inside
#: it: coordinates rounded to 0.01 degree, or towns on a border river.
TOLERANCE_KM = 5.0
_KM_PER_DEGREE = 111.32
#: Rough extents (west, south, east, north) used to check stated countries when
#: no polygons are loaded; from Natural Earth 1:10m admin-0, rounded outwards.
COUNTRY_BOUNDS = {
    "PE": (-81.41, -18.36, -68.65, -0.03),
    "EC": (-92.01, -5.02, -75.19, 1.69),
    "CO": (-81.74, -4.23, -66.85, 13.40),
    "BO": (-69.65, -22.90, -57.45, -9.67),
    "BR": (-74.00, -33.76, -28.84, 5.28),
    "CL": (-109.46, -55.99, -66.41, -17.49),
    "VE": (-73.38, 0.64, -59.80, 15.70),
}
_FINE = {None, Precision.POINT.value, Precision.NEAR.value, Precision.DISTRICT.value}
_ADMIN_LEVEL = {Precision.PROVINCE.value: 2, Precision.DEPARTMENT.value: 1}
_SETTLEMENT_KINDS = (Kind.POPULATED_PLACE.value, Kind.CAPITAL.value)
_ISO2 = re.compile(r"^[A-Za-z]{2}$")
_ACLED_PAIR = re.compile(r"^(?P<outer>.+?)\s+-\s+(?P<inner>.+)$")  # ACLED's "Lima - Ancon"
_DISTRICTS: "weakref.WeakKeyDictionary[Gazetteer, _Districts]" = weakref.WeakKeyDictionary()


@dataclass
class _Districts:
    frame: gpd.GeoDataFrame
    tree: shapely.STRtree
    departments: gpd.GeoDataFrame | None = None


def _districts(gaz: Gazetteer) -> _Districts | None:
    """District polygons and their tree, read once per gazetteer."""
    if not gaz.has_datapack:
        return None
    if gaz not in _DISTRICTS:
        frame = gaz.boundaries("district").reset_index(drop=True)
        _DISTRICTS[gaz] = _Districts(frame, shapely.STRtree(np.asarray(frame.geometry.values)))
    return _DISTRICTS[gaz]


def district_index(lon: np.ndarray, lat: np.ndarray, gaz: Gazetteer, *,
                   tolerance_km: float = 0.0) -> np.ndarray:
    """Position in ``gaz.boundaries("district")`` of the district holding each point.

    Parameters
    ----------
    lon, lat : array of float
        WGS 84 coordinates; NaN gives -1.
    gaz : Gazetteer
        Must have the data pack loaded.
    tolerance_km : float
        A point outside every district but within this distance of one
        (a coastal town, a border river) is given the nearest.

    Returns
    -------
    numpy.ndarray of int
        -1 where no district holds the point.
    """
    districts = _districts(gaz)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.full(len(lon), -1, dtype=np.int64)
    ok = ~(np.isnan(lon) | np.isnan(lat))
    if districts is None or not ok.any():
        return out
    where = np.flatnonzero(ok)
    # Many events share a place: test each distinct point once.
    inverse, unique = pd.factorize(lon[where] + 1j * lat[where])  # hashing beats sorting a million pairs
    points = shapely.points(unique.real, unique.imag)
    found = np.full(len(unique), -1, dtype=np.int64)
    # The tree holds the points; each polygon is prepared once and tests the
    # points in its bounding box, which beats testing a million points one by one.
    point_tree = shapely.STRtree(points)
    poly_idx, point_idx = point_tree.query(np.asarray(districts.frame.geometry.values), predicate="intersects")
    found[point_idx[::-1]] = poly_idx[::-1]  # on a shared border, the first district wins
    if tolerance_km > 0:
        lost = np.flatnonzero(found < 0)
        if len(lost):
            near, dist = districts.tree.query_nearest(points[lost], return_distance=True, all_matches=False)
            close = dist * _KM_PER_DEGREE <= tolerance_km
            found[lost[near[0][close]]] = near[1][close]
    out[where] = found[inverse]
    return out


def attribute_points(frame: gpd.GeoDataFrame, gaz: Gazetteer) -> pd.DataFrame:
    """Department, province and district of each point of ``frame``.

    Parameters
    ----------
    frame : GeoDataFrame
        Points in EPSG:4326 (empty or missing geometries give missing values).
    gaz : Gazetteer
        With the data pack loaded.

    Returns
    -------
    pandas.DataFrame
        Same index as ``frame``; columns admin1, admin1_code, admin2,
        admin2_code, admin3, admin3_code.
    """
    geoms = frame.geometry
    empty = geoms.isna() | geoms.is_empty
    lon = np.where(empty, np.nan, geoms.x.where(~empty))
    lat = np.where(empty, np.nan, geoms.y.where(~empty))
    idx = district_index(lon, lat, gaz)
    return _admin_from_index(idx, gaz, frame.index)


def _admin_from_index(idx: np.ndarray, gaz: Gazetteer, index) -> pd.DataFrame:
    table = _districts(gaz).frame
    cols = ["admin1", "admin1_code", "admin2", "admin2_code", "admin3", "admin3_code"]
    values = {c: np.append(table[c].to_numpy(dtype=object, copy=True), None)[idx] for c in cols}
    return pd.DataFrame({c: pd.array(v, dtype="string") for c, v in values.items()}, index=index)


# -- the pipeline -----------------------------------------------------------

def locate(frame: pd.DataFrame, *, gaz: Gazetteer, report: RowReport,
           skip: set[int] | frozenset[int] = frozenset()) -> gpd.GeoDataFrame:
    """Give every row a location, a status and a reason.

    Parameters
    ----------
    frame : pandas.DataFrame
        Typed event fields (:func:`geo.events.validate.normalise`).
    gaz : Gazetteer
    report : RowReport
        Receives the outcome of each row.
    skip : set of int
        Positions of malformed rows: not geocoded (their cells may be shifted).

    Returns
    -------
    geopandas.GeoDataFrame
        The event schema plus ``row``, EPSG:4326, same order and length.
    """
    out = frame.copy()
    n = len(out)
    iso = _country_codes(out["country"], gaz, report)
    out["country"] = pd.array(iso, dtype="string")
    given = out["latitude"].notna().to_numpy()
    out["precision"] = pd.array(_given_precision(out), dtype="string")
    out["place_id"] = pd.array([None] * n, dtype="string")
    out["confidence"] = np.where(given, 1.0, 0.0)
    stated = _stated_departments(out, gaz)
    stated_names = out["admin1"].to_numpy(dtype=object, copy=True).copy()
    if given.any():
        _check_given(out, given, iso, gaz, report)
    todo = ~out["latitude"].notna().to_numpy()
    dropped = given & todo  # coordinates refused: located from the place name, and said so
    if skip:
        todo[list(skip)] = False
    _geocode(out, todo, iso, stated, gaz, report, dropped)
    _attribute(out, gaz)
    _check_departments(out, stated, stated_names, gaz, report)
    out["status"] = pd.array(report.statuses(), dtype="string")
    out["reason"] = pd.array(report.reason_column(), dtype="string")
    for name, (dtype, _) in EVENT_COLUMNS.items():
        if name not in out:
            out[name] = pd.Series(pd.NA, index=out.index, dtype=dtype)
    geometry = gpd.points_from_xy(out["longitude"], out["latitude"])
    geometry[~out["latitude"].notna().to_numpy()] = None
    ordered = out[[*EVENT_COLUMNS, "row"]]
    return gpd.GeoDataFrame(ordered, geometry=geometry, crs=CRS)


def _country_codes(values: pd.Series, gaz: Gazetteer, report: RowReport) -> np.ndarray:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped: list[str | None] = []
    for value in uniques:
        text = str(value).strip()
        if _ISO2.match(text):
            mapped.append(text.upper())
            continue
        res = gaz.resolve(text, kinds=[Kind.COUNTRY])
        mapped.append(res.best.place.country if res.best is not None else None)
        if res.best is None:
            report.flag_many(np.flatnonzero(codes == len(mapped) - 1), "invalid",
                             f"country {text!r} is not a country the gazetteer knows")
    table = np.array(mapped + [None], dtype=object)
    out = table[np.where(codes < 0, len(mapped), codes)]
    return out


def _given_precision(out: pd.DataFrame) -> np.ndarray:
    acled, ucdp = out["geo_precision"], out["where_prec"]
    prec = np.full(len(out), None, dtype=object)
    for code, p in ((3, Precision.REGION), (2, Precision.NEAR), (1, Precision.POINT)):
        prec[(acled == code).fillna(False).to_numpy()] = p.value
    for code in range(1, 8):
        prec[(ucdp == code).fillna(False).to_numpy() & pd.isna(prec)] = Precision.from_ucdp(code).value
    has = pd.notna(prec) & out["latitude"].notna().to_numpy()
    prec[~has] = None
    if has.any():
        out.loc[has, "geo_precision"] = [Precision(p).acled for p in prec[has]]
        out.loc[has, "where_prec"] = np.where(out.loc[has, "where_prec"].isna(),
                                              [Precision(p).ucdp for p in prec[has]],
                                              out.loc[has, "where_prec"].fillna(0))
    return prec


# -- coordinates given ----------------------------------------------------------

def _check_given(out: pd.DataFrame, given: np.ndarray, iso: np.ndarray, gaz: Gazetteer,
                 report: RowReport) -> None:
    """Flag (or un-swap) points outside their stated country."""
    focus = gaz.focus
    lat = out["latitude"].to_numpy(dtype=float, copy=True)
    lon = out["longitude"].to_numpy(dtype=float, copy=True)
    country = np.array([c if c else focus for c in iso], dtype=object)
    inside = _inside_country(lon, lat, country, gaz)
    for pos in np.flatnonzero(given & (inside == 0)):
        name = country[pos]
        if _inside_country(np.array([lat[pos]]), np.array([lon[pos]]), country[[pos]], gaz)[0] == 1:
            report.flag(pos, "ok", f"latitude, longitude = {lat[pos]:g}, {lon[pos]:g} lies outside {name}; "
                                   f"swapped it lies inside: corrected to {lon[pos]:g}, {lat[pos]:g}")
            lat[pos], lon[pos] = lon[pos], lat[pos]
        else:
            stated = "the stated country" if iso[pos] else "the default country"
            report.flag(pos, "invalid", f"latitude, longitude = {lat[pos]:g}, {lon[pos]:g} lies outside "
                                        f"{name} ({stated}), even with the two swapped")
            lat[pos] = lon[pos] = np.nan  # located from its place name instead, when it has one
    out["latitude"], out["longitude"] = lat, lon
    # Valid coordinates with no stated precision: say nothing rather than guess.


def _inside_country(lon, lat, country, gaz) -> np.ndarray:
    """1 inside, 0 outside, -1 unknown (no outline for that country)."""
    result = np.full(len(lon), -1, dtype=np.int8)
    for code in {c for c in country if c}:
        rows = np.flatnonzero((country == code) & ~np.isnan(lat))
        if code == "PE" and gaz.has_datapack:
            idx = district_index(lon[rows], lat[rows], gaz, tolerance_km=TOLERANCE_KM)
            result[rows] = (idx >= 0).astype(np.int8)
        elif code in COUNTRY_BOUNDS:
            w, s, e, n = COUNTRY_BOUNDS[code]
            result[rows] = ((lon[rows] >= w) & (lon[rows] <= e) & (lat[rows] >= s) & (lat[rows] <= n)).astype(np.int8)
    return result


# -- gazetteer lookups ------------------------------------------------------------

_KEY_COLUMNS = ("location", "admin1", "admin2", "admin3", "admin1_code", "admin2_code", "admin3_code",
                "geo_precision", "where_prec")
# UCDP where_prec / ACLED geo_precision say what kind of place the location names.
_UCDP_KINDS = {3: (Kind.PROVINCE, Kind.DISTRICT), 4: (Kind.DEPARTMENT,), 6: (Kind.COUNTRY,),
               7: (Kind.RIVER,)}


def _geocode(out: pd.DataFrame, todo: np.ndarray, iso: np.ndarray, stated_dept: np.ndarray, gaz: Gazetteer,
             report: RowReport, dropped: np.ndarray) -> None:
    rows = np.flatnonzero(todo)
    if not len(rows):
        return
    keys = [out[c].to_numpy(dtype=object, copy=True)[rows] for c in _KEY_COLUMNS] + [iso[rows]]
    codes = _combine([pd.factorize(k, use_na_sentinel=True)[0] for k in keys])
    uniq, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    results = []
    cells_of = []
    for pos in rows[first]:
        cells = {c: _cell(out[c].iat[pos]) for c in _KEY_COLUMNS}
        if stated_dept[pos] and not cells["admin1_code"]:
            # A code cannot be mistaken for the mention itself ("Piura" in Piura, Piura).
            cells["admin1_code"] = stated_dept[pos]
        cells_of.append(dict(cells, focus=iso[pos] or gaz.focus))
        stated = bool(iso[pos]) or bool(stated_dept[pos])
        results.append(_resolve_row(cells, iso[pos] or gaz.focus, stated, gaz))
    lat = out["latitude"].to_numpy(dtype=float, copy=True)
    lon = out["longitude"].to_numpy(dtype=float, copy=True)
    place_id = out["place_id"].to_numpy(dtype=object, copy=True)
    precision = out["precision"].to_numpy(dtype=object, copy=True)
    confidence = out["confidence"].to_numpy(dtype=float, copy=True)
    admin = {c: out[c].to_numpy(dtype=object, copy=True) for c in
             ("admin1", "admin1_code", "admin2", "admin2_code", "admin3", "admin3_code", "country")}
    candidates = np.full(len(out), None, dtype=object)
    geo_prec = np.full(len(out), -1)
    where_prec = np.full(len(out), -1)
    counts = {"unresolved": 0, "ambiguous": 0}
    # rows of each distinct key, found with one sort rather than a scan per key
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(results) + 1))
    for k, (res, name, note) in enumerate(results):
        members = rows[order[bounds[k]:bounds[k + 1]]]
        if res is None or res.best is None:
            reason = res.reason if res is not None else "no location, admin unit or coordinates given"
            status = "invalid" if res is not None and res.status == "invalid" else "unresolved"
            if status == "invalid":  # say which cell, with the start of its value
                reason = f"location = {show_value(name)}: {reason}"
            counts["unresolved"] += len(members)
            for pos in members:
                report.flag(pos, status, reason, input_problem=status == "invalid")
            continue
        place = res.best.place
        if res.status == "ambiguous":
            place, unit_note = _honest_unit(res, cells_of[k], gaz)
            candidates[members] = res.candidate_list()
            if place is None:
                counts["ambiguous"] += len(members)
                for pos in members:
                    report.flag(pos, "ambiguous", f"{res.reason}; {unit_note}", input_problem=False)
                continue
            res = Resolution(res.query, "ambiguous", res.candidates, f"{res.reason}; {unit_note}", res.close)
        lat[members], lon[members] = place.lat, place.lon
        place_id[members] = place.id
        precision[members] = place.precision.value
        confidence[members] = res.confidence
        geo_prec[members], where_prec[members] = place.precision.acled, place.precision.ucdp
        for c in admin:
            admin[c][members] = getattr(place, c)
        if res.status == "ambiguous":
            counts["ambiguous"] += len(members)
        for pos in members:
            if dropped[pos]:  # bad coordinates: say where the point now comes from
                report.flag(pos, "invalid", f"located from {name!r} instead", input_problem=False)
            if res.status == "ambiguous" or res.reason:
                report.flag(pos, res.status, res.reason, input_problem=False)
            if note:
                report.flag(pos, "ok", note, input_problem=False)
    out["latitude"], out["longitude"] = lat, lon
    out["place_id"] = pd.array(place_id, dtype="string")
    out["precision"] = pd.array(precision, dtype="string")
    out["confidence"] = confidence
    out["candidates"] = pd.array(candidates, dtype="string")
    for c, values in admin.items():
        out[c] = pd.array(values, dtype="string")
    located = geo_prec > 0
    out.loc[located, "geo_precision"] = geo_prec[located]
    out.loc[located, "where_prec"] = where_prec[located]
    if counts["unresolved"] or counts["ambiguous"]:
        report.summary.append(f"{counts['unresolved']} rows could not be located and "
                              f"{counts['ambiguous']} are ambiguous; see the status and reason columns")


def _combine(codes: list[np.ndarray]) -> np.ndarray:
    combined = codes[0].astype(np.int64) + 1
    for c in codes[1:]:
        combined = pd.factorize(combined * (int(c.max()) + 2) + (c + 1))[0].astype(np.int64)
    return combined


def _cell(value):
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def _resolve_row(cells: dict, focus: str, country_stated: bool, gaz: Gazetteer):
    """Resolve one distinct row: its location, else its finest admin unit.

    Returns (Resolution or None, the name looked up, a note or "").
    """
    where_prec = int(cells.pop("where_prec") or 0)
    coarse = where_prec >= 3 or int(cells.pop("geo_precision") or 0) == 3
    context = {k: v for k, v in cells.items() if k != "location" and v}
    context["focus"] = focus
    name = cells["location"]
    if name and where_prec in _UCDP_KINDS:
        res = gaz.resolve(name, context=context, kinds=_UCDP_KINDS[where_prec])
        return _same_country(res, focus, country_stated), name, ""
    if name:
        if not coarse:
            # An event's location is a town, village or base far more often than
            # the admin unit of the same name ("Lambayeque" in Lambayeque): say so softly.
            context["kind"] = _SETTLEMENT_KINDS
        if m := _ACLED_PAIR.match(name):
            # ACLED writes a place inside a city as "City - Place" ("Lima - Ancon").
            inner = dict(context, text=m["outer"])
            res = gaz.resolve(m["inner"], context=inner)
            if res.status == "ok":
                return _same_country(res, focus, country_stated), m["inner"], f"{name!r} read as {m['inner']!r} in {m['outer']!r}"
        res = gaz.resolve(name, context=context)
        res = _same_country(res if coarse else _prefer_settlement(res), focus, country_stated)
        if res.best is None and res.status == "unresolved":
            # As ACLED does: a village missing from the gazetteer is placed at its district.
            why = res.reason if "did you mean" in res.reason else f"{name!r} is not in the gazetteer"
            fallback = _admin_unit(cells, context, gaz, why)
            if fallback[0] is not None and fallback[0].best is not None:
                return fallback
        return res, name, ""
    return _admin_unit(cells, context, gaz, "no location given")


def _admin_unit(cells: dict, context: dict, gaz: Gazetteer, why: str):
    """Resolve the finest admin unit the row names."""
    context = {k: v for k, v in context.items() if k != "kind"}
    for level, kind in (("admin3", Kind.DISTRICT), ("admin2", Kind.PROVINCE), ("admin1", Kind.DEPARTMENT)):
        if cells[level]:
            ctx = {k: v for k, v in context.items() if k != level}
            res = gaz.resolve(cells[level], context=ctx, kinds=[kind])
            return res, cells[level], f"{why}: placed at the {kind.value} {cells[level]!r}"
    return None, "", ""


def _honest_unit(res: Resolution, cells: dict, gaz: Gazetteer):
    """Where an ambiguous row can be placed truthfully, and what to say about it.

    The smallest admin unit holding every close candidate, else the finest
    unit the row's own admin columns name; a point there is true at that
    unit's precision, where one candidate's point would claim more than is
    known. (None, note) when no unit below the country holds them all.
    """
    n = max(res.close, 2)
    unit = gaz.shared_unit(res)
    if unit is not None:
        return unit, f"placed at the {unit.kind.value} {unit.name!r}, which holds all {n} candidates"
    context = {k: v for k, v in cells.items() if k not in ("location", "where_prec", "geo_precision") and v}
    named, _, _ = _admin_unit(dict(cells), context, gaz, "")
    stated = cells.get("admin1_code")
    if named is not None and named.status == "ok" and (
            not stated or named.best.place.admin1_code in (None, stated[:2])):
        unit = named.best.place
        return unit, f"placed at the {unit.kind.value} {unit.name!r} that the row names"
    return None, "its candidates share no admin unit, so it is not placed; see the candidates column"


def _prefer_settlement(res):
    """Settle "Piura" (the city) against "Piura" (the department that holds it).

    For an event's location the town is the finer and the usual meaning; the
    department adds nothing but a coarser precision. Other ambiguities stay.
    """
    if res.status != "ambiguous" or res.best is None:
        return res
    close = res.candidates[:res.close]
    towns = [c for c in close if c.place.kind.value in _SETTLEMENT_KINDS]
    if len(towns) != 1:
        return res
    town = towns[0].place
    chain = {town.admin1_code, town.admin2_code, town.admin3_code} - {None}
    units = [c.place for c in close if c.place is not town]
    if not units or not all(p.kind.is_admin and fold(p.name) == fold(town.name) and
               {p.admin1_code, p.admin2_code, p.admin3_code} - {None} <= chain for p in units):
        return res
    note = f"the town {town.name!r}, not the {' or '.join(sorted({p.kind.value for p in units}))} of that name"
    return Resolution(res.query, "ok", [towns[0], *[c for c in res.candidates if c is not towns[0]]], reason=note)


def _same_country(res, focus: str, country_stated: bool):
    """A match in another country than the row states is no match."""
    if not country_stated or res.best is None or res.best.place.country == focus:
        return res
    others = [c for c in res.candidates if c.place.country == focus]
    place = res.best.place
    reason = (f"the closest name, {place.name!r}, is in {place.country}, not {focus}"
              + (f"; {len(others)} candidates in {focus} score lower" if others else ""))
    return Resolution(res.query, "unresolved", [], reason=reason)


# -- admin units ----------------------------------------------------------------

def _attribute(out: pd.DataFrame, gaz: Gazetteer) -> None:
    """Admin names and codes from the district polygons, to the level the precision supports."""
    if not gaz.has_datapack:
        return
    lat = out["latitude"].to_numpy(dtype=float, copy=True)
    lon = out["longitude"].to_numpy(dtype=float, copy=True)
    country = out["country"].to_numpy(dtype=object, na_value=None)
    peru = (country == "PE") | pd.isna(country)
    idx = np.where(peru, district_index(np.where(peru, lon, np.nan), lat, gaz, tolerance_km=TOLERANCE_KM), -1)
    hit = idx >= 0
    if not hit.any():
        return
    admin = _admin_from_index(idx, gaz, out.index)
    precision = out["precision"].to_numpy(dtype=object, copy=True)
    level = np.array([3 if (p is None or p is pd.NA or p in _FINE) else _ADMIN_LEVEL.get(p, 0) for p in precision])
    for depth, names in ((1, ("admin1", "admin1_code")), (2, ("admin2", "admin2_code")),
                         (3, ("admin3", "admin3_code"))):
        take = hit & (level >= depth)
        for c in names:
            values = out[c].to_numpy(dtype=object, copy=True)
            values[take] = admin[c].to_numpy(dtype=object, copy=True)[take]
            out[c] = pd.array(values, dtype="string")
    out.loc[hit & pd.isna(country), "country"] = "PE"


def _stated_departments(out: pd.DataFrame, gaz: Gazetteer) -> np.ndarray:
    """UBIGEO department code of each row's stated admin1 (None when unknown or not Peru)."""
    stated = out["admin1_code"].to_numpy(dtype=object, copy=True).copy()
    stated = np.array([s[:2] if isinstance(s, str) and s[:2].isdigit() else None for s in stated], dtype=object)
    names = out["admin1"]
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    table = []
    for name in uniques:
        res = gaz.resolve(str(name), kinds=[Kind.DEPARTMENT], context={"focus": "PE"})
        place = res.best.place if res.status == "ok" else None
        table.append(place.admin1_code if place is not None and place.country == "PE" else None)
    table.append(None)
    from_names = np.array(table, dtype=object)[np.where(codes < 0, len(uniques), codes)]
    return np.where(pd.isna(stated), from_names, stated)


def _check_departments(out: pd.DataFrame, stated: np.ndarray, stated_names: np.ndarray, gaz: Gazetteer,
                       report: RowReport) -> None:
    """Flag located rows whose point lies in another department than the row says."""
    found = out["admin1_code"].to_numpy(dtype=object, copy=True)
    precision = out["precision"].to_numpy(dtype=object, copy=True)
    coarse = np.isin(precision.astype(str), [Precision.REGION.value, Precision.COUNTRY.value, Precision.WATER.value])
    mismatch = np.array([bool(s) and isinstance(f, str) and f[:2] != s for s, f in zip(stated, found)], dtype=bool)
    mismatch &= ~coarse
    if not mismatch.any():
        return
    departments = _department_shapes(gaz)
    lat = out["latitude"].to_numpy(dtype=float, copy=True)
    lon = out["longitude"].to_numpy(dtype=float, copy=True)
    for pos in np.flatnonzero(mismatch):
        code = stated[pos]
        if departments is not None and code in departments.index:
            d = departments.geometry[code].distance(shapely.Point(lon[pos], lat[pos])) * _KM_PER_DEGREE
            if d <= TOLERANCE_KM:
                continue
        report.flag(pos, "ambiguous", f"the point lies in {out['admin1'].iat[pos]} ({found[pos][:2]}), "
                                      f"not in the stated department {stated_names[pos]!r} ({code})")


def _department_shapes(gaz: Gazetteer) -> gpd.GeoDataFrame | None:
    districts = _districts(gaz)
    if districts is None:
        return None
    if districts.departments is None:
        districts.departments = gaz.boundaries("department").set_index("code")
    return districts.departments
