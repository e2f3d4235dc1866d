"""Property-based tests: whatever the input, only the project's errors escape, and offsets slice the text.

Hypothesis builds inputs from the material users bring — place names,
Spanish and English words, dates, numbers, punctuation, apostrophes, accents,
capitals, line endings, control characters — and shrinks any failure to a
small example. The deadline is generous: it catches runaway work
(catastrophic backtracking, quadratic loops) on small inputs, not slowness.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazetteer.errors import GeoError

pytestmark = pytest.mark.filterwarnings("ignore")

#: Examples per property: 60 in CI; more with GEO_HYPOTHESIS_EXAMPLES=1500 when hunting.
EXAMPLES = int(os.environ.get("GEO_HYPOTHESIS_EXAMPLES", 60))
SETTINGS = settings(max_examples=EXAMPLES, deadline=dt.timedelta(seconds=10),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

WORDS = ["Pichari", "Kepashiato", "Ayacucho", "AYACUCHO", "Santa Rosa", "VRAEM", "Huanta", "Lima", "Perú",
         "río Ene", "Unión Mantaro", "d'Ayacucho", "l'Apurímac", "Sendero", "Luminoso", "Shining Path",
         "attacked", "ambush", "emboscada", "killed", "murieron", "soldiers", "soldados", "in", "en", "near",
         "cerca de", "the", "el", "yesterday", "ayer", "anoche", "on Monday", "el jueves", "17 de febrero",
         "Feb. 17", "2014", "1989", "12", "doce", "a dozen", "(Reuters)", "--", "[TEXT]", "LIMA, 3 JAN 90",
         "Mr.", "Gen.", "Flores", "San Martín", "'", '"', ",", ".", ";", ":", "\n", "\r\n", "\t", "  ",
         "\u00a0", "é", "Ñ", "\x00", "\x07", "<b>", "</b>", "&amp;", "{{ 7*7 }}", "🙂"]
TEXT = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=40).map(" ".join)
CELL = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(WORDS), st.integers(-10**20, 10**20),
                 st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                 st.dates(min_value=dt.date(1, 1, 1)).map(str))
PUBLISHED = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31))


@pytest.fixture(scope="module")
def gaz():
    from gazetteer import Gazetteer

    return Gazetteer.default(data_dir=False)


@SETTINGS
@given(value=st.one_of(CELL, TEXT))
def test_parse_date_returns_a_day_month_or_year_or_says_why(value):
    from geo.events.dates import DateError, parse_date

    try:
        result = parse_date(value)
    except DateError as exc:
        assert str(exc)
        return
    if result is not None:
        stamp, precision = result
        assert precision in ("day", "month", "year") and isinstance(stamp, pd.Timestamp)


@SETTINGS
@given(name=TEXT, context=st.one_of(st.none(), TEXT, st.lists(st.sampled_from(WORDS), max_size=3)))
def test_resolve_always_answers_with_a_status(gaz, name, context):
    res = gaz.resolve(name, context=context)
    assert res.status in ("ok", "ambiguous", "unresolved", "invalid")
    assert (res.best is not None) == (res.status in ("ok", "ambiguous"))
    assert 0.0 <= res.confidence <= 1.0
    if res.status == "ambiguous":
        assert res.candidate_list()


@SETTINGS
@given(text=TEXT)
def test_mention_offsets_always_slice_the_mention(gaz, text):
    from geo.parse import parse_text

    for feature in parse_text(text, gaz=gaz, strip_html=False)["features"]:
        p = feature["properties"]
        assert text[p["start"]:p["end"]] == p["text"]
        assert p["status"] in ("ok", "ambiguous", "unresolved", "invalid")


@SETTINGS
@given(text=TEXT, published=PUBLISHED)
def test_date_mentions_slice_the_text_and_stay_in_range(text, published):
    from geo.parse.dates import find_dates

    for found in find_dates(text, published):
        assert 0 <= found.start < found.end <= len(text)
        assert found.date is None or dt.date(1, 1, 1) <= found.date <= dt.date(9999, 12, 31)


@SETTINGS
@given(text=TEXT, published=PUBLISHED)
def test_extract_events_gives_events_or_a_project_error(gaz, text, published):
    from geo.parse import extract_events

    try:
        events = extract_events(text, published=published, gaz=gaz)
    except GeoError:
        return
    assert events["status"].isin(["ok", "ambiguous", "unresolved", "invalid"]).all()
    fatalities = events["fatalities"].dropna()
    assert ((fatalities >= 0) & (fatalities <= 100_000)).all()
    assert events["event_date"].dropna().between(pd.Timestamp("1678-01-01"), pd.Timestamp("2262-01-01")).all()


@SETTINGS
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=8))
def test_geocode_events_keeps_every_row(gaz, rows):
    from geo.events import geocode_events

    frame = pd.DataFrame(rows, columns=["fecha", "lugar", "muertos"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = geocode_events(frame, gaz=gaz)
    assert len(out) == len(rows)
    assert out["status"].isin(["ok", "ambiguous", "unresolved", "invalid"]).all()
    assert (out.loc[out["status"] == "invalid", "reason"].str.len() > 0).all()


@SETTINGS
@given(body=st.lists(st.lists(st.one_of(st.text(max_size=8), st.sampled_from(['"', '""', ",", "\n", "Pichari",
                                                                              "2014-02-17", "\r"])),
                              min_size=0, max_size=5), max_size=8))
def test_csv_reader_reads_any_text_into_rows_or_a_project_error(tmp_path_factory, gaz, body):
    from geo.events import read_events

    text = "fecha,lugar,muertos\n" + "\n".join(",".join(cells) for cells in body)
    path = tmp_path_factory.mktemp("csv") / "a.csv"
    path.write_text(text, encoding="utf-8")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = read_events(path, gaz=gaz)
    except GeoError:
        return
    assert out["row"].tolist() == list(range(1, len(out) + 1))


@SETTINGS
@given(body=TEXT)
def test_csv_records_never_merge_whole_lines(body):
    from geo.events.csvrecords import read_records

    lines = ["a,b,c", *[f"{i},x{i},{i}" for i in range(5)]]
    lines.insert(3, '9,"' + body.replace("\n", " ").replace("\r", " ").replace('"', "") + ",9")
    frame, problems = read_records("\n".join(lines) + "\n", ",")
    assert len(frame) == 6  # the record with the open quote is one row; the others are themselves
    assert frame.iloc[-1].tolist() == ["4", "x4", "4"]


DATE_WORDS = ["yesterday", "ayer", "anoche", "last night", "today", "hoy", "esta madrugada", "on Monday", "el jueves",
              "17 de febrero", "Feb. 17", "March 3, 1989", "in 1989", "en 2014", "two days ago", "hace tres dias",
              "hace unos dias", "the next day", "al dia siguiente", "hours later", "el mismo dia", "last year",
              "in the 1980s", "los anos ochenta", "recently", "years later", "in mid-March", "a fines de mayo"]


@SETTINGS
@given(text=st.lists(st.one_of(st.sampled_from(WORDS + DATE_WORDS), st.text(max_size=6)), max_size=30).map(" ".join),
       published=PUBLISHED)
def test_the_date_prefilter_never_hides_a_date(text, published):
    from geo.parse import dates
    from geo.parse.lexicon import lexicon

    found = dates.find_dates(text, published)
    words = lexicon()
    folded = dates._fold_keep(text)
    for _, pattern in dates._patterns(words):
        if pattern.search(folded):
            # some pattern matches: the prefilter must have let the sentence through
            pats, keywords = dates._CACHE[id(words)]
            assert any(c.isdigit() for c in folded) or not keywords.isdisjoint(dates._LOWER_WORD.findall(folded))
            break
    assert all(0 <= d.start < d.end <= len(text) for d in found)
