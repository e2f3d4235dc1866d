"""folium elements that draw events in the browser from one embedded data object.

:class:`EventData` embeds the columns made by :func:`geo.maps.eventdata.encode_events`
and a small runtime (``window.geoEvents``) once per page. :class:`EventTypeLayer`
(one per event type, clustered above a threshold), :class:`EventHeatLayer` and
:class:`TimeSlider` read that object, so 100,000 events are written once and
become markers only in the browser.

Every string reaches the page through ``textContent`` or a DOM attribute, never
through ``innerHTML``; source links are made only for ``http(s)`` URLs.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from geo.maps.eventdata import EncodedEvents, script_json
from geo.maps.features import add_page_assets
from geo.maps.style import HEAT_GRADIENT

__all__ = ["EventData", "EventTypeLayer", "EventHeatLayer", "TimeSlider", "MARKERCLUSTER_JS", "MARKERCLUSTER_CSS"]

#: Leaflet.markercluster 1.5.3: folium's MarkerCluster still loads 1.1.0, whose
#: chunked loading fails when the map moves before clustering ends (large maps).
#: The names are folium's, so a page never loads both versions.
_MARKERCLUSTER = "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/"
MARKERCLUSTER_JS = [("markerclusterjs", _MARKERCLUSTER + "leaflet.markercluster.js")]
MARKERCLUSTER_CSS = [
    ("markerclustercss", _MARKERCLUSTER + "MarkerCluster.css"),
    ("markerclusterdefaultcss", _MARKERCLUSTER + "MarkerCluster.Default.css"),
]

_RUNTIME_JS = r"""
(function () {
  if (window.geoEvents) { return; }
  var DAY = 86400000;
  function text(d, key, i) {
    var c = d.c[key];
    return c ? (c.i ? c.s[c.i[i]] : c.v[i]) : "";
  }
  function date(d, i) {
    var day = d.day[i];
    if (day === null) { return ""; }
    var iso = new Date(day * DAY).toISOString().slice(0, 10);
    var p = d.dp[i];
    return p === 2 ? iso.slice(0, 4) : (p === 1 ? iso.slice(0, 7) : iso);
  }
  function radius(f) { return f < 0 ? 4 : Math.min(20, 4 + 2 * Math.sqrt(f)); }
  function row(table, label, value, node) {
    if (!value && !node) { return; }
    var tr = table.insertRow();
    var th = document.createElement("th");
    th.textContent = label;
    tr.appendChild(th);
    var td = tr.insertCell();
    if (node) { td.appendChild(node); } else { td.textContent = value; }
  }
  function sourceNode(d, i) {
    var name = text(d, "src", i), url = text(d, "url", i);
    if (!/^https?:\/\//i.test(url)) { return null; }
    var a = document.createElement("a");
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = name || url;
    return a;
  }
  function popup(d, i) {
    var div = document.createElement("div");
    div.className = "geo-popup";
    var h = document.createElement("div");
    h.className = "geo-popup-title";
    var sub = text(d, "sub", i);
    h.textContent = d.types[d.t[i]].name + (sub ? " \u2013 " + sub : "");
    div.appendChild(h);
    var table = document.createElement("table");
    var f = d.fat[i];
    var a1 = text(d, "a1", i), a2 = text(d, "a2", i);
    row(table, "Date", date(d, i) || "unknown");
    row(table, "Actors", a2 ? a1 + " vs. " + a2 : a1);
    row(table, "Fatalities", f < 0 ? "unknown" : String(f));
    row(table, "Location", text(d, "loc", i));
    row(table, "Admin", [text(d, "ad3", i), text(d, "ad2", i), text(d, "ad1", i)].filter(Boolean).join(", "));
    var prec = text(d, "prec", i);
    if (text(d, "st", i) === "ambiguous") {
      prec = (prec ? prec + "; " : "") + "ambiguous" + (text(d, "why", i) ? ": " + text(d, "why", i) : "");
    }
    row(table, "Precision", prec);
    var link = sourceNode(d, i), url = text(d, "url", i);
    // A URL that is not http(s) is shown as text, never as a link.
    row(table, "Source", link ? "" : [text(d, "src", i), url].filter(Boolean).join(" \u2013 "), link);
    row(table, "Quote", text(d, "quote", i));
    row(table, "Notes", text(d, "notes", i));
    row(table, "Event", text(d, "id", i));
    div.appendChild(table);
    if (d.cut !== null) {
      var note = document.createElement("div");
      note.className = "geo-popup-note";
      note.textContent = "Long texts are shortened on this map; the full text is in the data.";
      div.appendChild(note);
    }
    return div;
  }
  function tooltip(d, i) {
    var span = document.createElement("span");
    span.textContent = [date(d, i), d.types[d.t[i]].name, text(d, "loc", i)].filter(Boolean).join(" \u00b7 ");
    return span;
  }
  function clusterIcon(color) {
    return function (cluster) {
      var n = cluster.getChildCount();
      var size = n < 100 ? 32 : (n < 1000 ? 38 : 46);
      var div = document.createElement("div");
      div.style.background = color;
      var span = document.createElement("span");
      span.textContent = n.toLocaleString();
      div.appendChild(span);
      return L.divIcon({html: div, className: "geo-cluster", iconSize: L.point(size, size)});
    };
  }
  function upper(days, limit) {
    // Index of the first day > limit; null (undated) sorts first and always shows.
    var lo = 0, hi = days.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (days[mid] === null || days[mid] <= limit) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }
  function typeLayer(d, t, group, clustered) {
    var markers = [], days = [];
    // One marker class per type carries the shared style; each marker sets only its radius.
    var Marker = L.CircleMarker.extend({options: {
      color: "#ffffff", weight: 1, fillColor: d.types[t].color, fillOpacity: 0.8, className: "geo-event",
      pane: "geoEvents"
    }});
    for (var i = 0; i < d.n; i++) {
      if (d.t[i] !== t) { continue; }
      var opts = {radius: radius(d.fat[i])};
      if (text(d, "st", i) === "ambiguous") { opts.dashArray = "3 2"; }
      var m = new Marker(new L.LatLng(d.lat[i] / d.scale, d.lon[i] / d.scale), opts);
      m._geoIndex = i;
      markers.push(m);
      days.push(d.day[i]);
    }
    var state = {group: group, markers: markers, days: days, shown: markers.length, clustered: clustered};
    if (clustered) { group.addLayers(markers); } else { markers.forEach(function (m) { group.addLayer(m); }); }
    // Popups and tooltips are made on first use, not for every marker up front.
    group.on("mouseover", function (e) {
      var m = e.layer;
      if (m && m._geoIndex !== undefined && !m.getTooltip()) {
        m.bindTooltip(function () { return tooltip(d, m._geoIndex); }).openTooltip();
      }
    });
    group.on("click", function (e) {
      var m = e.layer;
      if (m && m._geoIndex !== undefined && !m.getPopup()) {
        m.bindPopup(function () { return popup(d, m._geoIndex); }, {maxWidth: 380}).openPopup();
      }
    });
    (d._layers = d._layers || []).push(state);
    return group;
  }
  function showUpTo(state, limit) {
    var k = upper(state.days, limit);
    if (k === state.shown) { return; }
    var change = k > state.shown ? state.markers.slice(state.shown, k) : state.markers.slice(k, state.shown);
    if (state.clustered) {
      if (k > state.shown) { state.group.addLayers(change); } else { state.group.removeLayers(change); }
    } else {
      change.forEach(function (m) { if (k > state.shown) { state.group.addLayer(m); } else { state.group.removeLayer(m); } });
    }
    state.shown = k;
  }
  function heatPoints(d) {
    var pts = [];
    for (var i = 0; i < d.n; i++) { pts.push([d.lat[i] / d.scale, d.lon[i] / d.scale, 1]); }
    d._heat = pts;
    return pts;
  }
  function filter(d, limit) {
    (d._layers || []).forEach(function (state) { showUpTo(state, limit); });
    if (d._heatLayer) {
      var pts = d._heat.slice(0, upper(d.day, limit));
      // leaflet.heat redraws through its map: off the map (unticked), keep the points for when it returns.
      if (d._heatLayer._map) { d._heatLayer.setLatLngs(pts); } else { d._heatLayer._latlngs = pts; }
    }
  }
  function slider(d, map, position) {
    var days = d.day.filter(function (v) { return v !== null; });
    if (!days.length) { return null; }
    var first = days[0], last = days[days.length - 1];
    var control = L.control({position: position});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "geo-time-slider leaflet-bar");
      var label = L.DomUtil.create("div", "geo-time-label", div);
      var input = L.DomUtil.create("input", "geo-time-range", div);
      input.type = "range"; input.min = first; input.max = last; input.step = 1; input.value = last;
      input.setAttribute("aria-label", "Show events up to this date");
      var play = L.DomUtil.create("button", "geo-time-play", div);
      play.type = "button"; play.textContent = "\u25b6"; play.title = "Play";
      var timer = null, pending = false;
      function show() {
        label.textContent = "Events up to " + new Date(input.value * DAY).toISOString().slice(0, 10);
      }
      function apply() {
        pending = false;
        filter(d, Number(input.value));
      }
      function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "\u25b6"; } }
      // Large maps filter when the handle is released; small ones follow it live.
      input.addEventListener(d.n > 20000 ? "change" : "input", function () {
        if (!pending) { pending = true; window.requestAnimationFrame(apply); }
      });
      input.addEventListener("input", show);
      play.addEventListener("click", function () {
        if (timer) { stop(); return; }
        if (Number(input.value) >= last) { input.value = first; }
        var step = Math.max(1, Math.round((last - first) / 60));
        play.textContent = "\u23f8";
        timer = setInterval(function () {
          input.value = Math.min(last, Number(input.value) + step);
          show(); apply();
          if (Number(input.value) >= last) { stop(); }
        }, 250);
      });
      show();
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(map);
    return control;
  }
  window.geoEvents = {typeLayer: typeLayer, clusterIcon: clusterIcon, heatPoints: heatPoints, slider: slider,
                      popup: popup, filter: filter};
})();
"""

_CSS = """
.geo-cluster div { width: 100%; height: 100%; border-radius: 50%; border: 2px solid rgba(255,255,255,.9);
  box-shadow: 0 0 3px rgba(0,0,0,.5); display: flex; align-items: center; justify-content: center; opacity: .9; }
