"""Coca cultivation: one layer of zones shaded by the hectares of a chosen year.

The zone polygons are written into the page once, each with every year's
figure. :class:`CocaLayer` draws them shaded by the selected year (the
latest when the map opens); a small *Coca year* box on the map, shown while
the layer is on, changes the year: the zones are restyled and their
tooltips and popups follow. A popup lists every year's figure, marks the
selected one and cites the sources. Zones without a figure for the year
stay on the map in grey.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
from folium.map import Layer
from folium.template import Template

from gazetteer.errors import DataError
from geo.maps.eventdata import script_json
from geo.maps.features import (
    APPROXIMATE_NOTE,
    Layers,
    add_page_assets,
    feature_collection,
    is_approximate,
    is_blank,
    prepare_frame,
    simplified,
    without_slivers,
)
from geo.maps.legend import LegendEntry, line, square
from geo.maps.style import APPROXIMATE_DASH, COCA_BREAKS, COCA_COLORS, COCA_OUTLINE, color_for, html_text

__all__ = ["coca_zones", "coca_layers", "CocaLayer", "COCA_COLUMNS", "NO_FIGURE_COLOR", "COCA_LAYER_NAME"]

#: Columns of the coca figures file (``seeds/coca_zones.csv``).
COCA_COLUMNS = ("zone_id", "zone", "year", "hectares", "source")

#: Fill of a zone without a figure for the selected year.
NO_FIGURE_COLOR = "#cccccc"

#: The layer's name in the layer control.
COCA_LAYER_NAME = "Coca cultivation (hectares)"

#: Simplification tolerance of zone polygons, in degrees (about 300 m).
_TOLERANCE = 0.003

_RUNTIME_JS = r"""
(function () {
  if (window.geoCoca) { return; }
  function figure(f, year) { return f.properties.years[year] || null; }
  function tooltip(f, year) {
    var y = figure(f, year), span = document.createElement("span");
    span.textContent = f.properties.name + ": " + (y ? y.ha : "no figure") + " (" + year + ")";
    return span;
  }
  function popup(f, year) {
    // p.popup is HTML escaped on the server; the year line is set as text.
    var div = document.createElement("div"), y = figure(f, year);
    div.innerHTML = f.properties.popup;
    var line = div.querySelector(".geo-coca-selected");
    if (line) { line.textContent = year + ": " + (y ? y.ha : "no figure"); }
    div.querySelectorAll("tr[data-year]").forEach(function (tr) {
      tr.classList.toggle("geo-selected-year", tr.getAttribute("data-year") === year);
    });
    return div;
  }
  function layer(data, years, style) {
    var state = {year: String(years[0])};
    var group = L.geoJSON(data, {
      style: function (f) {
        var y = figure(f, state.year);
        return {color: style.color, weight: f.properties.approx ? 1.5 : 1, dashArray: f.properties.approx ? style.dash : null,
                fillOpacity: 0.45, fillColor: y ? y.fill : style.none, className: "geo-coca-zone"};
      },
      onEachFeature: function (f, l) {
        l.bindPopup(function () { return popup(f, state.year); }, {maxWidth: 380});
        l.bindTooltip(function () { return tooltip(f, state.year); }, {sticky: true});
      }
    });
    group.geoYears = years.map(String);
    group.getYear = function () { return state.year; };
    group.setYear = function (year) {
      state.year = String(year);
      group.resetStyle();
      group.eachLayer(function (l) {
        if (l.isPopupOpen()) { l.getPopup().update(); }
        if (l.isTooltipOpen()) { l.getTooltip().update(); }
      });
      group.fire("yearchange", {year: state.year});
      return group;
    };
    return group;
  }
  function yearControl(group, map, position) {
    var control = L.control({position: position});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "geo-coca-year leaflet-bar");
      var label = L.DomUtil.create("label", "", div);
      label.textContent = "Coca year ";
      var select = L.DomUtil.create("select", "geo-coca-select", label);
      select.setAttribute("aria-label", "Year of the coca cultivation figures");
      group.geoYears.forEach(function (y) {
        var option = document.createElement("option");
        option.value = y; option.textContent = y;
        select.appendChild(option);
      });
      select.value = group.getYear();
      select.addEventListener("change", function () { group.setYear(select.value); });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    // The box is on the map only while the coca layer is; it is added once the page's
    // scripts have run, so that it sits below the layer control in the same corner.
    group.on("add", function () {
      setTimeout(function () { if (map.hasLayer(group) && !control._map) { control.addTo(map); } }, 0);
    });
    group.on("remove", function () { control.remove(); });
    return control;
  }
  window.geoCoca = {layer: layer, yearControl: yearControl};
})();
"""

_CSS = """
.geo-coca-year { background: #fff; padding: 4px 8px; font: 12px sans-serif; }
.geo-coca-year select { margin-left: 4px; font: 12px sans-serif; }
.geo-popup tr.geo-selected-year th, .geo-popup tr.geo-selected-year td { font-weight: bold; color: #000; }
.geo-coca-selected { font-weight: bold; margin-bottom: 3px; }
"""


def coca_zones(path: str | Path, regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Coca figures (``zone_id,zone,year,hectares,source``) joined to their zone polygons.

    Parameters
    ----------
    path : path-like
        The CSV (``seeds/coca_zones.csv``).
    regions : geopandas.GeoDataFrame
        Region polygons with an ``id`` column (``gaz.regions()``); ``zone_id``
        must match one of them. Their ``exact`` flag, when present, comes along.

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
    keep = ["id", "geometry"] + (["exact"] if "exact" in regions.columns else [])
    shapes = regions[keep].rename(columns={"id": "zone_id"})
    joined = table.merge(shapes, on="zone_id", how="left")
    unmatched = sorted(joined.loc[joined["geometry"].isna(), "zone_id"].dropna().unique())
    if unmatched:
        warnings.warn(f"{path}: no polygon for coca zone(s) {', '.join(unmatched)}; left off the map", stacklevel=2)
    joined = joined[joined["geometry"].notna()]
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=regions.crs or "EPSG:4326")


class CocaLayer(Layer):
    """The coca zones, shaded by one year's hectares, with a year selector.

    Parameters
    ----------
    collection : dict
        GeoJSON FeatureCollection whose features carry ``name`` (text),
        ``popup`` (escaped HTML), ``approx`` and ``years``
        (year -> ``{"fill", "ha"}``), as :func:`coca_layers` makes it.
    years : list of int
        Years offered, latest first; the first is selected.
    name : str
        Name in the layer control (HTML-escaped).
    show : bool
        Whether the layer is on when the map opens.
    position : str
        Leaflet control position of the year selector.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.geoCoca.layer({{ this.json }}, {{ this.years|tojson }},
            {{ this.style|tojson }});
        window.geoCoca.yearControl({{ this.get_name() }}, {{ this._parent.get_name() }}, {{ this.position|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, collection: dict, years: list[int], *, name: str = COCA_LAYER_NAME, show: bool = True,
                 position: str = "topright"):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "CocaLayer"
        self.json = script_json(collection)
        self.years = [int(y) for y in years]
        self.position = position
        self.style = {"color": COCA_OUTLINE, "dash": APPROXIMATE_DASH, "none": NO_FIGURE_COLOR}

    def render(self, **kwargs) -> None:
        add_page_assets(self, "geo_coca", css=_CSS, js=_RUNTIME_JS)
        super().render(**kwargs)


def coca_layers(coca: gpd.GeoDataFrame) -> Layers:
    """The coca layer (one, with a year selector) and its legend rows.

    Parameters
    ----------
    coca : geopandas.GeoDataFrame
        One row per zone and year: ``zone_id``, ``zone``, ``year``,
        ``hectares`` (blank when unknown), the zone's polygon, and optionally
        ``source`` and ``exact`` (false: an approximate outline, dashed).

    Returns
    -------
    (layers, legend entries)
    """
    coca = prepare_frame(coca, "coca", required=("zone_id", "zone", "year", "hectares")).copy()
    coca["year"] = pd.to_numeric(coca["year"], errors="coerce").astype("Int64")
    coca["hectares"] = pd.to_numeric(coca["hectares"], errors="coerce")
    coca = coca.dropna(subset=["year"]).sort_values(["zone_id", "year"])
    if coca.empty:
        return [], []
    zones = simplified(without_slivers(coca.drop_duplicates("zone_id")), _TOLERANCE)
    props = [_zone_properties(coca[coca["zone_id"] == zone_id]) for zone_id in zones["zone_id"]]
    years = sorted((int(y) for y in coca["year"].unique()), reverse=True)
    layer = CocaLayer(feature_collection(zones, props), years)
    bounds = [0, *COCA_BREAKS]
    entries = [LegendEntry(square(c), f"{bounds[i]:,}–{bounds[i + 1]:,} ha") for i, c in enumerate(COCA_COLORS[:-1])]
    entries.append(LegendEntry(square(COCA_COLORS[-1]), f"{COCA_BREAKS[-1]:,} ha or more"))
    entries.append(LegendEntry(square(NO_FIGURE_COLOR), "no figure for that year"))
    if any(p["approx"] for p in props):
        entries.append(LegendEntry(line(COCA_OUTLINE, weight=1.5, dashed=True), "approximate zone outline"))
    return [layer], entries


def _hectares(value: float) -> str:
    return "no figure" if pd.isna(value) else f"{value:,.0f} ha"


def _zone_properties(history: pd.DataFrame) -> dict:
    """A zone's name, popup (every year, escaped) and, per year, its fill and figure."""
    name = str(history["zone"].iloc[-1])  # the latest report's name for the zone
    approximate = is_approximate(history["exact"].iloc[-1]) if "exact" in history.columns else False
    rows = "".join(f'<tr data-year="{int(y)}"><th>{int(y)}</th><td>{html_text(_hectares(h))}</td></tr>'
                   for y, h in zip(history["year"], history["hectares"]))
    notes = []
    if "source" in history.columns:
        notes = [f"Source: {s}" for s in dict.fromkeys(history["source"]) if not is_blank(s)]
    if approximate:
        notes.append(APPROXIMATE_NOTE)
    popup = ('<div class="geo-popup"><div class="geo-popup-title">'
             f"{html_text(name)} – coca cultivation</div>"
             '<div class="geo-coca-selected"></div>'
             f"<table>{rows}</table>"
             + "".join(f'<div class="geo-popup-note">{html_text(n)}</div>' for n in notes)
             + "</div>")
    years = {
        str(int(y)): {"fill": NO_FIGURE_COLOR if pd.isna(h) else color_for(h, COCA_BREAKS, COCA_COLORS),
                      "ha": _hectares(h)}
        for y, h in zip(history["year"], history["hectares"])
    }
    return {"name": name, "popup": popup, "approx": approximate, "years": years}
