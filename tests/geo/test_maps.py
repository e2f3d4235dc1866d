"""Map structure, escaping, sizes and files: read from the rendered HTML, not compared byte for byte."""

from __future__ import annotations

import html
import io
import json
import re
import tarfile
import threading
import warnings
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

from conftest_maps import (
    XSS_URL,
    bases_frame,
    boundaries,
    coca_frame,
    coca_years,
    event_data,
    events_frame,
    full_map,
    geojson_of,
    is_shown,
    layer_groups,
    legend_html,
    overlays,
    payload,
    regions_frame,
    synthetic_events,
    zone_data,
)
from gazetteer.errors import DownloadError, HashMismatchError, InvalidInputError, OutputExistsError
from geo.maps import make_map, save_map
from geo.maps import assets
from geo.maps.coca import COCA_LAYER_NAME, NO_FIGURE_COLOR
from geo.maps.features import APPROXIMATE_NOTE
from geo.maps.regions import decree_year, nested_regions
from geo.maps.eventdata import encode_events
from geo.maps.style import APPROXIMATE_DASH, BASE_ICONS, EVENT_TYPE_COLORS, html_text

RAW_PAYLOADS = ("<img src=x", "</script><script>", "<script>window.__xss")


@pytest.fixture(scope="module")
def page() -> str:
    return full_map().get_root().render()


def test_every_layer_is_named_in_the_layer_control(page):
    names = set(overlays(page))
    assert {"Events: Battles", "Events: Violence against civilians", f"Events: {payload('type')}",
            "Heat map of events", "Military bases", "Police bases", "VRAEM (2018 decree)", payload("region"),
            COCA_LAYER_NAME, "District boundaries", "Province boundaries", "Events per district"} <= names
    assert "VRAEM coca" not in names  # coca zones are the coca layer, not regions
    assert not any(n.startswith("Coca 20") for n in names)  # one coca layer, not one per year


def test_layer_control_groups_events_then_context_then_boundaries(page):
    groups = layer_groups(page)
    assert list(groups) == ["Events", "Context", "Boundaries"]
    assert list(groups["Events"])[:3] == ["Events: Battles", "Events: Violence against civilians",
                                          f"Events: {payload('type')}"]
    assert {"Heat map of events", "Events per district"} <= set(groups["Events"])
    assert set(groups["Context"]) == {"Military bases", "Police bases", COCA_LAYER_NAME}
    assert {"VRAEM (2018 decree)", "District boundaries", "Province boundaries"} <= set(groups["Boundaries"])
    # the base maps are in the same control, as radio buttons
    assert re.search(r'var grouped_layers_\w+_base = \{\s*"OpenStreetMap" : tile_layer_\w+,', page)


def test_layer_names_reach_the_layer_control_as_escaped_html(page):
    # Leaflet inserts names as HTML: a payload in an event type must arrive as entities.
    raw = [json.loads(k) for k in re.findall(r'^\s*("(?:[^"\\]|\\.)*") : \w+,$', page, re.M)]
    assert any("&lt;img" in name for name in raw)
    assert not any("<img" in name or "<script" in name for name in raw)


def test_the_coca_layer_offers_every_year_and_opens_on_the_latest(page):
    assert coca_years(page) == [2022, 2018]
    assert is_shown(page, overlays(page)[COCA_LAYER_NAME])
    assert "window.geoCoca.yearControl(" in page


def test_coca_zones_are_written_once_with_every_years_figures(page):
    assert page.count("window.geoCoca.layer(") == 1
    zones = zone_data(page)["features"]
    assert len(zones) == 2  # two zones, two years each
    vraem = next(f["properties"] for f in zones if f["properties"]["name"] == "VRAEM")
    assert '<tr data-year="2018"><th>2018</th><td>14,111 ha</td></tr>' in vraem["popup"]
    assert '<tr data-year="2022"><th>2022</th><td>32,000 ha</td></tr>' in vraem["popup"]
    assert vraem["years"]["2022"] != vraem["years"]["2018"]
    assert vraem["years"]["2022"]["ha"] == "32,000 ha"
    other = next(f["properties"] for f in zones if f["properties"] is not vraem)
    assert other["name"] == payload("zone")  # raw here: the browser sets it as text
    assert html_text(payload("zone")) in other["popup"] and html_text(payload("coca source")) in other["popup"]
    assert other["years"]["2022"] == {"fill": NO_FIGURE_COLOR, "ha": "no figure"}  # grey, not dropped


