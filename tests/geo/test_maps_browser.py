"""Open self-contained maps in headless Chromium and check what a reader sees.

Needs Debian's ``chromium`` (``/usr/bin/chromium``), playwright-python and the
asset cache (``python -m geo.maps.assets fetch``, run by ``.ci/install_browser.sh``);
each missing piece skips the tests with a message saying how to get it. Map
tiles are answered locally with a blank image; any other request fails the
test, since a self-contained map must need nothing else.
"""

from __future__ import annotations

import base64
import shutil
import time
from pathlib import Path

import pytest

from conftest_maps import XSS, XSS_URL, events_frame, full_map, payload, synthetic_events
from geo.maps import make_map, save_map
from geo.maps import assets
from geo.maps.coca import COCA_LAYER_NAME, NO_FIGURE_COLOR
from geo.maps.style import COCA_COLORS, EVENT_TYPE_COLORS, REGION_COLORS

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TILE_HOSTS = ("tile.openstreetmap.org", "tile.opentopomap.org", "server.arcgisonline.com")
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
# Run in the page: the folium map object.
MAP_JS = "window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)]"


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).is_file():
        pytest.skip("chromium not found: apt-get install -y chromium")
    missing = [spec for spec in assets.load_registry().packages
               if not any((assets.cache_dir() / "unpacked").glob(f"{assets._tarball_name(spec)[:-4]}-*/package"))]
    if missing:
        pytest.skip(f"map assets not cached ({', '.join(missing)}): run python -m geo.maps.assets fetch")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Page:
    """A map opened in a fresh page, with what the page logged, asked and requested."""

    def __init__(self, browser, path: Path, *, timeout_ms: int = 60_000):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        start = time.perf_counter()
        self.page.goto(path.as_uri(), wait_until="load", timeout=timeout_ms)
        self.load_seconds = time.perf_counter() - start

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        elif any(host in url for host in TILE_HOSTS):
            route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            self.foreign.append(url)
            route.abort()

    def js(self, code: str, arg=None):
        return self.page.evaluate(code, arg)

    def slide(self, end: str) -> None:
        """Move the time slider to its ``"min"`` or ``"max"``, as a reader dragging it would."""
        self.js("""(end) => {
            const input = document.querySelector('.geo-time-range');
            input.value = input[end];
            input.dispatchEvent(new Event('input'));
        }""", end)

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def layer_checkbox(self, name: str):
        label = self.page.locator(".leaflet-control-layers-overlays label").filter(has_text=name)
        return label.locator("input")


