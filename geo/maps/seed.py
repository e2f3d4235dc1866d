"""The seed map: the project's reference events, bases, coca zones and the VRAEM.

This is the README's first command (``geo map --seed -o maps/vraem.html``); it
runs offline on the embedded gazetteer and adds district boundaries and a
choropleth when the data pack is loaded.
"""

from __future__ import annotations

from pathlib import Path

import folium

import seeds
from geo.maps.build import make_map
from geo.maps.coca import coca_zones

__all__ = ["seed_map", "context_layers", "seed_frame", "SEEDS_DIR", "SEED_TITLE", "SEED_FOCUS", "SEED_COUNTRY"]

SEEDS_DIR = Path(seeds.__file__).resolve().parent
SEED_TITLE = "Shining Path activity in the VRAEM: attacks, bases and coca"

#: The region the seed map opens on, with the seed events in :data:`SEED_COUNTRY`.
SEED_FOCUS = "region:vraem-2018"

#: Events in this country frame the opening view. The 2008 Angostura raid, in
#: Ecuador, stays on the map but outside it: framing it too would shrink the VRAEM
#: to a fifth of the view.
SEED_COUNTRY = "PE"


def context_layers(gaz) -> dict:
    """The gazetteer's layers as :func:`geo.maps.make_map` keywords.

    Parameters
    ----------
    gaz : gazetteer.Gazetteer

    Returns
    -------
    dict
        ``bases``, ``regions``, ``coca`` (from ``seeds/coca_zones.csv``), and
        ``boundaries`` and ``choropleth`` when the data pack is loaded.
    """
    from gazetteer import Kind

    regions = gaz.regions()
    layers = {
        "bases": gaz.places(kinds=[Kind.MILITARY_BASE, Kind.POLICE_BASE]),
        "regions": regions,
        "coca": coca_zones(SEEDS_DIR / "coca_zones.csv", regions),
        "boundaries": None,
        "choropleth": None,
    }
    if gaz.has_datapack:
        layers["boundaries"] = {level: gaz.boundaries(level) for level in ("department", "province", "district")}
        layers["choropleth"] = "district"
    return layers


def seed_map(gaz=None, *, title: str = SEED_TITLE, **options) -> folium.Map:
    """The default map: seed events, bases, coca zones and regions from the gazetteer.

    Parameters
    ----------
    gaz : gazetteer.Gazetteer, optional
        Defaults to ``Gazetteer.default()`` (the embedded gazetteer, plus the
        data pack when one is found).
    title : str
        The map's title.
    **options
        Passed on to :func:`geo.maps.make_map` (``choropleth``,
        ``cluster_threshold``, ...), overriding the defaults.

    Returns
    -------
    folium.Map
    """
    from gazetteer import Gazetteer
    from geo.events import read_events

    gaz = gaz if gaz is not None else Gazetteer.default()
    events = read_events(SEEDS_DIR / "events.csv", gaz=gaz)
    layers = context_layers(gaz)
    fit_to = seed_frame(events, layers["regions"])
    return make_map(events, **{**layers, "title": title, "fit_to": fit_to, **options})


def seed_frame(events, regions) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) around the VRAEM and the located seed events in Peru.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Events with ``country`` and ``status`` (EPSG:4326).
    regions : geopandas.GeoDataFrame
        Regions with ``id`` (:data:`SEED_FOCUS` among them).

    Returns
    -------
    tuple or None
        None when neither is there (the map then fits its events).
    """
    focus = regions.geometry[regions["id"] == SEED_FOCUS]
    located = events[events["status"].isin(["ok", "ambiguous"]) & events["country"].eq(SEED_COUNTRY)
                     & events.geometry.notna() & ~events.geometry.is_empty]
    boxes = [frame.total_bounds for frame in (focus, located.geometry) if not frame.empty]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
