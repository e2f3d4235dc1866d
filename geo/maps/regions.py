"""Regions as outlines: the VRAEM and its earlier decrees, valleys, other named areas.

Versions of one region overlap (the VRAE of 2008 lies inside the VRAEM of
2012, which lies inside that of 2018), and drawn together they hide each
other. So a region that lies almost wholly inside a larger one starts
switched off: the map opens on the current VRAEM and the Upper Huallaga,
and the earlier decrees and the valleys within them wait in the layer
control, each named with its decree year. Outlines the gazetteer could only
approximate (``exact`` false: no district polygons) are dashed and say so.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import folium
import geopandas as gpd
import pandas as pd

from geo.maps.features import (
    APPROXIMATE_NOTE,
    BIND_POPUPS,
    Layers,
    feature_collection,
    is_approximate,
    is_blank,
    popup_html,
    prepare_frame,
    simplified,
    without_slivers,
)
from geo.maps.legend import LegendEntry, line
from geo.maps.style import APPROXIMATE_DASH, REGION_COLORS, html_text

__all__ = ["region_layers", "decree_year", "nested_regions", "NESTED_SHARE"]

#: A region with at least this share of its area inside a larger region starts switched off.
NESTED_SHARE = 0.9

#: Peruvian legal norms are numbered NNN-YYYY-SECTOR ("Decreto Supremo 102-2018-PCM").
_DECREE = re.compile(r"\b(?:decreto\s+supremo|d\.\s?s\.|ds)\s*(?:n[°º.o]*\s*)?\d{1,4}-((?:19|20)\d{2})-[a-z]",
                     re.IGNORECASE)

#: Equal-area CRS for comparing areas anywhere (World Cylindrical Equal Area).
_EQUAL_AREA = "EPSG:6933"


def decree_year(source: object) -> int | None:
    """The year of the decree a region's ``source`` cites, if it cites one.

    Examples
    --------
    >>> decree_year("Decreto Supremo 102-2018-PCM (ámbito de intervención directa del VRAEM)")
    2018
    >>> decree_year("CVR Informe Final (2003)") is None
    True
    """
    match = _DECREE.search("" if is_blank(source) else str(source))
    return int(match.group(1)) if match else None


def nested_regions(regions: gpd.GeoDataFrame, *, share: float = NESTED_SHARE) -> list[bool]:
    """For each region, whether ``share`` of its area or more lies inside a larger region.

    Parameters
    ----------
    regions : geopandas.GeoDataFrame
        Region polygons (EPSG:4326).
    share : float
        The least share of the area that makes a region nested.

    Returns
    -------
    list of bool
        In the frame's order.
    """
    shapes = regions.geometry.to_crs(_EQUAL_AREA).reset_index(drop=True)
    areas = shapes.area.to_numpy()
    inner, outer = shapes.sindex.query(shapes.values, predicate="intersects")
    nested = [False] * len(shapes)
    for i, j in zip(inner, outer):
        if i == j or nested[i] or areas[j] <= areas[i] or areas[i] == 0:
            continue
        nested[i] = shapes.iloc[i].intersection(shapes.iloc[j]).area >= share * areas[i]
    return nested


def region_layers(regions: gpd.GeoDataFrame, *, shown: Collection[str] | None = None) -> Layers:
    """One outlined layer per region (the VRAEM, valleys), citing its decree or report.

    Parameters
    ----------
    regions : geopandas.GeoDataFrame
        Polygons with ``name``; ``id``, ``kind``, ``source``, ``exact`` and
        ``members`` (how many districts define it) are used when present.
        Coca zones are left to :func:`geo.maps.coca.coca_layers`.
    shown : collection of str, optional
        Ids (or names) of the regions switched on when the map opens. By
        default every region except those nested in a larger one
        (:func:`nested_regions`), e.g. the earlier decrees of the VRAEM.

    Returns
    -------
    (layers, legend entries)
        Shown regions first. A region citing a decree is named with its year,
        "VRAEM (2018 decree)"; an approximate outline is dashed, and its popup
        and legend row say so.
    """
    regions = prepare_frame(regions, "regions", required=("name",))
    if "kind" in regions.columns:
        regions = regions[regions["kind"].astype(str) != "coca_zone"]
    if regions.empty:
        return [], []
    if shown is None:
        on = [not n for n in nested_regions(regions)]
    else:
        wanted = set(shown)
        on = [str(r.get("id")) in wanted or str(r["name"]) in wanted for _, r in regions.iterrows()]
    regions = regions.assign(_on=on).sort_values("_on", ascending=False, kind="stable")
    regions = simplified(without_slivers(regions), 0.002)
    layers, entries = [], []
    for i, (_, r) in enumerate(regions.iterrows()):
        color = REGION_COLORS[i % len(REGION_COLORS)]
        approximate = is_approximate(r.get("exact"))
        year = decree_year(r.get("source"))
        label = _label(str(r["name"]), year)
        members = r.get("members")
        popup = popup_html(label, [
            ("Kind", r.get("kind")),
            ("Decree", str(year) if year else None),
            ("Districts", f"{int(members):,}" if not is_blank(members) and int(members) > 0 else None),
            ("Id", r.get("id")),
            ("Source", r.get("source")),
        ], notes=[APPROXIMATE_NOTE] if approximate else [])
        props = pd.DataFrame({
            "popup": [popup],
            "tooltip": [html_text(label + (" (approximate outline)" if approximate else ""))],
            "style": [{"color": color, "weight": 3, "fill": True, "fillColor": color, "fillOpacity": 0.03,
                       "dashArray": APPROXIMATE_DASH if approximate else None}],
        }, index=[r.name])
        layers.append(folium.GeoJson(feature_collection(regions.loc[[r.name]], props), name=label,
                                     show=bool(r["_on"]), on_each_feature=BIND_POPUPS))
        entries.append(LegendEntry(line(color, weight=3, dashed=approximate),
                                   label + (", approximate outline" if approximate else "")
                                   + ("" if r["_on"] else " (off)")))
    return layers, entries


def _label(name: str, year: int | None) -> str:
    """``name`` with its decree year: "VRAEM (2012 scope)", 2012 -> "VRAEM (2012 decree)"."""
    if year is None:
        return name
    base = re.sub(rf"\s*\([^)]*{year}[^)]*\)", "", name).strip() or name
    return f"{base} ({year} decree)"
