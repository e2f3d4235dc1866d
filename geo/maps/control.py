"""The layer control: base maps, then the overlays under group headers.

Leaflet's own control lists overlays in one long column. This one uses the
leaflet-groupedlayercontrol plugin that folium's
:class:`folium.plugins.GroupedLayerControl` loads (same script, same CDN URL,
so self-contained pages inline it from its npm package), and, unlike folium's
class, carries the base maps too, so the reader has one box: base maps,
then *Events*, *Context* and *Boundaries*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from folium.map import Layer
from folium.plugins import GroupedLayerControl
from folium.template import Template

__all__ = ["GroupedLayers", "GROUPS", "EVENTS", "CONTEXT", "BOUNDARIES"]

EVENTS = "Events"
CONTEXT = "Context"
BOUNDARIES = "Boundaries"

#: Group headers, in the order the control lists them.
GROUPS = (EVENTS, CONTEXT, BOUNDARIES)


class GroupedLayers(GroupedLayerControl):
    """One layer control with the base maps and grouped overlays.

    Parameters
    ----------
    base_layers : sequence of folium.map.Layer
        The tile layers, shown as radio buttons (the one with ``show`` is chosen).
    groups : mapping
        Group header -> overlays, listed in this order. Layer names must
        already be HTML-escaped (the plugin inserts them as HTML).
    position : str
        Leaflet control position.
    collapsed : bool
        Fold the control into an icon until hovered.

    Notes
    -----
    The layers are taken out of any other layer control (``control=False``);
    overlays with ``show=False`` are simply not added to the map, and the
    control shows them unticked.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_base = {
            {%- for name, var in this.base.items() %}
            {{ name|tojson }} : {{ var }},
            {%- endfor %}
        };
        var {{ this.get_name() }}_groups = {
            {%- for group, overlays in this.grouped_overlays.items() %}
            {{ group|tojson }} : {
                {%- for name, var in overlays.items() %}
                {{ name|tojson }} : {{ var }},
                {%- endfor %}
            },
            {%- endfor %}
        };
        var {{ this.get_name() }} = L.control.groupedLayers(
            {{ this.get_name() }}_base, {{ this.get_name() }}_groups, {{ this.options|tojavascript }}
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, base_layers: Sequence[Layer], groups: Mapping[str, Sequence[Layer]], *,
                 position: str = "topright", collapsed: bool = False):
        groups = {name: list(layers) for name, layers in groups.items() if layers}
        super().__init__(groups, exclusive_groups=False, position=position, collapsed=collapsed)
        self._name = "GroupedLayers"
        self.base = {layer.layer_name: layer.get_name() for layer in base_layers}
        for layer in base_layers:
            layer.control = False