def test_events_are_embedded_once_with_the_mapped_rows_only(page):
    data = event_data(page)
    assert data["n"] == 5  # e6 unresolved, e7 invalid, e8 without coordinates are left off
    assert [t["name"] for t in data["types"]] == ["Battles", "Violence against civilians", payload("type")]
    assert data["types"][0]["color"] == EVENT_TYPE_COLORS["Battles"]
    assert page.count("var event_data_") == 1


def test_legend_counts_what_is_left_off(page):
    legend = legend_html(page)
    assert "Not on the map: 1 unresolved, 1 invalid, 1 no coordinates." in legend
    assert "Battles (3)" in legend and "ambiguous location" in legend


def test_legend_colours_match_markers_and_icons(page):
    legend = legend_html(page)
    for t in event_data(page)["types"]:
        assert f"background:{t['color']}" in legend
    for spec in BASE_ICONS.values():
        assert f"awesome-marker-icon-{spec['color']}" in legend and f"fa-{spec['icon']}" in legend
        assert f'"icon": "{spec["icon"]}"' in page and f'"markerColor": "{spec["color"]}"' in page


@pytest.mark.parametrize("raw", RAW_PAYLOADS)
def test_no_payload_reaches_the_page_unescaped(page, raw):
    assert raw not in page


def test_event_texts_survive_intact_in_the_data(page):
    data = event_data(page)
    columns = data["c"]
    texts = set()
    for column in columns.values():
        texts.update(column.get("s", column.get("v", [])))
    assert payload("notes") in texts and payload("actor1") in texts and payload("source_quote") in texts
    assert XSS_URL in texts  # kept as text; the browser makes links only for http(s)


def test_polygon_and_base_popups_are_escaped(page):
    names = overlays(page)
    base_popups = [f["properties"]["popup"] for f in geojson_of(page, names["Military bases"])["features"]]
    assert any(html_text(payload("base")) in p for p in base_popups)
    region = geojson_of(page, names[payload("region")])["features"][0]["properties"]
    assert html_text(payload("decree")) in region["popup"]
    assert "&lt;img" in region["tooltip"] and "&#36;{" in region["tooltip"]


def test_title_is_escaped(page):
    assert f"<title>{html.escape(payload('title'))}</title>" in page


def test_choropleth_counts_events_per_district(page):
    features = geojson_of(page, overlays(page)["Events per district"])["features"]
    counts = {re.search(r"<div class=\"geo-popup-title\">([^<]*?) \(", f["properties"]["popup"]).group(1):
              int(re.search(r"<th>Events</th><td>(\d+)</td>", f["properties"]["popup"]).group(1)) for f in features}
    # e2 and e3 (lon -74.0) in West A, e1 (lon -73.2) in East B, e4 (-73.8) in the payload district,
    # e5 (-73.6) in East A.
    assert counts == {"West A": 2, "East B": 1, html_text(payload("district")): 1, "East A": 1}


def test_choropleth_without_that_level_warns_and_is_left_out():
    with pytest.warns(UserWarning, match="no province boundaries"):
        page = make_map(events_frame(), boundaries={"district": boundaries()["district"]},
                        choropleth="province").get_root().render()
    assert "Events per province" not in overlays(page)
    assert "District boundaries" in overlays(page)


def test_map_without_events_still_draws_the_context_layers():
    page = make_map(bases=bases_frame(), regions=regions_frame(), coca=coca_frame()).get_root().render()
    assert {"Military bases", "VRAEM (2018 decree)", COCA_LAYER_NAME} <= set(overlays(page))
    assert "var event_data_" not in page


def test_heat_map_and_time_slider_are_optional():
    page = make_map(events_frame(), choropleth=None, heatmap=False, time_slider=False).get_root().render()
    assert "Heat map of events" not in overlays(page)
    assert "geoEvents.slider(" not in page
    page = make_map(events_frame(), choropleth=None).get_root().render()
    assert "geoEvents.slider(" in page and "L.heatLayer(" in page


@pytest.mark.parametrize(("threshold", "clustered"), [(0, True), (100, False)])
def test_markers_cluster_above_the_threshold(threshold, clustered):
    page = make_map(events_frame(), choropleth=None, cluster_threshold=threshold).get_root().render()
    assert ("L.markerClusterGroup(" in page) is clustered


