"""The seed map: the project's reference events, bases, coca zones and the VRAEM.

This is the README's first command (``geo map --seed -o maps/vraem.html``); it
runs offline on the embedded gazetteer and adds district boundaries and a
choropleth when the data pack is loaded.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd

import seeds
from gazetteer.errors import DataError
from geo.maps.build import make_map

__all__ = ["seed_map", "context_layers", "coca_zones", "SEEDS_DIR", "SEED_TITLE"]

SEEDS_DIR = Path(seeds.__file__).resolve().parent
SEED_TITLE = "Shining Path activity in the VRAEM: attacks, bases and coca"

_COCA_COLUMNS = ("zone_id", "zone", "year", "hectares", "source")


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
    missing = [c for c in _COCA_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(_COCA_COLUMNS)}")
    shapes = regions[["id", "geometry"]].rename(columns={"id": "zone_id"})
    joined = table.merge(shapes, on="zone_id", how="left")
    unmatched = sorted(joined.loc[joined["geometry"].isna(), "zone_id"].dropna().unique())
    if unmatched:
        warnings.warn(f"{path}: no polygon for coca zone(s) {', '.join(unmatched)}; left off the map", stacklevel=2)
    joined = joined[joined["geometry"].notna()]
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=regions.crs or "EPSG:4326")


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


def seed_map(gaz=None, *, title: str = SEED_TITLE) -> folium.Map:
    """The default map: seed events, bases, coca zones and regions from the gazetteer.

    Parameters
    ----------
    gaz : gazetteer.Gazetteer, optional
        Defaults to ``Gazetteer.default()`` (the embedded gazetteer, plus the
        data pack when one is found).
    title : str
        The map's title.

    Returns
    -------
    folium.Map
    """
    from gazetteer import Gazetteer
    from geo.events import read_events

    gaz = gaz if gaz is not None else Gazetteer.default()
    events = read_events(SEEDS_DIR / "events.csv", gaz=gaz)
    return make_map(events, title=title, **context_layers(gaz))
