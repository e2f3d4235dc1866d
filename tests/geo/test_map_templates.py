"""No text from input is ever compiled as template source (Jinja, through folium/branca).

Every text column, the title, layer and legend names, popups, tooltips and
curated base and region names carry template syntax; the rendered page must
show each literally, and a payload that would run Python must do nothing.
"""

from __future__ import annotations

import dataclasses
import html
import re
import warnings

import jinja2
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest_maps import bases_frame, boundaries, coca_frame, events_frame, legend_html, overlays, regions_frame
from geo.maps import make_map, map_html, save_map
from geo.maps.legend import Legend, LegendEntry, circle
from geo.maps.render import Raw, new_map

#: Template syntax in its forms: an expression, a statement, a comment, unbalanced delimiters.
TEMPLATES = (
    "{{ 7*7 }}",
    "{% for x in range(3) %}A{% endfor %}",
    "Sendero {# note",
    "Pichari {{ oops",
    "}} %} #} {% endraw %}",
    "{{ '<b>' ~ 'x' }} {%- if true %}Y{% endif -%}",
)

TEXT_COLUMNS = ("event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "admin2", "admin3",
                "precision", "source", "source_quote", "notes", "reason")


def _probe(folder) -> str:
    """Template source that would create ``folder`` if it were ever evaluated."""
    return "{{ lipsum.__globals__['os'].mkdir('" + str(folder) + "') }}"


