"""Helpers shared by the polygon and point layers: checking frames, shrinking
geometries, and GeoJSON whose properties carry only escaped popup HTML,
tooltips and styles.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
from branca.element import Figure
import numpy as np
import pandas as pd
import shapely
from folium.utilities import JsCode

from gazetteer.errors import InvalidInputError
from geo.maps.legend import LegendEntry
from geo.maps.render import Raw
from geo.maps.style import html_text

__all__ = ["Layers", "BIND_POPUPS", "COORD_DECIMALS", "APPROXIMATE_NOTE", "prepare_frame", "simplified",
           "feature_collection", "popup_html", "is_blank", "is_approximate", "add_page_assets", "without_slivers",
           "SLIVER_AREA"]

#: What a layer builder returns: the folium elements to add, in order, and the legend rows.
Layers = tuple[list[folium.map.Layer], list[LegendEntry]]

#: Decimals kept in polygon and base coordinates (1e-4 degree is about 11 m).
COORD_DECIMALS = 4

#: Said in the popup of a region or coca zone whose outline is an approximation
#: (the gazetteer's ``exact`` is false: no district polygons to build it from).
APPROXIMATE_NOTE = ("Approximate outline: drawn around the member districts because district polygons are "
                    "not loaded; with the data pack the map draws the exact one.")

#: Holes smaller than this (square degrees, about 6 km² in Peru) are slivers between
#: district polygons that do not quite meet, not districts left out of a region.
SLIVER_AREA = 5e-4

#: ``onEachFeature`` binding the escaped HTML each feature carries.
BIND_POPUPS = JsCode(
    """function (feature, layer) {
        var p = feature.properties;
        if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 380}); }
        if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true}); }
    }"""
)


def add_page_assets(element, key: str, *, css: str, js: str) -> None:
    """Put a stylesheet and a script in the page's head once, however many ``element``s use them.

    Raises
    ------
    TypeError
        If ``element`` is not on a folium map yet.
    """
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{type(element).__name__} must be added to a folium Map before rendering")
    figure.header.add_child(Raw(f"<style>{css}</style>"), name=f"{key}_css")
    figure.header.add_child(Raw(f"<script>{js}</script>"), name=f"{key}_js")


def is_blank(value: Any) -> bool:
    """None, NaN/NA or an empty string."""
    if value is None or isinstance(value, (list, dict)):
        return value is None
    return bool(pd.isna(value)) or str(value) == ""


def is_approximate(exact: Any) -> bool:
    """Whether an ``exact`` flag says the outline is approximate (a blank flag does not)."""
    return not is_blank(exact) and not bool(exact)


def prepare_frame(frame: Any, what: str, *, required: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Check a layer's frame (type, columns) and bring it to EPSG:4326.

    Raises
    ------
    TypeError
        If ``frame`` is not a GeoDataFrame.
    gazetteer.errors.InvalidInputError
        If a required column is missing (the message lists the columns it has).
    """
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame, not {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"{what} lacks column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}")
    # Everything drawn is EPSG:4326 lon/lat; a frame without a CRS is taken to be in it.
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs("EPSG:4326")
    return frame[~(frame.geometry.isna() | frame.geometry.is_empty)]


def simplified(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """``frame`` with its geometries simplified (tolerance in degrees)."""
    geoms = shapely.simplify(frame.geometry.values, tolerance, preserve_topology=True)
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


def without_slivers(frame: gpd.GeoDataFrame, max_area: float = SLIVER_AREA) -> gpd.GeoDataFrame:
    """``frame`` with the holes smaller than ``max_area`` (square degrees) filled.

    A region built as the union of its districts keeps hundreds of hairline
    gaps where neighbouring polygons do not quite meet; drawn, each is an
    outline across the region. Real holes (a district left out) are far larger.
    """
    def fill(geom):
        if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
            return geom
        parts = [shapely.Polygon(part.exterior, [ring for ring in part.interiors
                                                 if shapely.Polygon(ring).area >= max_area])
                 for part in shapely.get_parts(geom)]
        return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)

    return frame.set_geometry(gpd.GeoSeries([fill(g) for g in frame.geometry.values], index=frame.index,
                                            crs=frame.crs))


def feature_collection(rows: gpd.GeoDataFrame, props: pd.DataFrame | list[dict]) -> dict:
    """A FeatureCollection of ``rows``' geometries (rounded) with only the given properties."""
    geoms = shapely.transform(rows.geometry.values, lambda xy: np.round(xy, COORD_DECIMALS))
    records = props.to_dict("records") if isinstance(props, pd.DataFrame) else props
    features = [
        {"type": "Feature", "geometry": geom.__geo_interface__, "properties": rec}
        for geom, rec in zip(geoms, records)
        if not geom.is_empty
    ]
    return {"type": "FeatureCollection", "features": features}


def popup_html(title: object, rows: list[tuple[str, object]], *, notes: list[str] = ()) -> str:
    """A popup: a title, a two-column table of the non-blank rows, notes below; all escaped."""
    cells = "".join(f"<tr><th>{html_text(label)}</th><td>{html_text(value)}</td></tr>"
                    for label, value in rows if not is_blank(value))
    below = "".join(f'<div class="geo-popup-note">{html_text(n)}</div>' for n in notes)
    return f'<div class="geo-popup"><div class="geo-popup-title">{html_text(title)}</div><table>{cells}</table>{below}</div>'
