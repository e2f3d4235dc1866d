"""Assemble the layered map and write it to disk.

:func:`make_map` takes an events frame and, optionally, the gazetteer's layers
(bases, regions, coca zones, boundaries) and returns a :class:`folium.Map`;
:func:`save_map` writes it, atomically, inlining every script and stylesheet
when asked (:mod:`geo.maps.assets`).
"""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Collection, Mapping
from pathlib import Path

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium import plugins
from folium.map import Layer
from folium.template import Template

from gazetteer.atomic import write_bytes
from gazetteer.errors import InvalidInputError, OutputExistsError
from geo.maps.eventdata import TEXT_BUDGET, EncodedEvents, encode_events
from geo.maps.eventlayers import EventData, EventHeatLayer, EventTypeLayer, TimeSlider
from geo.maps.coca import coca_layers
from geo.maps.control import BOUNDARIES, CONTEXT, EVENTS, GROUPS, GroupedLayers
from geo.maps.features import Layers
from geo.maps.layers import base_layers, boundary_layers, choropleth_layer
from geo.maps.regions import region_layers
from geo.maps.render import Raw, new_map
from geo.maps.legend import Legend, LegendEntry, circle, circles, gradient
from geo.maps.style import HEAT_GRADIENT, PAGE_CSS, marker_radius

__all__ = ["make_map", "save_map", "map_html", "DEFAULT_CLUSTER_THRESHOLD", "CHOROPLETH_LEVELS"]

#: Above this many events, markers are clustered.
DEFAULT_CLUSTER_THRESHOLD = 500

#: Levels a choropleth can count events by.
CHOROPLETH_LEVELS = ("district", "province", "department")

#: Where the map opens when there is nothing to fit (the VRAEM).
_DEFAULT_CENTER = (-12.6, -73.9)

#: Folium's default stylesheets this package does not use (no glyphicons, no
#: rotated icons); leaving them out keeps self-contained files smaller.
_UNUSED_CSS = {"glyphicons_css", "awesome_rotate_css"}

_REGIONS_NOTE = ("Earlier decrees and areas inside a larger region start switched off: tick them in the "
                 "layer control.")

#: Base maps: xyzservices name -> name in the layer control (attribution comes with each).
BASE_MAPS = {
    "OpenStreetMap": "OpenStreetMap",
    "OpenTopoMap": "Terrain (OpenTopoMap)",
    "Esri.WorldImagery": "Satellite (Esri World Imagery)",
}