def _shown(page: str) -> str:
    """The page's text as a reader or a script sees it: JSON and HTML escapes undone."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)
    text = text.replace('\\"', '"').replace("\\/", "/")
    return html.unescape(html.unescape(text))


def _evaluated(text: str) -> str | None:
    """What ``text`` would turn into if compiled and rendered (None if it is not valid template source)."""
    try:
        out = jinja2.Template(text).render()
    except jinja2.TemplateError:
        return None
    return None if out == text else out


def _frames(text: str):
    events = events_frame()
    for column in TEXT_COLUMNS + ("event_id",):
        events[column] = [f"{column}-{i} {text}" for i in range(len(events))]
    events["event_type"] = [f"type-{i % 2} {text}" for i in range(len(events))]
    bases = bases_frame()
    bases["name"] = [f"base-{i} {text}" for i in range(len(bases))]
    bases["source"] = f"base source {text}"
    regions = regions_frame()
    regions["name"] = [f"region-{i} {text}" for i in range(len(regions))]
    regions["source"] = f"decree {text}"
    coca = coca_frame()
    coca["zone"] = [f"zone-{i // 2} {text}" for i in range(len(coca))]
    coca["source"] = f"coca source {text}"
    bounds = boundaries()
    bounds["district"]["name"] = [f"district-{i} {text}" for i in range(len(bounds["district"]))]
    bounds["province"]["name"] = [f"province-{i} {text}" for i in range(len(bounds["province"]))]
    return events, dict(bases=bases, regions=regions, coca=coca, boundaries=bounds)


def _labels(events, layers) -> list[str]:
    """Every text the map should show: the drawn events and the context layers (coca zones come from ``coca``)."""
    drawn = events[events["status"].isin(["ok", "ambiguous"]) & events.geometry.notna()]
    labels = [drawn[c].iloc[i] for c in TEXT_COLUMNS + ("event_id",) for i in range(len(drawn))]
    labels += list(layers["bases"]["name"]) + list(layers["regions"].query("kind != 'coca_zone'")["name"]) + list(layers["coca"]["zone"])
    labels += list(layers["boundaries"]["district"]["name"]) + list(layers["boundaries"]["province"]["name"])
    labels += [layers["bases"]["source"].iloc[0], layers["regions"]["source"].iloc[1]]
    return labels


@pytest.mark.parametrize("text", TEMPLATES)
def test_every_text_of_the_map_shows_template_syntax_literally(text):
    events, layers = _frames(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = make_map(events, title=f"title {text}", **layers)
    page = m.get_root().render()
    shown = _shown(page)
    for label in _labels(events, layers) + [f"title {text}"]:
        assert label in shown, f"{label!r} is not shown literally"
        evaluated = _evaluated(label)
        if evaluated is not None:
            assert evaluated not in shown, f"{label!r} was evaluated to {evaluated!r}"
    # The same texts in the layer control, the legend and the page title.
    names = set(overlays(page))
    assert f"Events: type-0 {text}" in names and f"Events: type-1 {text}" in names
    assert f"type-0 {text}" in html.unescape(legend_html(page))
    assert f"<title>{html.escape(f'title {text}')}</title>" in page


def _check_probe(folder, page: str | None = None) -> None:
    assert not folder.exists(), "a template in the data ran Python"
    if page is not None:
        assert _probe(folder) in _shown(page)


def test_a_code_execution_probe_does_nothing_in_make_map_save_and_notebooks(tmp_path):
    folder = tmp_path / "pwned"
    events, layers = _frames(_probe(folder))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = make_map(events, title=_probe(folder), **layers)
    _check_probe(folder, map_html(m))
    _check_probe(folder, save_map(m, tmp_path / "map.html").read_text(encoding="utf-8"))
    m.save(str(tmp_path / "folium.html"))  # folium's own save goes through the same safe figure
    _check_probe(folder, (tmp_path / "folium.html").read_text(encoding="utf-8"))
    _check_probe(folder, m._repr_html_())  # a notebook cell


def test_the_legend_and_a_raw_element_never_compile_their_text(tmp_path):
    folder = tmp_path / "pwned"
    m = new_map(tiles=None)
    legend = Legend(title=_probe(folder))
    legend.add_section(_probe(folder), [LegendEntry(circle("#d62728"), _probe(folder))], note="{{ 7*7 }}")
    legend.add_to(m)
    m.get_root().header.add_child(Raw("<!-- {{ 7*7 }} {# -->"))
    page = m.get_root().render()
    _check_probe(folder, page)
    assert "<!-- {{ 7*7 }} {# -->" in page and "{{ 7*7 }}" in _shown(legend_html(page))


def test_our_templates_still_render_their_variables():
    """The safe render keeps class templates working: names, JSON data, nested elements."""
    events, layers = _frames("plain")
    page = make_map(events, **layers).get_root().render()
    assert "{{" not in page.replace("{{ 7*7 }}", "") and "{%" not in page
    assert re.search(r"var map_\w+ = L\.map\(", page)


def test_seed_map_with_curated_names_holding_templates(tmp_path):
    """Base and region names from a region's curated files are data too."""
    from gazetteer import Gazetteer
    from gazetteer.sources.curated import default_files
    from geo.maps.seed import seed_map

    folder = tmp_path / "pwned"
    files = default_files()
    for name in ("bases", "regions"):
        frame = pd.read_csv(getattr(files, name), dtype=str, keep_default_na=False)
        frame["name"] = frame["name"] + " " + _probe(folder)
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        files = dataclasses.replace(files, **{name: path})
    gaz = Gazetteer.load(data_dir=False, files=files, cache_dir=tmp_path / "cache")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = seed_map(gaz, title="{{ 7*7 }} " + _probe(folder))
    page = map_html(m)
    _check_probe(folder, page)
    shown = _shown(page)
    assert "Base Contraterrorista Kepashiato " + _probe(folder) in shown
    assert "{{ 7*7 }} " + _probe(folder) in shown


def test_cli_map_with_templates_in_every_column_and_the_title(tmp_path, gaz):
    from geo.cli import main

    folder = tmp_path / "pwned"
    events, _ = _frames(_probe(folder) + " {{ 7*7 }} {# x")
    path = tmp_path / ("{{ 7*7 }} events.csv")
    events.drop(columns="geometry").to_csv(path, index=False)
    out = tmp_path / "out.html"
    result = CliRunner().invoke(main, ["map", str(path), "-o", str(out), "--no-datapack",
                                       "--title", "{% for x in range(3) %}A{% endfor %} {# t"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    _check_probe(folder, page)
    shown = _shown(page)
    assert "{% for x in range(3) %}A{% endfor %} {# t" in shown
    assert "location-0 " + _probe(folder) + " {{ 7*7 }} {# x" in shown
    assert not any(name.endswith(" 49 {# x") for name in overlays(page))

    seed_out = tmp_path / "seed.html"
    result = CliRunner().invoke(main, ["map", "--seed", "-o", str(seed_out), "--no-datapack", "--title", _probe(folder)])
    assert result.exit_code == 0, result.output
    _check_probe(folder, seed_out.read_text(encoding="utf-8"))
