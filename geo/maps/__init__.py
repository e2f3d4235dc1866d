"""Layered HTML maps of events, bases, coca zones, regions and boundaries (folium).

>>> from geo.maps import make_map, save_map
>>> m = make_map(events, bases=bases, regions=regions)      # doctest: +SKIP
>>> save_map(m, "maps/attacks.html", self_contained=True)   # doctest: +SKIP
"""

from geo.maps.build import make_map, map_html, save_map
from geo.maps.coca import coca_zones
from geo.maps.seed import seed_map

__all__ = ["make_map", "save_map", "map_html", "seed_map", "coca_zones"]
