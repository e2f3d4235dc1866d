"""The map legend: a Leaflet control listing what each colour, size and icon means.

Swatches are drawn from the constants in :mod:`geo.maps.style`, the same the
layers use. Every label is escaped with :func:`html.escape` before it joins
the legend's HTML, which reaches the page as a JSON string (``<`` escaped).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from branca.element import Figure, MacroElement
from folium.template import Template

from geo.maps.render import Raw

__all__ = ["Legend", "LegendEntry", "circle", "circles", "square", "line", "icon", "gradient"]

_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$|^[a-z]{3,20}$")
_ICON = re.compile(r"^[a-z0-9-]{1,40}$")

_CSS = """
.geo-legend { background: rgba(255,255,255,.93); padding: 6px 10px; font: 12px/1.3 sans-serif;
  max-height: 60vh; overflow-y: auto; max-width: 280px; box-shadow: 0 1px 5px rgba(0,0,0,.4); border-radius: 5px; }
.geo-legend summary { font-weight: bold; cursor: pointer; }
.geo-legend h4 { font-size: 12px; margin: 6px 0 2px; font-weight: bold; }
.geo-legend .geo-legend-row { display: flex; align-items: center; margin: 2px 0; }
.geo-legend .geo-legend-sw { flex: 0 0 42px; width: 42px; display: flex; justify-content: center; align-items: center; margin-right: 6px; }
.geo-legend .geo-legend-note { color: #555; margin-top: 4px; }
.geo-legend .geo-legend-sw.geo-legend-wide { flex: 0 0 auto; width: auto; min-width: 42px; }
.geo-legend .geo-legend-sizes { display: inline-flex; align-items: flex-end; gap: 6px; }
.geo-legend .geo-legend-sizes span.geo-legend-size { display: inline-flex; flex-direction: column; align-items: center;
  font-size: 10px; color: #555; }
.geo-legend .awesome-marker { position: relative; margin: -7px 0; transform: scale(.7); transform-origin: center; }
"""


def _color(value: str) -> str:
    if not _COLOR.match(value):
        raise ValueError(f"not a CSS colour: {value!r}")
    return value


def circle(color: str, radius: float = 6.0, *, dashed: bool = False) -> str:
    """A filled circle like an event marker (radius in pixels)."""
    d = 2 * radius
    border = "1px dashed #333" if dashed else "1px solid #fff"
    return (f'<span style="display:inline-block;flex:none;width:{d:.0f}px;height:{d:.0f}px;border-radius:50%;'
            f'background:{_color(color)};border:{border};box-shadow:0 0 1px #333"></span>')


def circles(color: str, sizes: Sequence[tuple[float, str]]) -> str:
    """Circles of several radii side by side, each captioned (marker sizes); captions are escaped."""
    items = "".join(f'<span class="geo-legend-size">{circle(color, radius)}{html.escape(caption)}</span>'
                     for radius, caption in sizes)
    return f'<span class="geo-legend-sizes">{items}</span>'


def square(fill: str, stroke: str = "#555", *, opacity: float = 0.7) -> str:
    """A filled square like a polygon."""
    return (f'<span style="display:inline-block;width:18px;height:12px;background:{_color(fill)};'
            f'opacity:{opacity:.2f};border:1px solid {_color(stroke)}"></span>')


def line(color: str, *, weight: float = 2.0, dashed: bool = False) -> str:
    """A line like a region or boundary outline."""
    style = "dashed" if dashed else "solid"
    return f'<span style="display:inline-block;width:24px;border-top:{weight:.1f}px {style} {_color(color)}"></span>'


def icon(marker_color: str, name: str) -> str:
    """The awesome-markers icon a base uses (Font Awesome 6 ``name``)."""
    if not _ICON.match(name) or not _ICON.match(marker_color):
        raise ValueError(f"not an icon name: {marker_color!r}, {name!r}")
    return (f'<div class="awesome-marker awesome-marker-icon-{marker_color}" style="width:35px;height:45px">'
            f'<i class="fa fa-rotate-0 fa-{name} icon-white"></i></div>')


def gradient(colors: Sequence[str]) -> str:
    """A colour bar (the heat map)."""
    stops = ",".join(_color(c) for c in colors)
    return f'<span style="display:inline-block;width:80px;height:10px;background:linear-gradient(to right,{stops})"></span>'


@dataclass(frozen=True)
class LegendEntry:
    """One row: a swatch (trusted HTML from the helpers above) and a label (escaped).

    A ``wide`` swatch (e.g. :func:`circles`) takes the room it needs instead of the swatch column.
    """

    swatch: str
    label: str
    wide: bool = False


@dataclass
class _Section:
    title: str
    entries: list[LegendEntry] = field(default_factory=list)
    note: str = ""


class Legend(MacroElement):
    """A collapsible legend control.

    Parameters
    ----------
    title : str
        Heading of the legend (escaped).
    position : str
        Leaflet control position.

    Examples
    --------
    >>> legend = Legend()
    >>> legend.add_section("Events", [LegendEntry(circle("#d62728"), "Battles <3>")])
    >>> "Battles &lt;3&gt;" in legend.html()
    True
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "geo-legend");
            div.id = "geo-legend";
            div.innerHTML = {{ this.html()|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, title: str = "Legend", position: str = "bottomleft"):
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.position = position
        self.sections: list[_Section] = []

    def add_section(self, title: str, entries: Iterable[LegendEntry], *, note: str = "") -> None:
        """Append a titled group of entries, with an optional note below (escaped)."""
        self.sections.append(_Section(title, list(entries), note))

    def html(self) -> str:
        """The legend's inner HTML, with every label escaped."""
        parts = [f"<details open><summary>{html.escape(self.title)}</summary>"]
        for section in self.sections:
            parts.append(f"<h4>{html.escape(section.title)}</h4>")
            for entry in section.entries:
                sw_class = "geo-legend-sw geo-legend-wide" if entry.wide else "geo-legend-sw"
                parts.append(f'<div class="geo-legend-row"><span class="{sw_class}">{entry.swatch}</span>'
                             f"<span>{html.escape(entry.label)}</span></div>")
            if section.note:
                parts.append(f'<div class="geo-legend-note">{html.escape(section.note)}</div>')
        parts.append("</details>")
        return "".join(parts)

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("Legend must be added to a folium Map before rendering")
        figure.header.add_child(Raw(f"<style>{_CSS}</style>"), name="geo_legend_css")
        super().render(**kwargs)