.geo-cluster span { color: #fff; font: bold 11px/1 sans-serif; text-shadow: 0 0 2px #000; }
.geo-time-slider { background: #fff; padding: 6px 8px; font: 12px sans-serif; }
.geo-time-slider input { width: 260px; vertical-align: middle; }
.geo-time-play { margin-left: 6px; border: 1px solid #aaa; background: #f4f4f4; border-radius: 3px; }
"""


class EventData(MacroElement):
    """Embed encoded events as a JavaScript object, with the runtime that reads it.

    Parameters
    ----------
    encoded : EncodedEvents
        The output of :func:`geo.maps.eventdata.encode_events`.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.json }};
        // Events are drawn above the base icons (markers are at z-index 600).
        if (!{{ this._parent.get_name() }}.getPane("geoEvents")) {
            {{ this._parent.get_name() }}.createPane("geoEvents").style.zIndex = 620;
        }
        {% endmacro %}
        """
    )

    def __init__(self, encoded: EncodedEvents):
        super().__init__()
        self._name = "EventData"
        self.encoded = encoded
        self.json = script_json(encoded.payload)

    def render(self, **kwargs) -> None:
        add_page_assets(self, "geo_events", css=_CSS, js=_RUNTIME_JS)
        super().render(**kwargs)


class EventTypeLayer(JSCSSMixin, Layer):
    """The events of one type: circle markers, clustered when there are many.

    Parameters
    ----------
    data : EventData
        The embedded events.
    type_index : int
        Index of the type in ``data.encoded.types``.
    name : str
        Name in the layer control.
    clustered : bool
        Use a markercluster group (cluster icons in the type's colour).
    show : bool
        Whether the layer is on when the map opens.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.geoEvents.typeLayer(
            {{ this.data.get_name() }}, {{ this.type_index }},
            {% if this.clustered %}
            L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50,
                iconCreateFunction: window.geoEvents.clusterIcon({{ this.color|tojson }})}),
            {% else %}
            L.featureGroup(),
            {% endif %}
            {{ this.clustered|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, data: EventData, type_index: int, *, name: str, clustered: bool, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "EventTypeLayer"
        self.data = data
        self.type_index = int(type_index)
        self.color = data.encoded.types[type_index][1]
        self.clustered = bool(clustered)
        self.default_js = MARKERCLUSTER_JS if clustered else []
        self.default_css = MARKERCLUSTER_CSS if clustered else []


class EventHeatLayer(JSCSSMixin, Layer):
    """A heat map of the events (leaflet.heat), following the time slider.

    Parameters
    ----------
    data : EventData
        The embedded events.
    name : str
        Name in the layer control.
    show : bool
        Whether the layer is on when the map opens.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.heatLayer(
            window.geoEvents.heatPoints({{ this.data.get_name() }}),
            {radius: 18, blur: 15, minOpacity: 0.3, gradient: {{ this.gradient|tojson }}});
        {{ this.data.get_name() }}._heatLayer = {{ this.get_name() }};
        {% endmacro %}
        """
    )

    default_js = [("leaflet_heat_js", "https://cdn.jsdelivr.net/npm/leaflet.heat@0.2.0/dist/leaflet-heat.js")]

    def __init__(self, data: EventData, *, name: str = "Heat map", show: bool = False):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "EventHeatLayer"
        self.data = data
        self.gradient = {str(k): v for k, v in HEAT_GRADIENT.items()}


class TimeSlider(MacroElement):
    """A date slider (with a play button) that shows the events up to the chosen day.

    It filters every :class:`EventTypeLayer` and the :class:`EventHeatLayer`
    of the same :class:`EventData`; undated events stay visible.

    Parameters
    ----------
    data : EventData
        The embedded events.
    position : str
        Leaflet control position.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.geoEvents.slider({{ this.data.get_name() }}, {{ this._parent.get_name() }}, {{ this.position|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, data: EventData, *, position: str = "bottomleft"):
        super().__init__()
        self._name = "TimeSlider"
        self.data = data
        self.position = position
