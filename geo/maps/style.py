"""Colours, sizes, icons and text escaping shared by the map layers and the legend.

The legend draws its swatches from the same constants the layers use, so a
colour changed here changes on the map and in the legend together.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "EVENT_TYPE_COLORS",
    "EXTRA_COLORS",
    "UNKNOWN_TYPE",
    "BASE_ICONS",
    "COCA_COLORS",
    "COCA_BREAKS",
    "COCA_OUTLINE",
    "APPROXIMATE_DASH",
    "COUNT_COLORS",
    "REGION_COLORS",
    "BOUNDARY_STYLES",
    "HEAT_GRADIENT",
    "event_type_colors",
    "marker_radius",
    "class_breaks",
    "color_for",
    "html_text",
    "PAGE_CSS",
]

#: Styles of popups (events and polygons alike) and of the map title.
PAGE_CSS = """
.geo-popup { font: 12px/1.35 sans-serif; max-width: 360px; }
.geo-popup-title { font-weight: bold; font-size: 13px; margin-bottom: 4px; }
.geo-popup table { border-collapse: collapse; }
.geo-popup th { text-align: left; vertical-align: top; padding: 1px 6px 1px 0; color: #555; font-weight: normal; }
.geo-popup td { vertical-align: top; padding: 1px 0; overflow-wrap: anywhere; }
.geo-popup-note { margin-top: 4px; color: #777; font-style: italic; }
.leaflet-control-layers { font-size: 12px; line-height: 1.4; max-height: 55vh; overflow-y: auto; }
.leaflet-control-layers label { margin-bottom: 0; }
.geo-title { position: absolute; top: 10px; left: 50%; transform: translateX(-50%); z-index: 1000;
  background: rgba(255,255,255,.9); padding: 4px 12px; border-radius: 4px; font: bold 15px sans-serif;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); pointer-events: none; max-width: 40%; text-align: center; }
"""

#: ACLED's event types, each with a fixed colour so maps stay comparable.
EVENT_TYPE_COLORS: dict[str, str] = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Strategic developments": "#1f77b4",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
}

#: Colours handed out, in order, to event types outside ACLED's taxonomy.
EXTRA_COLORS: tuple[str, ...] = ("#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939", "#7b4173")

#: Label and colour of events without an event type.
UNKNOWN_TYPE: tuple[str, str] = ("Unspecified", "#7f7f7f")

#: Base kind -> folium/awesome-markers icon options (Font Awesome 6 names).
BASE_ICONS: dict[str, dict[str, str]] = {
    "military_base": {"label": "Military base", "color": "darkred", "icon": "person-military-rifle"},
    "police_base": {"label": "Police base", "color": "darkblue", "icon": "building-shield"},
}

#: Sequential greens (ColorBrewer YlGn) for coca hectares, light to dark.
COCA_COLORS: tuple[str, ...] = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")

#: Hectare class limits of the coca layers (upper bounds, the last class is open).
COCA_BREAKS: tuple[float, ...] = (1_000, 5_000, 10_000, 20_000)

#: Outline of the coca zones.
COCA_OUTLINE = "#2b6a2b"

#: Dash pattern of an approximate outline (regions and coca zones without district polygons).
APPROXIMATE_DASH = "8 4"

#: Sequential reds (ColorBrewer Reds) for event counts per unit.
COUNT_COLORS: tuple[str, ...] = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")

#: Outline colours of regions (VRAEM, valleys), in order of appearance.
REGION_COLORS: tuple[str, ...] = ("#7b1fa2", "#c2185b", "#b15928", "#1f78b4", "#111111")

#: Line style of each administrative level.
BOUNDARY_STYLES: dict[str, dict[str, object]] = {
    "department": {"color": "#444444", "weight": 2.0, "dashArray": None},
    "province": {"color": "#666666", "weight": 1.2, "dashArray": "6 3"},
    "district": {"color": "#888888", "weight": 0.6, "dashArray": "2 3"},
}

#: leaflet.heat gradient (stop -> colour); also drawn as the legend's colour bar.
HEAT_GRADIENT: dict[float, str] = {0.2: "#2c7bb6", 0.4: "#abd9e9", 0.6: "#ffffbf", 0.8: "#fdae61", 1.0: "#d7191c"}


def event_type_colors(types: Iterable[str]) -> dict[str, str]:
    """Give each event type a colour: ACLED's fixed ones, then the extra palette.

    Parameters
    ----------
    types : iterable of str
        Event types in the order they should take extra colours ("" is the
        unspecified type).

    Returns
    -------
    dict
        Type -> ``#rrggbb``. Types beyond the palette share its last colour.

    Examples
    --------
    >>> event_type_colors(["Battles", "Kidnapping"])
    {'Battles': '#d62728', 'Kidnapping': '#e377c2'}
    """
    colors: dict[str, str] = {}
    extra = 0
    for name in types:
        if name in colors:
            continue
        if name == "":
            colors[name] = UNKNOWN_TYPE[1]
        elif name in EVENT_TYPE_COLORS:
            colors[name] = EVENT_TYPE_COLORS[name]
        else:
            colors[name] = EXTRA_COLORS[min(extra, len(EXTRA_COLORS) - 1)]
            extra += 1
    return colors


def marker_radius(fatalities: float | None) -> float:
    """Circle radius in pixels for a number of fatalities (area grows with the count).

    Unknown fatalities get the smallest circle. The JavaScript layer uses the
    same formula (``4 + 2 * sqrt(f)``, at most 20).

    Examples
    --------
    >>> marker_radius(0), marker_radius(9), marker_radius(10_000)
    (4.0, 10.0, 20.0)
    """
    if fatalities is None or (isinstance(fatalities, float) and math.isnan(fatalities)) or fatalities < 0:
        return 4.0
    return float(min(20.0, 4.0 + 2.0 * math.sqrt(fatalities)))


def class_breaks(values: Sequence[float], *, classes: int = 5) -> list[float]:
    """Upper bounds of up to ``classes`` classes of positive counts (quantiles, rounded up).

    Parameters
    ----------
    values : sequence of float
        The values to classify (counts: all >= 1).
    classes : int
        The most classes wanted; fewer come back when values repeat.

    Returns
    -------
    list of float
        Increasing upper bounds; the last one is the maximum.

    Examples
    --------
    >>> class_breaks([1, 1, 2, 3, 8, 40])
    [1.0, 2.0, 4.0, 8.0, 40.0]
    >>> class_breaks([5, 5, 5])
    [5.0]
    """
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        return []
    qs = np.quantile(arr, np.linspace(0, 1, classes + 1)[1:])
    return [float(v) for v in np.unique(np.ceil(qs))]


def color_for(value: float, breaks: Sequence[float], colors: Sequence[str]) -> str:
    """The colour of the first class whose upper bound is >= ``value``.

    With fewer breaks than colours, the darkest colours are used so that the
    top class is always the darkest.

    Examples
    --------
    >>> color_for(3, [1, 5, 10], ["a", "b", "c"])
    'b'
    >>> color_for(50, [1, 5, 10], ["a", "b", "c"])
    'c'
    """
    palette = list(colors)[len(colors) - min(len(colors), len(breaks) + 1) :]
    for i, upper in enumerate(breaks):
        if value <= upper:
            return palette[i]
    return palette[-1]


def html_text(value: object) -> str:
    """Escape ``value`` for HTML that folium places inside a JavaScript template literal.

    :func:`html.escape` covers ``< > & " '``; folium also puts popup and
    tooltip HTML between backticks, where ``${...}`` would run as code and a
    backslash would start an escape, so those characters become entities too.

    Examples
    --------
    >>> html_text('<b>${alert(1)}</b> C:\\\\x')
    '&lt;b&gt;&#36;{alert(1)}&lt;/b&gt; C:&#92;x'
    """
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("\\", "&#92;").replace("$", "&#36;").replace("`", "&#96;")