class _Title(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.DomUtil.create("div", "geo-title", {{ this._parent.get_name() }}.getContainer()).textContent =
            {{ this.text|tojson }};
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Title"
        self.text = text


def make_map(
    events: gpd.GeoDataFrame | None = None,
    *,
    bases: gpd.GeoDataFrame | None = None,
    regions: gpd.GeoDataFrame | None = None,
    regions_shown: Collection[str] | None = None,
    coca: gpd.GeoDataFrame | None = None,
    boundaries: Mapping[str, gpd.GeoDataFrame] | None = None,
    choropleth: str | None = "district",
    title: str | None = None,
    cluster_threshold: int = DEFAULT_CLUSTER_THRESHOLD,
    heatmap: bool = True,
    time_slider: bool = True,
    text_budget: int = TEXT_BUDGET,
    fit_to: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """A layered map of events, bases, coca zones, regions and boundaries.

    Parameters
    ----------
    events : geopandas.GeoDataFrame, optional
        Events in the schema of :mod:`geo.schema` (EPSG:4326 points). One layer
        per event type, coloured by type and sized by fatalities; rows whose
        status is not ok/ambiguous, or without geometry, are counted in the
        legend instead.
    bases : geopandas.GeoDataFrame, optional
        Military and police bases (``gaz.places(kinds=[...])``).
    regions : geopandas.GeoDataFrame, optional
        Region polygons (``gaz.regions()``); coca zones among them are skipped.
    regions_shown : collection of str, optional
        Ids or names of the regions switched on at first. By default all but
        those lying inside a larger region (earlier decrees of the VRAEM,
        valleys within a region); see :func:`geo.maps.regions.region_layers`.
    coca : geopandas.GeoDataFrame, optional
        Coca zones, one row per zone and year (:func:`geo.maps.coca.coca_zones`):
        one layer, with a box on the map to choose the year (the latest at first).
    boundaries : mapping, optional
        ``{"department"|"province"|"district": GeoDataFrame}`` as
        ``gaz.boundaries(level)`` returns (with the data pack).
    choropleth : {"district", "province", "department"} or None
        Count events per unit of this level. Needs ``boundaries[level]``: left
        out without boundaries, with a warning when other levels are given.
        None for no choropleth.
    title : str, optional
        Shown over the map and as the page title (escaped).
    cluster_threshold : int
        Cluster markers when there are more events than this.
    heatmap, time_slider : bool
        Add a heat-map layer; add a date slider that filters the events.
    text_budget : int
        Most characters of notes and quotes in the page; beyond it all are cut
        to one length (the legend says so). Keeps 100,000 events near 16 MB.
    fit_to : (west, south, east, north), optional
        Where the map opens; by default the events (or, without events, the
        other layers). Events outside stay on the map.

    Returns
    -------
    folium.Map

    Raises
    ------
    TypeError
        If a layer is not a GeoDataFrame.
    gazetteer.errors.InvalidInputError
        For an unknown ``choropleth`` level, a negative threshold, or a layer
        without the columns it needs.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> events = gpd.GeoDataFrame({"event_type": ["Battles"], "fatalities": [3]},
    ...                           geometry=[shapely.Point(-73.9, -12.6)], crs="EPSG:4326")
    >>> m = make_map(events, choropleth=None)
    >>> "Events: Battles" in m.get_root().render()
    True
    """
    if choropleth is not None and choropleth not in CHOROPLETH_LEVELS:
        raise InvalidInputError(f"choropleth must be one of {', '.join(CHOROPLETH_LEVELS)} or None, got {choropleth!r}")
    if cluster_threshold < 0:
        raise InvalidInputError(f"cluster_threshold must be >= 0, got {cluster_threshold}")
    boundaries = dict(boundaries or {})
    encoded = encode_events(events, text_budget=text_budget) if events is not None else None

    m = new_map(location=_DEFAULT_CENTER, zoom_start=8, tiles=None, control_scale=True, prefer_canvas=False)
    m.default_css = [(name, url) for name, url in m.default_css if name not in _UNUSED_CSS]
    m.get_root().header.add_child(Raw(f"<style>{PAGE_CSS}</style>"), name="geo_page_css")
    tiles = [folium.TileLayer(provider, name=name, show=i == 0).add_to(m)
             for i, (provider, name) in enumerate(BASE_MAPS.items())]

    # Layers are added bottom to top (polygons first); the control and the legend
    # list them by group and rank instead: events first.
    parts = _Parts(m)
    bbox = _area(encoded, bases, regions, coca)
    if boundaries:
        parts.add(BOUNDARIES, 6, "Administrative boundaries", boundary_layers(boundaries, bbox=_padded(bbox)))
    if coca is not None:
        parts.add(CONTEXT, 4, "Coca cultivation (hectares)", coca_layers(coca),
                  note="Choose the year in the “Coca year” box on the map; a zone's popup lists every year.")
    if regions is not None:
        parts.add(BOUNDARIES, 5, "Regions", region_layers(regions, shown=regions_shown), note=_REGIONS_NOTE)
    if encoded is not None and encoded.count and choropleth is not None and boundaries:
        if choropleth in boundaries:
            parts.add(EVENTS, 2, f"Events per {choropleth} (all dates)",
                      choropleth_layer(encoded.points, boundaries[choropleth], level=choropleth))
        else:
            warnings.warn(f"no {choropleth} boundaries given (levels: {', '.join(boundaries)}); "
                          "the choropleth is left out", stacklevel=2)
    if encoded is not None:
        _add_events(parts, encoded, cluster_threshold=cluster_threshold, heatmap=heatmap, time_slider=time_slider)
    if bases is not None:
        parts.add(CONTEXT, 3, "Bases", base_layers(bases))

    plugins.Fullscreen(position="topleft").add_to(m)
    plugins.MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit="meters",
                           primary_area_unit="hectares").add_to(m)
    plugins.MiniMap(toggle_display=True, position="bottomright").add_to(m)
    GroupedLayers(tiles, parts.groups(), collapsed=False, position="topright").add_to(m)
    parts.legend().add_to(m)
    if title:
        m.get_root().title = html.escape(title)
        _Title(title).add_to(m)
    if fit_to is not None or bbox is not None:
        west, south, east, north = fit_to if fit_to is not None else bbox
        m.fit_bounds([[south, west], [north, east]], padding=(20, 20), max_zoom=10)
    return m


def map_html(m: folium.Map, *, self_contained: bool = False) -> str:
    """The map as one HTML page; with ``self_contained`` every script and stylesheet is inlined.

    Raises
    ------
    gazetteer.errors.DownloadError
        If an asset is neither cached nor downloadable (self-contained only).
    """
    page = m.get_root().render()
    if not self_contained:
        return page
    # Imported here so plain maps do not load the download machinery (pooch, requests).
    from geo.maps.assets import inline_assets

    return inline_assets(page)


def save_map(m: folium.Map, path: str | os.PathLike, *, overwrite: bool = False, self_contained: bool = False) -> Path:
    """Write the map to ``path`` atomically (a temporary file, then a rename).

    Parameters
    ----------
    m : folium.Map
        The map (e.g. from :func:`make_map`).
    path : path-like
        The ``.html`` file to write; missing parent folders are created.
    overwrite : bool
        Replace an existing file.
    self_contained : bool
        Inline Leaflet, its plugins, their stylesheets, fonts and icons, so the
        file opens offline (tiles still need the network).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    gazetteer.errors.OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    path = Path(path)
    if os.path.lexists(path) and not overwrite:
        raise OutputExistsError(f"{path} exists; pass overwrite=True (--overwrite) to replace it")
    write_bytes(path, map_html(m, self_contained=self_contained).encode("utf-8"), exclusive=not overwrite)
    return path


class _Parts:
    """Layers added to the map, remembered with their group and rank for the control and the legend."""

    def __init__(self, m: folium.Map):
        self.map = m
        self._layers: list[tuple[int, int, int, Layer]] = []
        self._sections: list[tuple[int, int, int, str, list[LegendEntry], str]] = []

    def add(self, group: str, rank: int, title: str, built: Layers, *, note: str = "") -> None:
        """Add ``built`` (layers, legend entries) to the map; the legend section is titled ``title``."""
        elements, entries = built
        for element in elements:
            self.add_layer(group, rank, element)
        if entries:
            self.add_section(group, rank, title, entries, note=note)

    def add_layer(self, group: str, rank: int, element: Layer) -> None:
        element.layer_name = _unique_name(self.map, element.layer_name)
        element.add_to(self.map)
        self._layers.append((GROUPS.index(group), rank, len(self._layers), element))

    def add_section(self, group: str, rank: int, title: str, entries: list[LegendEntry], *, note: str = "") -> None:
        self._sections.append((GROUPS.index(group), rank, len(self._sections), title, entries, note))

    def groups(self) -> dict[str, list[Layer]]:
        """Group header -> layers, groups in :data:`GROUPS` order, layers by rank, then as added."""
        out: dict[str, list[Layer]] = {}
        for group, _, _, layer in sorted(self._layers, key=lambda item: item[:3]):
            out.setdefault(GROUPS[group], []).append(layer)
        return out

    def legend(self) -> Legend:
        legend = Legend(title="Legend")
        for *_, title, entries, note in sorted(self._sections, key=lambda item: item[:3]):
            legend.add_section(title, entries, note=note)
        return legend


def _add_events(parts: _Parts, encoded: EncodedEvents, *, cluster_threshold: int, heatmap: bool,
                time_slider: bool) -> None:
    data = EventData(encoded)
    data.add_to(parts.map)
    clustered = encoded.count > cluster_threshold
    entries = []
    for i, (name, color, count) in enumerate(encoded.types):
        label = name or "Unspecified"
        parts.add_layer(EVENTS, 0, EventTypeLayer(data, i, name=f"Events: {label}", clustered=clustered))
        entries.append(LegendEntry(circle(color, 6), f"{label} ({count:,})"))
    if heatmap and encoded.count:
        parts.add_layer(EVENTS, 1, EventHeatLayer(data, name="Heat map of events"))
    if time_slider and encoded.count:
        TimeSlider(data).add_to(parts.map)
    sizes = [(marker_radius(fat), "0 or ?" if fat == 0 else str(fat)) for fat in (0, 5, 25, 100)]
    entries.append(LegendEntry(circles("#999999", sizes), "fatalities", wide=True))
    if encoded.ambiguous:
        entries.append(LegendEntry(circle("#999999", 6, dashed=True), "ambiguous location"))
    notes = [f"{encoded.count:,} events on the map" + (", clustered" if clustered else "") + "."]
    if encoded.left_off:
        notes.append("Not on the map: " + ", ".join(f"{n:,} {why}" for why, n in encoded.left_off.items()) + ".")
    if encoded.text_limit is not None:
        notes.append(f"Notes and quotes cut at {encoded.text_limit} characters.")
    parts.add_section(EVENTS, 0, "Events by type (marker size: fatalities)", entries, note=" ".join(notes))
    if heatmap and encoded.count:
        parts.add_section(EVENTS, 1, "Heat map",
                          [LegendEntry(gradient(list(HEAT_GRADIENT.values())), "fewer → more events")])


def _unique_name(m: folium.Map, name: str) -> str:
    """``name`` escaped for the layer control, made unique among the map's layers.

    Leaflet's layer control shows names as HTML, and it is keyed by name, so a
    repeated name would hide a layer.
    """
    taken = {getattr(child, "layer_name", None) for child in m._children.values()}
    name = html.escape(name)
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def _area(encoded: EncodedEvents | None, *frames: gpd.GeoDataFrame | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the events, else of the other layers, else None."""
    if encoded is not None and encoded.bounds is not None:
        (south, west), (north, east) = encoded.bounds
        return west, south, east, north
    boxes = []
    for frame in frames:
        if frame is None or frame.empty:
            continue
        frame = frame if frame.crs is None or frame.crs.to_epsg() == 4326 else frame.to_crs("EPSG:4326")
        valid = frame.geometry[~(frame.geometry.isna() | frame.geometry.is_empty)]
        if not valid.empty:
            boxes.append(valid.total_bounds)
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _padded(bbox: tuple[float, float, float, float] | None, margin: float = 0.5):
    if bbox is None:
        return None
    west, south, east, north = bbox
    return west - margin, south - margin, east + margin, north + margin
