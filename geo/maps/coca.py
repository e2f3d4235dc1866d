"""Coca cultivation: hectares per zone and year, drawn as one layer per year.

The zone polygons are written into the page once (:class:`ZoneData`); each
year's layer (:class:`CocaYearLayer`) draws the zones that have a figure for
that year, shaded by hectares, from that one copy. The popup of a zone lists
every year's figure and cites the sources; only the latest year is shown
when the map opens.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from gazetteer.errors import DataError
from geo.maps.eventdata import script_json
from geo.maps.features import Layers, feature_collection, is_blank, popup_html, prepare_frame, simplified
from geo.maps.legend import LegendEntry, square
from geo.maps.style import COCA_BREAKS, COCA_COLORS, color_for, html_text

__all__ = ["coca_zones", "coca_layers", "ZoneData", "CocaYearLayer", "COCA_COLUMNS", "NO_FIGURE_COLOR"]

#: Columns of the coca figures file (``seeds/coca_zones.csv``).
COCA_COLUMNS = ("zone_id", "zone", "year", "hectares", "source")

#: Fill of a zone listed for a year without a figure.
NO_FIGURE_COLOR = "#cccccc"

#: Simplification tolerance of zone polygons, in degrees (about 300 m).
_TOLERANCE = 0.003


def coca_zones(path: str | Path, regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Coca figures (``zone_id,zone,year,hectares,source``) joined to their zone polygons.

    Parameters
    ----------
    path : path-like
        The CSV (``seeds/coca_zones.csv``).
    regions : geopandas.GeoDataFrame
        Region polygons with an ``id`` column (``gaz.regions()``); ``zone_id``
        must match one of them.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per zone and year, EPSG:4326. Zones without a polygon are
        left out with a warning naming them.

    Raises
    ------
    gazetteer.errors.DataError
        If the CSV lacks a column, naming it.
    """
    table = pd.read_csv(path, dtype={"zone_id": "string", "zone": "string", "source": "string"})
    missing = [c for c in COCA_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(COCA_COLUMNS)}")
    shapes = regions[["id", "geometry"]].rename(columns={"id": "zone_id"})
    joined = table.merge(shapes, on="zone_id", how="left")
    unmatched = sorted(joined.loc[joined["geometry"].isna(), "zone_id"].dropna().unique())
    if unmatched:
        warnings.warn(f"{path}: no polygon for coca zone(s) {', '.join(unmatched)}; left off the map", stacklevel=2)
    joined = joined[joined["geometry"].notna()]
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=regions.crs or "EPSG:4326")


class ZoneData(MacroElement):
    """The zone polygons, with per-year fills and tooltips, embedded once."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.json }};
        {% endmacro %}
        """
    )

    def __init__(self, collection: dict):
        super().__init__()
        self._name = "ZoneData"
        self.json = script_json(collection)


class CocaYearLayer(Layer):
    """The zones with a figure for ``year``, drawn from a :class:`ZoneData`."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.zones.get_name() }}, {
            filter: function (f) { return f.properties.years[{{ this.key|tojson }}] !== undefined; },
            style: function (f) {
                return {color: "#2b6a2b", weight: 1, fillOpacity: 0.45,
                        fillColor: f.properties.years[{{ this.key|tojson }}].fill};
            },
            onEachFeature: function (f, layer) {
                layer.bindPopup(f.properties.popup, {maxWidth: 380});
                layer.bindTooltip(f.properties.years[{{ this.key|tojson }}].tooltip, {sticky: true});
            }
        });
        {% endmacro %}
        """
    )

    def __init__(self, zones: ZoneData, year: int, *, name: str, show: bool):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "CocaYearLayer"
        self.zones = zones
        self.key = str(year)


def coca_layers(coca: gpd.GeoDataFrame) -> Layers:
    """The zone data and one layer per year (latest first, and the only one shown).

    Parameters
    ----------
    coca : geopandas.GeoDataFrame
        One row per zone and year: ``zone_id``, ``zone``, ``year``,
        ``hectares`` (blank when unknown), ``source`` and the zone's polygon.

    Returns
    -------
    (elements, legend entries)
        The first element is the :class:`ZoneData` the year layers read.
    """
    coca = prepare_frame(coca, "coca", required=("zone_id", "zone", "year", "hectares")).copy()
    coca["year"] = pd.to_numeric(coca["year"], errors="coerce").astype("Int64")
    coca["hectares"] = pd.to_numeric(coca["hectares"], errors="coerce")
    coca = coca.dropna(subset=["year"]).sort_values(["zone_id", "year"])
    if coca.empty:
        return [], []
    zones = simplified(coca.drop_duplicates("zone_id"), _TOLERANCE)
    props = [_zone_properties(coca[coca["zone_id"] == zone_id]) for zone_id in zones["zone_id"]]
    data = ZoneData(feature_collection(zones, props))
    years = sorted(int(y) for y in coca["year"].unique())
    layers = [data] + [CocaYearLayer(data, year, name=f"Coca {year} (hectares)", show=year == years[-1])
                       for year in reversed(years)]
    bounds = [0, *COCA_BREAKS]
    entries = [LegendEntry(square(c), f"{bounds[i]:,}–{bounds[i + 1]:,} ha") for i, c in enumerate(COCA_COLORS[:-1])]
    entries.append(LegendEntry(square(COCA_COLORS[-1]), f"{COCA_BREAKS[-1]:,} ha or more"))
    entries.append(LegendEntry(square(NO_FIGURE_COLOR), "no figure for that year"))
    return layers, entries


def _hectares(value: float) -> str:
    return "no figure" if pd.isna(value) else f"{value:,.0f} ha"


def _zone_properties(history: pd.DataFrame) -> dict:
    """Popup with every year's figure; per year, the fill and the tooltip (escaped)."""
    name = history["zone"].iloc[-1]  # the latest report's name for the zone
    rows = [(str(int(y)), _hectares(h)) for y, h in zip(history["year"], history["hectares"])]
    sources = []
    if "source" in history.columns:
        sources = [f"Source: {s}" for s in dict.fromkeys(history["source"]) if not is_blank(s)]
    years = {
        str(int(y)): {
            "fill": NO_FIGURE_COLOR if pd.isna(h) else color_for(h, COCA_BREAKS, COCA_COLORS),
            "tooltip": html_text(f"{zone}: {_hectares(h)} ({int(y)})"),
        }
        for y, h, zone in zip(history["year"], history["hectares"], history["zone"])
    }
    return {"popup": popup_html(name, [("Year", "Coca")] + rows, notes=sources), "years": years}
