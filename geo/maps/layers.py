"""Overlays drawn from polygons and points the gazetteer knows: bases, administrative
boundaries, and counts of events per unit (regions: :mod:`geo.maps.regions`; coca
zones: :mod:`geo.maps.coca`).

Each builder returns ``(layers, legend_entries)``. Popups and tooltips are
HTML made here with every string escaped (:func:`geo.maps.style.html_text`),
carried in each feature's properties and bound by a small ``onEachFeature``;
geometries are simplified and rounded to keep files small.
"""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.maps.features import (
    BIND_POPUPS,
    Layers,
    feature_collection,
    is_blank,
    popup_html,
    prepare_frame,
    simplified,
)
from geo.maps.legend import LegendEntry, icon, line, square
from geo.maps.style import BASE_ICONS, BOUNDARY_STYLES, COUNT_COLORS, class_breaks, color_for, html_text

__all__ = ["base_layers", "boundary_layers", "choropleth_layer", "BOUNDARY_LEVELS"]

#: Administrative levels, coarse to fine, with the simplification tolerance in degrees
#: (outlines for zoom levels up to about 11).
BOUNDARY_LEVELS: dict[str, float] = {"department": 0.005, "province": 0.003, "district": 0.002}


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
    bases = prepare_frame(bases, "bases", required=("kind", "name"))
    layers, entries = [], []
    for kind, spec in BASE_ICONS.items():
        rows = bases[bases["kind"].astype(str) == kind]
        if rows.empty:
            continue
        props = pd.DataFrame({
            "popup": [popup_html(r["name"], [("Kind", spec["label"]), ("Admin", _admin(r)),
                                             ("Source", r.get("source"))]) for _, r in rows.iterrows()],
            "tooltip": [html_text(v) for v in rows["name"]],
        }, index=rows.index)
        marker = folium.Marker(icon=folium.Icon(color=spec["color"], icon=spec["icon"], prefix="fa"))
        label = f"{spec['label']}s"
        layers.append(folium.GeoJson(feature_collection(rows, props), name=label, marker=marker,
                                     on_each_feature=BIND_POPUPS))
        entries.append(LegendEntry(icon(spec["color"], spec["icon"]), f"{label} ({len(rows):,})"))
    return layers, entries


def boundary_layers(boundaries: Mapping[str, gpd.GeoDataFrame], *,
                    bbox: tuple[float, float, float, float] | None) -> Layers:
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
        units = prepare_frame(boundaries[level], f"boundaries[{level!r}]", required=("name",))
        if bbox is not None:
            units = units.iloc[units.sindex.query(shapely.box(*bbox), predicate="intersects")]
        units = simplified(units, tolerance)
        style = BOUNDARY_STYLES[level]
        props = pd.DataFrame({
            "tooltip": [html_text(_unit_label(r)) for _, r in units.iterrows()],
            "style": [{"color": style["color"], "weight": style["weight"], "dashArray": style["dashArray"],
                       "fill": False}] * len(units),
        }, index=units.index)
        name = f"{level.capitalize()} boundaries"
        layers.append(folium.GeoJson(feature_collection(units, props), name=name, show=level == "department",
                                     on_each_feature=BIND_POPUPS))
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
    units = prepare_frame(units, f"boundaries[{level!r}]", required=("name",)).reset_index(drop=True)
    hits = units.sindex.query(points.geometry.values, predicate="within")[1]
    counts = np.bincount(hits, minlength=len(units))
    units = units.assign(events=counts)[counts > 0]
    if units.empty:
        return [], []
    breaks = class_breaks(units["events"].tolist())
    units = simplified(units, BOUNDARY_LEVELS.get(level, 0.001))
    props = pd.DataFrame({
        "popup": [popup_html(_unit_label(r), [("Events", f"{int(r['events']):,}")]) for _, r in units.iterrows()],
        "tooltip": [html_text(f"{r['name']}: {int(r['events']):,} events") for _, r in units.iterrows()],
        "style": [{"color": "#555555", "weight": 0.5, "fillColor": color_for(v, breaks, COUNT_COLORS),
                   "fillOpacity": 0.65} for v in units["events"]],
    }, index=units.index)
    layer = folium.GeoJson(feature_collection(units, props), name=f"Events per {level}", show=False,
                           on_each_feature=BIND_POPUPS)
    lows = [1] + [int(b) + 1 for b in breaks[:-1]]
    entries = [
        LegendEntry(square(color_for(b, breaks, COUNT_COLORS)), f"{lo:,}" if lo == int(b) else f"{lo:,}–{int(b):,}")
        for lo, b in zip(lows, breaks)
    ]
    outside = len(points) - int(counts.sum())
    if outside:
        entries.append(LegendEntry("", f"{outside:,} event{'s' if outside != 1 else ''} outside every {level}"))
    return [layer], entries


def _admin(row: pd.Series) -> str:
    parts = [row.get(k) for k in ("admin3", "admin2", "admin1")]
    return ", ".join(str(p) for p in parts if not is_blank(p))


def _unit_label(row: pd.Series) -> str:
    code = row.get("code")
    chain = _admin(row)
    label = str(row["name"])
    if chain and chain != label and not chain.startswith(label):
        label = f"{label} ({chain})"
    return label if is_blank(code) else f"{label} [{code}]"