def test_events_in_another_crs_are_reprojected():
    events = events_frame().to_crs("EPSG:32718")
    data = encode_events(events).payload
    assert data["lon"][0] / data["scale"] == pytest.approx(-73.2, abs=1e-3)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"choropleth": "country"}, InvalidInputError),
    ({"cluster_threshold": -1}, InvalidInputError),
    ({"bases": "bases.csv"}, TypeError),
    ({"regions": gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(0, 0)])}, InvalidInputError),
])
def test_bad_options_fail_at_the_call(kwargs, error):
    with pytest.raises(error):
        make_map(events_frame(), **kwargs)


def test_long_texts_are_cut_to_the_budget_and_the_legend_says_so():
    events = events_frame()
    events["notes"] = "n" * 5000
    encoded = encode_events(events, text_budget=10_000)
    notes = encoded.payload["c"]["notes"]
    values = notes.get("v") or notes["s"]
    assert encoded.text_limit is not None and all(len(v) <= encoded.text_limit + 1 for v in values)
    assert all(v.endswith("…") for v in values)
    assert encode_events(events_frame()).text_limit is None


@pytest.mark.slow
def test_100k_events_stay_under_20_mb():
    m = make_map(synthetic_events(100_000), choropleth=None)
    size = len(m.get_root().render().encode("utf-8"))
    assert size <= 20_000_000, f"{size / 1e6:.1f} MB"


@pytest.mark.shared_data
def test_with_the_data_pack_the_map_has_boundaries_and_counts_per_district(gaz_pack):
    from geo.maps.seed import context_layers

    layers = context_layers(gaz_pack)
    events = synthetic_events(2_000)
    page = make_map(events, **layers).get_root().render()
    names = overlays(page)
    assert {"Department boundaries", "Province boundaries", "District boundaries", "Events per district",
            "VRAEM (2018 decree)", "Military bases"} <= set(names)
    # district polygons are loaded: the outlines are exact, drawn solid, with no approximation note
    vraem = geojson_of(page, names["VRAEM (2018 decree)"])["features"][0]["properties"]
    assert vraem["style"]["dashArray"] is None and "Approximate" not in vraem["popup"]
    counted = sum(int(n.replace(",", "")) for n in re.findall(r"<th>Events</th><td>([\d,]+)</td>",
                                             json.dumps(geojson_of(page, names["Events per district"]))))
    outside = re.search(r"([\d,]+) events? outside every district", legend_html(page))
    mapped = event_data(page)["n"]
    assert counted + (int(outside.group(1).replace(",", "")) if outside else 0) == mapped
    assert counted > 0.9 * mapped  # the VRAEM box lies inside Peru
    assert len(page.encode("utf-8")) < 5_000_000


def test_save_map_refuses_to_overwrite(tmp_path):
    target = tmp_path / "maps" / "m.html"
    save_map(make_map(events_frame(), choropleth=None), target)
    first = target.read_text(encoding="utf-8")
    with pytest.raises(OutputExistsError):
        save_map(make_map(), target)
    assert target.read_text(encoding="utf-8") == first
    save_map(make_map(), target, overwrite=True)
    assert "var event_data_" not in target.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["m.html"]  # no temporary file left behind
    assert target.stat().st_mode & 0o777 == 0o644  # readable by others, like any file a tool writes


def test_every_url_our_maps_load_has_a_local_copy():
    page = full_map().get_root().render()
    registry = assets.load_registry()
    loaded = set(re.findall(r'<script src="([^"]+)"', page)) | set(re.findall(r'<link rel="stylesheet" href="([^"]+)"', page))
    assert loaded and loaded <= set(registry.urls)


# --- offline assets, against a fake package and a local HTTP server ----------

CDN_JS = "https://cdn.example.org/fake@1.0.0/fake.js"
CDN_CSS = "https://cdn.example.org/fake@1.0.0/fake.css"
PNG = b"\x89PNG\r\n\x1a\nfake"