@pytest.fixture(scope="module")
def small_map(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("maps") / "small.html"
    return save_map(full_map(cluster_threshold=100), path, self_contained=True)


@pytest.fixture()
def opened(browser, small_map):
    page = Page(browser, small_map)
    yield page
    page.page.close()


def test_map_opens_without_errors_or_requests_besides_tiles(opened):
    opened.page.wait_for_timeout(500)
    assert opened.errors == []
    assert opened.foreign == []
    assert opened.js("typeof L") == "object"


def test_every_layer_is_named_in_the_layer_control(opened):
    labels = opened.js("Array.from(document.querySelectorAll('.leaflet-control-layers label'))"
                       ".map(l => l.textContent.trim())")
    expected = {"OpenStreetMap", "Terrain (OpenTopoMap)", "Satellite (Esri World Imagery)", "Events: Battles",
                "Events: Violence against civilians", f"Events: {payload('type')}", "Heat map of events",
                "Military bases", "Police bases", "VRAEM (2018 decree)", payload("region"), COCA_LAYER_NAME,
                "Province boundaries", "District boundaries", "Events per district"}
    assert expected <= set(labels)
    headers = opened.js("Array.from(document.querySelectorAll('.leaflet-control-layers-group-name'))"
                        ".map(h => h.textContent.trim())")
    assert headers == ["Events", "Context", "Boundaries"]


@pytest.mark.parametrize(("layer", "selector", "count"), [
    ("Events: Battles", f"path.geo-event[fill='{EVENT_TYPE_COLORS['Battles']}']", 3),
    ("Military bases", ".leaflet-marker-pane .awesome-marker-icon-darkred", 2),
    ("VRAEM (2018 decree)", f"path[stroke='{REGION_COLORS[0]}']", 1),
    (COCA_LAYER_NAME, "path.geo-coca-zone", 2),
])
def test_unticking_a_layer_removes_it_and_ticking_restores_it(opened, layer, selector, count):
    assert opened.count(selector) == count
    box = opened.layer_checkbox(layer)
    box.uncheck()
    assert opened.count(selector) == 0
    box.check()
    assert opened.count(selector) == count


COCA_FILLS = "Array.from(document.querySelectorAll('path.geo-coca-zone')).map(p => p.getAttribute('fill')).sort()"
# Run in the page: the VRAEM coca zone.
VRAEM_ZONE = """(() => {
    const coca = window[Object.keys(window).find(k => k.startsWith('coca_layer_'))];
    let zone = null;
    coca.eachLayer(l => { if (l.feature.properties.name === 'VRAEM') zone = l; });
    return zone;
})()"""
# Hover it and return its tooltip's text.
VRAEM_TOOLTIP = f"""() => {{
    const zone = {VRAEM_ZONE};
    zone.openTooltip(zone.getBounds().getCenter());
    return zone.getTooltip().getElement().textContent;
}}"""


def test_coca_year_selector_restyles_the_zones_and_their_tooltips(opened):
    select = opened.page.locator(".geo-coca-year select")
    assert select.is_visible()
    assert select.input_value() == "2022"  # the latest year first
    assert opened.js("Array.from(document.querySelectorAll('.geo-coca-year option')).map(o => o.value)") == [
        "2022", "2018"]
    # 2022: VRAEM 32,000 ha (darkest class), the other zone listed without a figure (grey)
    assert opened.js(COCA_FILLS) == sorted([COCA_COLORS[-1], NO_FIGURE_COLOR])
    assert opened.js(VRAEM_TOOLTIP) == "VRAEM: 32,000 ha (2022)"
    select.select_option("2018")
    # 2018: VRAEM 14,111 ha, the other zone 900 ha; no grey left
    assert opened.js(COCA_FILLS) == sorted([COCA_COLORS[3], COCA_COLORS[0]])
    assert opened.js(VRAEM_TOOLTIP) == "VRAEM: 14,111 ha (2018)"


def test_coca_popup_lists_every_year_and_marks_the_selected_one(opened):
    opened.page.locator(".geo-coca-year select").select_option("2018")
    text = opened.js(f"""() => {{
        const zone = {VRAEM_ZONE};
        zone.openPopup(zone.getBounds().getCenter());
        return zone.getPopup().getElement().innerText;
    }}""")
    assert "2018: 14,111 ha" in text and "2022" in text and "32,000 ha" in text
    assert opened.page.locator(".leaflet-popup tr.geo-selected-year").inner_text().split() == ["2018", "14,111", "ha"]


def test_coca_year_box_follows_the_coca_layer(opened):
    box = opened.page.locator(".geo-coca-year")
    opened.layer_checkbox(COCA_LAYER_NAME).uncheck()
    assert box.count() == 0
    opened.layer_checkbox(COCA_LAYER_NAME).check()
    box.wait_for(state="visible")
    assert box.locator("select").input_value() == "2022"


def test_legend_is_visible_and_lists_the_layers(opened):
    legend = opened.page.locator("#geo-legend")
    assert legend.is_visible()
    text = legend.inner_text()
    assert "Battles (3)" in text and "Military bases (2)" in text and "Not on the map" in text
    assert payload("type") in text  # a payload type name shows as text


def test_payloads_show_as_text_and_never_run(opened):
    # Open every popup and tooltip on the map: event markers build theirs on first use,
    # from events that reach their layer (propagate=true, as a real click does).
    opened.js(f"""() => {{
        const map = {MAP_JS};
        const seen = [];
        map.eachLayer(layer => {{
            if (layer._geoIndex !== undefined) {{
                layer.fire('mouseover', {{latlng: layer.getLatLng()}}, true);
                layer.fire('click', {{latlng: layer.getLatLng()}}, true);
                seen.push(layer.getPopup()._contentNode.textContent);  // what was drawn
            }} else if (layer.getPopup && layer.getPopup()) {{
                layer.openPopup(); if (layer.getTooltip && layer.getTooltip()) layer.openTooltip();
            }}
        }});
        window.__popups = seen;
    }}""")
    opened.page.wait_for_timeout(300)
    assert opened.dialogs == []
    assert opened.js("window.__xss") is None
    popups = opened.js("window.__popups")
    assert any(payload("notes") in p and payload("actor1") in p for p in popups)
    assert opened.js("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    assert XSS_URL in "".join(popups)  # shown as the source's text, not as a link
    title = opened.page.locator(".geo-title").inner_text()
    assert XSS.split()[0] in title


def test_time_slider_shows_events_up_to_the_chosen_day(opened):
    markers = "path.geo-event"
    assert opened.count(markers) == 5
    opened.slide("min")
    opened.page.wait_for_timeout(200)
    assert opened.count(markers) == 1  # only e1, 2014-02-17
    assert "2014-02-17" in opened.page.locator(".geo-time-label").inner_text()


def test_heat_map_ticked_off_and_on_follows_the_slider_without_errors(opened):
    heat = opened.layer_checkbox("Heat map of events")
    for _ in range(2):
        heat.click()  # on (it starts off), then off
        opened.page.wait_for_timeout(100)
    opened.slide("min")
    heat.click()  # on again, showing the slider's window
    opened.page.wait_for_timeout(200)
    opened.slide("max")
    opened.page.wait_for_timeout(200)
    assert opened.errors == []
    assert opened.count("canvas.leaflet-heatmap-layer") == 1


@pytest.fixture(scope="module")
def region_map(tmp_path_factory, gaz) -> Path:
    """The gazetteer's regions on the embedded default (approximate outlines)."""
    path = tmp_path_factory.mktemp("maps") / "regions.html"
    return save_map(make_map(regions=gaz.regions()), path, self_contained=True)


def test_only_the_current_vraem_and_the_upper_huallaga_are_drawn_at_first(browser, region_map):
    page = Page(browser, region_map)
    try:
        boxes = page.js("""Array.from(document.querySelectorAll(
                           '.leaflet-control-layers-overlays label:not(.leaflet-control-layers-group-label)'))
                           .map(l => [l.textContent.trim(), l.querySelector('input').checked])""")
        assert {name for name, on in boxes if on} == {"VRAEM (2018 decree)", "Alto Huallaga"}
        assert {"VRAE (2008 decree)", "VRAEM (2012 decree)", "Valle del Monzón"} <= {n for n, on in boxes if not on}
        outlines = "path.leaflet-interactive[stroke-dasharray='8 4']"
        assert page.count(outlines) == 2  # both approximate: dashed
        page.page.locator(outlines).first.click()
        assert "Approximate outline" in page.page.locator(".leaflet-popup-content").inner_text()
        page.layer_checkbox("VRAE (2008 decree)").check()
        assert page.count(outlines) == 3
        assert page.errors == [] and page.foreign == []
    finally:
        page.page.close()


@pytest.mark.slow
def test_100k_event_map_loads(browser, tmp_path):
    events = synthetic_events(100_000)
    mapped = int(events["status"].isin(["ok", "ambiguous"]).sum())
    path = save_map(make_map(events, choropleth=None), tmp_path / "big.html", self_contained=True)
    page = Page(browser, path, timeout_ms=60_000)
    try:
        assert page.load_seconds < 60
        # Clustering runs in chunks after the load: wait until the clusters hold every mapped event.
        page.page.wait_for_function(
            """n => Array.from(document.querySelectorAll('.geo-cluster span'))
                   .reduce((s, e) => s + Number(e.textContent.replace(/,/g, '')), 0)
                 + document.querySelectorAll('path.geo-event').length >= n""",
            arg=mapped, timeout=60_000,
        )
        assert page.errors == [] and page.foreign == []
        assert page.count(".geo-cluster") > 20
    finally:
        page.page.close()


def test_screenshot_writes_a_png_of_the_window_and_refuses_to_overwrite(browser, small_map, tmp_path):
    import struct

    from gazetteer.errors import OutputExistsError
    from geo.maps.screenshot import screenshot

    png = screenshot(small_map, tmp_path / "map.png", size=(800, 600), tiles=False, browser=browser)
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", header[16:24]) == (800, 600)
    with pytest.raises(OutputExistsError):
        screenshot(small_map, png, browser=browser)


def test_template_syntax_in_the_data_shows_literally_on_screen(browser, tmp_path):
    """Jinja syntax in names, notes and the title is text on screen, never evaluated."""
    text = "{{ 7*7 }} {% if true %}Y{% endif %} {# x"
    events = events_frame()
    for column in ("event_type", "notes", "actor1", "location"):
        events[column] = f"{column} {text}"
    path = save_map(make_map(events, title=f"title {text}", choropleth=None), tmp_path / "tpl.html",
                    self_contained=True)
    opened = Page(browser, path)
    try:
        labels = opened.js("Array.from(document.querySelectorAll('.leaflet-control-layers label'))"
                           ".map(l => l.textContent.trim())")
        assert f"Events: event_type {text}" in labels
        assert f"event_type {text}" in opened.page.locator("#geo-legend").inner_text()
        assert opened.page.locator(".geo-title").inner_text() == f"title {text}"
        assert opened.page.title() == f"title {text}"
        popups = opened.js(f"""() => {{
            const seen = [];
            {MAP_JS}.eachLayer(layer => {{
                if (layer._geoIndex !== undefined) {{
                    layer.fire('click', {{latlng: layer.getLatLng()}}, true);
                    seen.push(layer.getPopup()._contentNode.textContent);
                }}
            }});
            return seen;
        }}""")
        assert popups and all(f"notes {text}" in p and f"location {text}" in p for p in popups)
        assert opened.errors == []
    finally:
        opened.page.close()
