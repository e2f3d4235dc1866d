"""Extracted events as a GeoDataFrame and as GeoJSON (the columns of :data:`geo.schema.EVENT_COLUMNS`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["events_frame", "events_geojson"]


def events_frame(events: list, *, source: str | None | list[str | None] = None,
                 source_url: str | None | list[str | None] = None, ids: list[str] | None = None):
    """One row per :class:`geo.parse.events.Event` (an empty, typed frame when there is none).

    ``source`` and ``source_url`` are one value for all rows or one per event;
    ``ids`` are the event ids (default ``E1``, ``E2``, ...).
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    from geo.schema import CRS, EVENT_COLUMNS

    if not events:
        return _empty_frame().copy()
    rows: list[dict[str, Any]] = []
    geoms = []
    sources = source if isinstance(source, list) else [source] * len(events)
    urls = source_url if isinstance(source_url, list) else [source_url] * len(events)
    ids = ids if ids is not None else [f"E{n}" for n in range(1, len(events) + 1)]
    for ev, event_id, src, url in zip(events, ids, sources, urls):
        loc = ev.location
        best = loc.resolution.best if loc is not None else None
        place = best.place if best is not None else None
        notes = [f"attackers: {ev.attackers}"] if ev.attackers else []
        rows.append({
            "event_id": event_id, "event_date": pd.Timestamp(ev.date) if ev.date else pd.NaT,
            "date_precision": ev.date_precision, "event_type": ev.event_type, "sub_event_type": ev.sub_event_type,
            "actor1": ev.actor1, "actor2": ev.actor2, "fatalities": ev.fatalities,
            "location": loc.text if loc is not None else None,
            **{k: getattr(place, k) if place else None for k in
               ("admin1", "admin1_code", "admin2", "admin2_code", "admin3", "admin3_code", "country")},
            "latitude": place.lat if place else None, "longitude": place.lon if place else None,
            "precision": place.precision.value if place else None,
            "geo_precision": place.precision.acled if place else None,
            "where_prec": place.precision.ucdp if place else None,
            "place_id": place.id if place else None,
            "confidence": round(loc.resolution.confidence, 3) if loc is not None else 0.0,
            "candidates": (loc.resolution.candidate_list() or None) if loc is not None else None,
            "source": src, "source_url": url, "source_quote": ev.quote,
            "notes": "; ".join(notes) or None,
            "status": loc.resolution.status if loc is not None else "unresolved",
            "reason": (loc.resolution.reason if loc is not None else "no place named for this event") or "",
        })
        geoms.append(shapely.Point(place.lon, place.lat) if place else None)
    # One typed array per column, built once: far cheaper per report than astype on each column.
    columns = {col: pd.array([row[col] for row in rows], dtype=dtype) for col, (dtype, _) in EVENT_COLUMNS.items()}
    geometry = gpd.array.from_shapely(np.array(geoms, dtype=object), crs=CRS)
    return gpd.GeoDataFrame(pd.DataFrame(columns, copy=False), geometry=geometry, crs=CRS)


@lru_cache(maxsize=1)
def _empty_frame():
    """The frame of a report with no event (built once; callers get a copy)."""
    import geopandas as gpd
    import pandas as pd

    from geo.schema import CRS, EVENT_COLUMNS

    columns = {col: pd.array([], dtype=dtype) for col, (dtype, _) in EVENT_COLUMNS.items()}
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


def events_geojson(frame) -> dict[str, Any]:
    """An events frame as a GeoJSON FeatureCollection (dates as ``YYYY-MM-DD``, missing values as null)."""
    features = []
    for row, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry):
        props = {}
        for k, v in row.items():
            if v is None or v is _pd_na() or (isinstance(v, float) and v != v):
                v = None
            elif hasattr(v, "strftime"):
                v = v.strftime("%Y-%m-%d") if v == v else None
            elif hasattr(v, "item"):
                v = v.item()
            props[k] = v
        point = None if geom is None or geom.is_empty else {"type": "Point",
                                                            "coordinates": [round(geom.x, 6), round(geom.y, 6)]}
        features.append({"type": "Feature", "geometry": point, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _pd_na():
    import pandas as pd

    return pd.NA