def _tarball() -> bytes:
    files = {
        "package/dist/fake.js": b'window.fake = "</script><b>";\n//# sourceMappingURL=fake.js.map\n',
        "package/dist/fake.css": (b".icon{background:url(images/icon.png)}"
                                  b"@font-face{font-family:F;src:url(f.woff2) format(\"woff2\"),url(f.ttf) format(\"truetype\")}"),
        "package/dist/images/icon.png": PNG,
        "package/dist/f.woff2": b"woff2",
        "package/dist/f.ttf": b"ttf",
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture()
def npm_server(tmp_path, monkeypatch):
    """A local npm registry serving fake@1.0.0, and a registry file listing it."""
    import hashlib

    tgz = _tarball()
    root = tmp_path / "registry" / "fake" / "-"
    root.mkdir(parents=True)
    (root / "fake-1.0.0.tgz").write_bytes(tgz)
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "registry"))
    handler.log_message = lambda *args: None
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("GEO_NPM_REGISTRY", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("GEO_ASSETS_DIR", str(tmp_path / "cache"))

    def registry(sha256: str | None = None) -> assets.Registry:
        text = (f"[packages]\nfake@1.0.0 {sha256 or hashlib.sha256(tgz).hexdigest()}\n[urls]\n"
                f"{CDN_JS} fake@1.0.0 dist/fake.js\n{CDN_CSS} fake@1.0.0 dist/fake.css\n")
        path = tmp_path / "assets.txt"
        path.write_text(text, encoding="utf-8")
        return assets.load_registry(path)

    yield registry
    server.shutdown()


def test_inline_assets_downloads_checks_and_inlines(npm_server):
    page = f'<head><script src="{CDN_JS}"></script><link rel="stylesheet" href="{CDN_CSS}"/></head>'
    out = assets.inline_assets(page, registry=npm_server())
    assert CDN_JS not in re.sub(r"/\*.*?\*/", "", out)
    assert 'window.fake = "<\\/script><b>"' in out  # cannot close the inline element
    assert "sourceMappingURL" not in out
    assert "url(\"data:image/png;base64," in out and "images/icon.png" not in out
    assert "font/woff2" in out and "f.ttf" not in out  # fonts: WOFF2 only


def test_a_tarball_with_the_wrong_hash_is_refused(npm_server):
    with pytest.raises(HashMismatchError, match="fake@1.0.0"):
        assets.fetch_package("fake@1.0.0", registry=npm_server("0" * 64))


def test_an_unreachable_registry_names_the_package(npm_server, monkeypatch):
    monkeypatch.setenv("GEO_NPM_REGISTRY", "http://127.0.0.1:9")
    with pytest.raises(DownloadError, match="fake@1.0.0"):
        assets.fetch_package("fake@1.0.0", registry=npm_server())


def test_a_url_outside_the_registry_is_refused(npm_server):
    with pytest.raises(InvalidInputError, match="no local copy"):
        assets.inline_assets('<script src="https://cdn.example.org/other.js"></script>', registry=npm_server())


# --- command line --------------------------------------------------------------

@pytest.fixture()
def events_csv(tmp_path):
    path = tmp_path / "events.csv"
    frame = events_frame().drop(columns="geometry")
    frame.to_csv(path, index=False)
    return path


def test_cli_writes_a_map_and_refuses_to_overwrite(events_csv, tmp_path, gaz):
    from geo.cli import main

    out = tmp_path / "out.html"
    args = ["map", str(events_csv), "-o", str(out), "--no-datapack", "--events-only", "--title", "Test"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    page = out.read_text(encoding="utf-8")
    assert "Events: Battles" in overlays(page)
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1 and "--overwrite" in again.output and len(again.output.strip().splitlines()) == 1


def test_cli_map_opens_offline_by_default_and_cdn_links(events_csv, tmp_path):
    from geo.cli import main

    pages = {}
    for flag in ("", "--cdn"):
        out = tmp_path / f"map{flag}.html"
        args = ["map", str(events_csv), "-o", str(out), "--no-datapack", "--events-only", *([flag] if flag else [])]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        pages[flag] = out.read_text(encoding="utf-8")
    linked = r'<(?:script[^>]+src|link[^>]+href)="https?://[^"]+\.(?:js|css)"'
    assert not re.findall(linked, pages[""])  # every script and stylesheet is in the file
    assert re.findall(linked, pages["--cdn"])
    assert len(pages[""]) > len(pages["--cdn"]) + 1_000_000


def test_cli_needs_inputs_or_seed(tmp_path):
    from geo.cli import main

    result = CliRunner().invoke(main, ["map", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "--seed" in result.output


def test_seed_map_draws_events_bases_coca_and_vraem(gaz):
    from geo.maps.seed import SEEDS_DIR, seed_map

    if not (SEEDS_DIR / "events.csv").is_file():
        pytest.skip("seeds/events.csv is not written yet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        page = seed_map(gaz).get_root().render()
    names = set(overlays(page))
    assert {"VRAEM (2018 decree)", "Military bases", COCA_LAYER_NAME} <= names
    assert any(n.startswith("Events: ") for n in names)
    assert coca_years(page)[0] == 2024 and 2004 in coca_years(page)


# --- regions: what starts switched on, how approximate outlines look ------------

@pytest.fixture(scope="module")
def region_page(gaz) -> str:
    """The gazetteer's regions on the embedded default (approximate outlines)."""
    return make_map(regions=gaz.regions()).get_root().render()


def test_only_the_current_vraem_and_the_upper_huallaga_start_switched_on(region_page):
    names = overlays(region_page)
    shown = {name for name, var in names.items() if is_shown(region_page, var)}
    assert shown == {"VRAEM (2018 decree)", "Alto Huallaga"}
    # the earlier decrees stay in the control, named with their year, switched off
    assert {"VRAE (2008 decree)", "VRAEM (2012 decree)", "Valle del Monzón"} <= set(names) - shown
    assert list(layer_groups(region_page)["Boundaries"])[:2] == ["VRAEM (2018 decree)", "Alto Huallaga"]


def test_regions_shown_overrides_the_default(gaz):
    page = make_map(regions=gaz.regions(), regions_shown={"region:vrae-2008"}).get_root().render()
    names = overlays(page)
    assert [n for n, var in names.items() if is_shown(page, var)] == ["VRAE (2008 decree)"]


def test_approximate_outlines_are_dashed_and_say_so(region_page):
    names = overlays(region_page)
    vraem = geojson_of(region_page, names["VRAEM (2018 decree)"])["features"][0]["properties"]
    assert vraem["style"]["dashArray"] == APPROXIMATE_DASH
    assert html_text(APPROXIMATE_NOTE) in vraem["popup"] and "approximate outline" in vraem["tooltip"]
    assert "<th>Decree</th><td>2018</td>" in vraem["popup"] and "<th>Districts</th><td>60</td>" in vraem["popup"]
    legend = legend_html(region_page)
    assert "VRAEM (2018 decree), approximate outline" in legend and "VRAE (2008 decree), approximate outline (off)" in legend


def test_approximate_coca_zones_are_dashed_and_say_so(gaz):
    from geo.maps.seed import SEEDS_DIR
    from geo.maps import coca_zones

    page = make_map(coca=coca_zones(SEEDS_DIR / "coca_zones.csv", gaz.regions())).get_root().render()
    zones = zone_data(page)["features"]
    assert zones and all(f["properties"]["approx"] for f in zones)
    assert all(html_text(APPROXIMATE_NOTE) in f["properties"]["popup"] for f in zones)
    assert "approximate zone outline" in legend_html(page)


@pytest.mark.parametrize(("source", "year"), [
    ("Decreto Supremo 102-2018-PCM (ámbito de intervención directa del VRAEM)", 2018),
    ("Plan VRAE scope under Decreto Supremo 021-2008-DE-SG (decree number as cited)", 2008),
    ("D.S. N° 074-2012-PCM", 2012),
    ("CVR Informe Final (2003, 'La región nororiental')", None),
    (None, None),
])
def test_decree_year_is_read_from_the_source(source, year):
    assert decree_year(source) == year


def test_a_region_inside_a_larger_one_is_nested():
    frame = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.box(0, 0, 3, 3), shapely.box(2.5, 2.5, 5, 5),
                                       shapely.box(10, 10, 11, 11)], crs="EPSG:4326")
    # inside; the largest; a quarter of it inside the largest (overlap, not nesting); apart
    assert nested_regions(frame) == [True, False, False, False]


def test_hairline_gaps_between_districts_are_filled_but_left_out_districts_stay_holes():
    from geo.maps.features import without_slivers

    outer = shapely.box(-75, -13, -73, -11)
    sliver = shapely.box(-74.5, -12.5, -74.49, -12.4995)  # 10 m wide: polygons that do not quite meet
    district = shapely.box(-73.8, -12.2, -73.6, -12.0)  # a district left out of the region
    region = shapely.Polygon(outer.exterior, [sliver.exterior, district.exterior])
    frame = gpd.GeoDataFrame(geometry=[region], crs="EPSG:4326")
    cleaned = without_slivers(frame).geometry.iloc[0]
    assert len(cleaned.interiors) == 1 and shapely.Polygon(cleaned.interiors[0]).equals(district)
