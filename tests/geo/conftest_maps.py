"""Hand-made layers and HTML readers shared by the map tests.

Every text field of these frames carries script-injection payloads, so any
test that renders them also checks escaping. Imported by ``test_maps.py`` and
``test_maps_browser.py`` (not a conftest: it holds no fixtures).
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

REPO = Path(__file__).resolve().parents[2]

#: Payloads that would run (set window.__xss, open a dialog) if any text were not escaped.
XSS = (
    '<img src=x onerror="window.__xss=1;alert(1)">'
    " </script><script>window.__xss=2;alert(2)</script>"
    " ${window.__xss=3} `x` C:\\new\\u0041"
)
XSS_URL = "javascript:window.__xss=4;alert(4)"


def payload(label: str) -> str:
    """A distinct text per field, all carrying the payloads."""
    return f"{label} {XSS}"


def events_frame() -> gpd.GeoDataFrame:
    """Eight events: three types (one named by a payload), ok/ambiguous/unresolved/invalid rows."""
    rows = [
        # (id, date, type, fatalities, lon, lat, status)
        ("e1", "2014-02-17", "Battles", 2, -73.20, -12.64, "ok"),
        ("e2", "2014-02-18", "Battles", 0, -74.00, -12.27, "ok"),
        ("e3", "2014-02-18", "Battles", None, -74.00, -12.76, "ambiguous"),
        ("e4", "2014-02-20", "Violence against civilians", 5, -73.80, -12.50, "ok"),
        ("e5", "2014-03-01", payload("type"), 1, -73.60, -12.40, "ok"),
        ("e6", "2014-03-05", "Battles", 0, None, None, "unresolved"),
        ("e7", "2014-03-06", "Battles", 0, None, None, "invalid"),
        ("e8", "2013-11-01", "Battles", 3, None, None, "ok"),  # ok, but no coordinates
    ]
    frame = pd.DataFrame(rows, columns=["event_id", "event_date", "event_type", "fatalities", "longitude",
                                        "latitude", "status"])
    frame["event_id"] = [f"{i} {XSS}" if i == "e1" else i for i in frame["event_id"]]
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["date_precision"] = "day"
    frame["fatalities"] = frame["fatalities"].astype("Int64")
    for column in ("sub_event_type", "actor1", "actor2", "location", "admin1", "admin2", "admin3", "precision",
                   "source", "source_quote", "notes", "reason"):
        frame[column] = payload(column)
    frame["source_url"] = ["https://example.org/report?a=1&b=<2>", XSS_URL] + [""] * 6
    geometry = [shapely.Point(x, y) if pd.notna(x) else None for x, y in zip(frame["longitude"], frame["latitude"])]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def bases_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["base:a", "base:b", "base:c"], "name": [payload("base"), "Base Pichari", "Comisaría Mazamari"],
         "kind": ["military_base", "military_base", "police_base"], "admin1": ["Cusco", "Cusco", "Junín"],
         "source": [payload("base source"), "press", "press"]},
        geometry=[shapely.Point(-73.2, -12.63), shapely.Point(-73.82, -12.5), shapely.Point(-74.5, -11.3)],
        crs="EPSG:4326",
    )


def regions_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["region:vraem-2018", "region:x", "coca:vraem"], "name": ["VRAEM", payload("region"), "VRAEM coca"],
         "kind": ["region", "valley", "coca_zone"], "source": ["Decreto Supremo 102-2018-PCM", payload("decree"), ""],
         "exact": [False, True, False]},
        geometry=[shapely.box(-74.6, -13.4, -73.0, -11.5), shapely.box(-76.2, -9.5, -75.8, -9.0),
                  shapely.box(-74.4, -13.0, -73.4, -12.0)],
        crs="EPSG:4326",
    )


def coca_frame() -> gpd.GeoDataFrame:
    zone = shapely.box(-74.4, -13.0, -73.4, -12.0)
    other = shapely.box(-76.1, -9.4, -75.9, -9.1)
    rows = [("coca:vraem", "VRAEM", 2018, 14111), ("coca:vraem", "VRAEM", 2022, 32000),
            ("coca:h", payload("zone"), 2018, 900), ("coca:h", payload("zone"), 2022, None)]
    frame = pd.DataFrame(rows, columns=["zone_id", "zone", "year", "hectares"])
    frame["source"] = [payload("coca source")] * len(frame)
    return gpd.GeoDataFrame(frame, geometry=[zone, zone, other, other], crs="EPSG:4326")


def boundaries() -> dict[str, gpd.GeoDataFrame]:
    """Two provinces split into two districts each, around the events."""
    districts = gpd.GeoDataFrame(
        {"code": ["080901", "080902", "050401", "050402"],
         "name": ["West A", payload("district"), "East A", "East B"],
         "admin1": ["Cusco", "Cusco", "Ayacucho", "Ayacucho"], "admin2": ["P1", "P1", "P2", "P2"]},
        geometry=[shapely.box(-74.5, -13.0, -73.9, -12.0), shapely.box(-73.9, -13.0, -73.7, -12.0),
                  shapely.box(-73.7, -13.0, -73.5, -12.0), shapely.box(-73.5, -13.0, -73.0, -12.0)],
        crs="EPSG:4326",
    )
    provinces = gpd.GeoDataFrame(
        {"code": ["0809", "0504"], "name": ["P1", "P2"], "admin1": ["Cusco", "Ayacucho"]},
        geometry=[shapely.box(-74.5, -13.0, -73.7, -12.0), shapely.box(-73.7, -13.0, -73.0, -12.0)],
        crs="EPSG:4326",
    )
    return {"district": districts, "province": provinces}


def full_map(**options):
    """make_map with every layer from the frames above."""
    from geo.maps import make_map

    return make_map(events_frame(), bases=bases_frame(), regions=regions_frame(), coca=coca_frame(),
                    boundaries=boundaries(), title=payload("title"), **options)


def synthetic_events(n: int):
    """The benchmark's synthetic events (bench/bench_maps.py), so the tests open the benchmarked map."""
    spec = importlib.util.spec_from_file_location("bench_maps", REPO / "bench" / "bench_maps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_events(n)


# --- reading rendered pages -------------------------------------------------

def layer_groups(page: str) -> dict[str, dict[str, str]]:
    """Group header -> {overlay name (as text) -> JavaScript variable}, in the layer control's order."""
    block = re.search(r"^\s*var grouped_layers_\w+_groups = \{(.*?)\n\s*\};$", page, re.S | re.M)
    assert block, "no grouped layer control in the page"
    groups: dict[str, dict[str, str]] = {}
    current = None
    for line in block.group(1).splitlines():
        header = re.match(r'^\s*("(?:[^"\\]|\\.)*") : \{$', line)
        entry = re.match(r'^\s*("(?:[^"\\]|\\.)*") : (\w+),$', line)
        if header:
            current = groups.setdefault(json.loads(header.group(1)), {})
        elif entry:
            current[html.unescape(json.loads(entry.group(1)))] = entry.group(2)  # Leaflet shows names as HTML
    return groups


def overlays(page: str) -> dict[str, str]:
    """Overlay name (as text) -> JavaScript variable, from the layer control."""
    return {name: var for group in layer_groups(page).values() for name, var in group.items()}


def event_data(page: str) -> dict:
    """The embedded events object."""
    match = re.search(r"^\s*var event_data_\w+ = (.*);$", page, re.M)
    assert match, "no event data in the page"
    return json.loads(match.group(1))


def zone_data(page: str) -> dict:
    """The embedded coca zones (every year's figures, written once)."""
    match = re.search(r"^\s*var coca_layer_\w+ = window\.geoCoca\.layer\((\{.*\}), (\[[\d, ]*\]),$", page, re.M)
    assert match, "no coca zones in the page"
    return json.loads(match.group(1))


def coca_years(page: str) -> list[int]:
    """The years the coca layer offers, the selected one first."""
    match = re.search(r"^\s*var coca_layer_\w+ = window\.geoCoca\.layer\(\{.*\}, (\[[\d, ]*\]),$", page, re.M)
    assert match, "no coca layer in the page"
    return json.loads(match.group(1))


def legend_html(page: str) -> str:
    match = re.search(r'div\.innerHTML = (".*");$', page, re.M)
    assert match, "no legend in the page"
    return json.loads(match.group(1))


def geojson_of(page: str, var: str) -> dict:
    match = re.search(rf"^\s*{var}_add\((.*)\);$", page, re.M)
    assert match, f"no GeoJSON data for {var}"
    return json.loads(match.group(1))


def is_shown(page: str, var: str) -> bool:
    """Whether the layer is added to the map when the page opens."""
    return re.search(rf"^\s*{var}\.addTo\(map_\w+\);$", page, re.M) is not None
