"""Overlays drawn from polygons and points the gazetteer knows: bases, coca zones,
regions, administrative boundaries, and counts of events per unit.

Each builder returns ``(layers, legend_entries)``. Popups and tooltips are
HTML made here with every string escaped (:func:`geo.maps.style.html_text`),
carried in each feature's properties and bound by a small ``onEachFeature``;
geometries are simplified and rounded to keep files small.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.utilities import JsCode

from gazetteer.errors import InvalidInputError
from geo.maps.legend import LegendEntry, icon, line, square
from geo.maps.style import (
    BASE_ICONS,
    BOUNDARY_STYLES,
    COCA_BREAKS,
    COCA_COLORS,
    COUNT_COLORS,
    REGION_COLORS,
    class_breaks,
    color_for,
    html_text,
)

__all__ = [
    "base_layers",
    "coca_layers",
    "region_layers",
    "boundary_layers",
    "choropleth_layer",
    "BOUNDARY_LEVELS",
    "COORD_DECIMALS",
]

#: Administrative levels, coarse to fine, with the simplification tolerance in degrees.
BOUNDARY_LEVELS: dict[str, float] = {"department": 0.004, "province": 0.002, "district": 0.001}

#: Decimals kept in polygon coordinates (1e-5 degree is about 1 m).
COORD_DECIMALS = 5

_BIND = JsCode(
    """function (feature, layer) {
        var p = feature.properties;
        if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 380}); }
        if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true}); }
    }"""
)

Layers = tuple[list[folium.map.Layer], list[LegendEntry]]


def base_layers(bases: gpd.GeoDataFrame) -> Layers:
    """One layer per kind of base (military, police), each with its own icon.

    Parameters
    ----------
    bases : geopandas.GeoDataFrame
        Points with ``kind`` (``military_base`` or ``police_base``) and
        ``name``; ``admin1``-``admin3`` and ``source`` are shown when present.

    Returns
    -------
    (layers, legend entries)
    """
    bases = _prepare(bases, "bases", required=("kind", "name"))
    layers, entries = [], []
    for kind, spec in BASE_ICONS.items():
        rows = bases[bases["kind"].astype(str) == kind]
        rows = rows[~(rows.geometry.isna() | rows.geometry.is_empty)]
        if rows.empty:
            continue
        props = pd.DataFrame({
            "popup": [_popup(r["name"], [("Kind", spec["label"]), ("Admin", _admin(r)), ("Source", r.get("source"))])
                      for _, r in rows.iterrows()],
            "tooltip": [html_text(v) for v in rows["name"]],
        }, index=rows.index)
        marker = folium.Marker(icon=folium.Icon(color=spec["color"], icon=spec["icon"], prefix="fa"))
        label = f"{spec['label']}s"
        layers.append(folium.GeoJson(_collection(rows, props), name=label, marker=marker, on_each_feature=_BIND))
        entries.append(LegendEntry(icon(spec["color"], spec["icon"]), f"{label} ({len(rows):,})"))
    return layers, entries


def coca_layers(coca: gpd.GeoDataFrame) -> Layers:
    """One layer of coca zones per year, shaded by hectares; only the latest year is shown.

    Parameters
    ----------
    coca : geopandas.GeoDataFrame
        One row per zone and year: ``zone_id``, ``zone``, ``year``,
        ``hectares``, ``source`` and the zone's polygon.

    Returns
    -------
    (layers, legend entries)
    """
    coca = _prepare(coca, "coca", required=("zone_id", "zone", "year", "hectares"))
    coca = coca[~(coca.geometry.isna() | coca.geometry.is_empty)].copy()
    coca["year"] = pd.to_numeric(coca["year"], errors="coerce").astype("Int64")
    coca["hectares"] = pd.to_numeric(coca["hectares"], errors="coerce")
    coca = coca.dropna(subset=["year"])
    if coca.empty:
        return [], []
    coca = _simplified(coca, 0.002)
    history = {zone_id: rows.sort_values("year") for zone_id, rows in coca.groupby("zone_id")}
    years = sorted(int(y) for y in coca["year"].unique())
    layers = []
    for year in reversed(years):  # latest first in the layer control
        rows = coca[coca["year"] == year]
        props = pd.DataFrame({
            "popup": [_coca_popup(r, history[r["zone_id"]], year) for _, r in rows.iterrows()],
            "tooltip": [html_text(f"{r['zone']}: {_hectares(r['hectares'])} ({year})") for _, r in rows.iterrows()],
            "style": [_coca_style(v) for v in rows["hectares"]],
        }, index=rows.index)
        layers.append(folium.GeoJson(_collection(rows, props), name=f"Coca {year} (hectares)",
                                     show=year == years[-1], on_each_feature=_BIND))
    bounds = [0, *COCA_BREAKS]
    entries = [LegendEntry(square(c), f"{bounds[i]:,}–{bounds[i + 1]:,} ha") for i, c in enumerate(COCA_COLORS[:-1])]
    entries.append(LegendEntry(square(COCA_COLORS[-1]), f"{COCA_BREAKS[-1]:,} ha or more"))
    entries.append(LegendEntry(square("#cccccc"), "no figure for that year"))
    return layers, entries


def region_layers(regions: gpd.GeoDataFrame) -> Layers:
    """One outlined layer per region (the VRAEM, valleys), citing its decree or report.

    Parameters
    ----------
    regions : geopandas.GeoDataFrame
        Polygons with ``name``; ``id``, ``kind``, ``source`` and ``exact``
        are shown when present. Coca zones are left to :func:`coca_layers`.

    Returns
    -------
    (layers, legend entries)
    """
    regions = _prepare(regions, "regions", required=("name",))
    if "kind" in regions.columns:
        regions = regions[regions["kind"].astype(str) != "coca_zone"]
    regions = _simplified(regions[~(regions.geometry.isna() | regions.geometry.is_empty)], 0.002)
    layers, entries = [], []
    for i, (_, r) in enumerate(regions.iterrows()):
        color = REGION_COLORS[i % len(REGION_COLORS)]
        exact = r.get("exact")
        outline = None if exact is None or pd.isna(exact) or bool(exact) else "approximate outline (district polygons not loaded)"
        popup = _popup(r["name"], [("Kind", r.get("kind")), ("Id", r.get("id")), ("Source", r.get("source")),
                                   ("Note", outline)])
        props = pd.DataFrame({"popup": [popup], "tooltip": [html_text(r["name"])],
                              "style": [{"color": color, "weight": 2.5, "fill": True, "fillColor": color,
                                         "fillOpacity": 0.03, "dashArray": "8 4" if outline else None}]},
                             index=[r.name])
        layers.append(folium.GeoJson(_collection(regions.loc[[r.name]], props), name=str(r["name"]),
                                     on_each_feature=_BIND))
        entries.append(LegendEntry(line(color, weight=2.5, dashed=bool(outline)), str(r["name"])))
    return layers, entries


def boundary_layers(boundaries: Mapping[str, gpd.GeoDataFrame], *, bbox: tuple[float, float, float, float] | None) -> Layers:
    """Outlines of departments, provinces and districts (only departments shown at first).

    Parameters
    ----------
    boundaries : mapping
        Level (``department``, ``province``, ``district``) -> polygons with
        ``name`` and ``code`` (as ``gaz.boundaries(level)`` returns).
    bbox : (west, south, east, north) or None
        Keep only units that touch this box (the area of the map).

    Returns
    -------
    (layers, legend entries)
    """
    layers, entries = [], []
    for level, tolerance in BOUNDARY_LEVELS.items():
        if level not in boundaries:
            continue
        units = _prepare(boundaries[level], f"boundaries[{level!r}]", required=("name",))
        if bbox is not None:
            units = units.iloc[units.sindex.query(shapely.box(*bbox), predicate="intersects")]
        units = _simplified(units, tolerance)
        style = BOUNDARY_STYLES[level]
        props = pd.DataFrame({
            "tooltip": [html_text(_unit_label(r)) for _, r in units.iterrows()],
            "style": [{"color": style["color"], "weight": style["weight"], "dashArray": style["dashArray"],
                       "fill": False}] * len(units),
        }, index=units.index)
        name = f"{level.capitalize()} boundaries"
        layers.append(folium.GeoJson(_collection(units, props), name=name, show=level == "department",
                                     on_each_feature=_BIND))
        entries.append(LegendEntry(line(str(style["color"]), weight=float(style["weight"]),
                                        dashed=style["dashArray"] is not None), name))
    return layers, entries


def choropleth_layer(points: gpd.GeoSeries, units: gpd.GeoDataFrame, *, level: str) -> Layers:
    """Event counts per administrative unit, from a spatial join of the event points.

    Parameters
    ----------
    points : geopandas.GeoSeries
        The mapped events' points (EPSG:4326).
    units : geopandas.GeoDataFrame
        Polygons of ``level`` with ``name`` and ``code``.
    level : str
        ``district`` or ``province`` (named in the layer and the legend).

    Returns
    -------
    (layers, legend entries)
        Only units with at least one event are drawn; an empty result when no
        event falls in a unit.
    """
    units = _prepare(units, f"boundaries[{level!r}]", required=("name",)).reset_index(drop=True)
    hits = units.sindex.query(points.geometry.values, predicate="within")[1]
    counts = np.bincount(hits, minlength=len(units))
    units = units.assign(events=counts)[counts > 0]
    if units.empty:
        return [], []
    breaks = class_breaks(units["events"].tolist())
    units = _simplified(units, BOUNDARY_LEVELS.get(level, 0.001))
    props = pd.DataFrame({
        "popup": [_popup(_unit_label(r), [("Events", f"{int(r['events']):,}")]) for _, r in units.iterrows()],
        "tooltip": [html_text(f"{r['name']}: {int(r['events']):,} events") for _, r in units.iterrows()],
        "style": [{"color": "#555555", "weight": 0.5, "fillColor": color_for(v, breaks, COUNT_COLORS),
                   "fillOpacity": 0.65} for v in units["events"]],
    }, index=units.index)
    layer = folium.GeoJson(_collection(units, props), name=f"Events per {level}", show=False, on_each_feature=_BIND)
    lows = [1] + [int(b) + 1 for b in breaks[:-1]]
    entries = [
        LegendEntry(square(color_for(b, breaks, COUNT_COLORS)), f"{lo:,}" if lo == int(b) else f"{lo:,}–{int(b):,}")
        for lo, b in zip(lows, breaks)
    ]
    outside = len(points) - int(counts.sum())
    if outside:
        entries.append(LegendEntry("", f"{outside:,} events outside every {level}"))
    return [layer], entries


def _prepare(frame: Any, what: str, *, required: tuple[str, ...]) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame, not {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"{what} lacks column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}")
    # Everything drawn is EPSG:4326 lon/lat; a frame without a CRS is taken to be in it.
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs("EPSG:4326")
    return frame


def _simplified(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    geoms = shapely.simplify(frame.geometry.values, tolerance, preserve_topology=True)
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


def _collection(rows: gpd.GeoDataFrame, props: pd.DataFrame) -> dict:
    """A FeatureCollection with only the drawing properties (popup, tooltip, style)."""
    geoms = shapely.transform(rows.geometry.values, lambda xy: np.round(xy, COORD_DECIMALS))
    records = props.to_dict("records")
    features = [
        {"type": "Feature", "geometry": geom.__geo_interface__, "properties": rec}
        for geom, rec in zip(geoms, records)
    ]
    return {"type": "FeatureCollection", "features": features}


def _popup(title: object, rows: list[tuple[str, object]]) -> str:
    cells = "".join(
        f"<tr><th>{html_text(label)}</th><td>{html_text(value)}</td></tr>"
        for label, value in rows
        if value is not None and not (not isinstance(value, (list, dict)) and pd.isna(value)) and str(value) != ""
    )
    return f'<div class="geo-popup"><div class="geo-popup-title">{html_text(title)}</div><table>{cells}</table></div>'


def _admin(row: pd.Series) -> str:
    parts = [row.get(k) for k in ("admin3", "admin2", "admin1")]
    return ", ".join(str(p) for p in parts if p is not None and not pd.isna(p) and str(p))


def _unit_label(row: pd.Series) -> str:
    code = row.get("code")
    chain = _admin(row)
    label = str(row["name"])
    if chain and chain != label and not chain.startswith(label):
        label = f"{label} ({chain})"
    return f"{label} [{code}]" if code is not None and not pd.isna(code) and str(code) else label


def _hectares(value: float) -> str:
    return "no figure" if pd.isna(value) else f"{value:,.0f} ha"


def _coca_style(hectares: float) -> dict:
    fill = "#cccccc" if pd.isna(hectares) else color_for(hectares, COCA_BREAKS, COCA_COLORS)
    return {"color": "#2b6a2b", "weight": 1, "fillColor": fill, "fillOpacity": 0.45}


def _coca_popup(row: pd.Series, history: pd.DataFrame, year: int) -> str:
    lines = "".join(
        ("<tr><th><b>{y}</b></th><td><b>{h}</b></td></tr>" if int(y) == year else "<tr><th>{y}</th><td>{h}</td></tr>")
        .format(y=int(y), h=html_text(_hectares(h)))
        for y, h in zip(history["year"], history["hectares"])
    )
    sources = []
    if "source" in history.columns:
        sources = [s for s in dict.fromkeys(history["source"].dropna().astype(str)) if s]
    cite = "".join(f'<div class="geo-popup-note">Source: {html_text(s)}</div>' for s in sources)
    return (f'<div class="geo-popup"><div class="geo-popup-title">{html_text(row["zone"])}</div>'
            f"<table><tr><th>Year</th><td>Coca (ha)</td></tr>{lines}</table>{cite}</div>")
