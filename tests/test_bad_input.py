"""The bad-input matrix: what users really feed the toolkit, and what it must do with it.

Every case states what a user may rely on:

* a readable table gives **one output row per input record, in order**; a
  bad record is ``invalid`` with a reason, and a warning names its row;
* an unreadable input, a bad option or an unusable output gives **one line
  on stderr and a non-zero exit**, never a traceback;
* what is written is valid (it reads back) and nothing is left beside it.

The cases are grouped by class (encodings, CSV structure, cells, JSON,
GeoJSON, Excel, options, outputs, caches); ``test_matrix_is_large_enough``
keeps the count honest.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from geo.cli import main

H = "fecha,lugar,muertos\n"
ROW = "2014-02-17,Pichari,1\n"


def _csv(*rows: str, header: str = H) -> bytes:
    return (header + "".join(rows)).encode("utf-8")


# (id, file name, content, records in or "error", text the output or message must hold)
TABLES: list[tuple[str, str, bytes, int | str, str]] = [
    # -- encodings
    ("utf8", "a.csv", _csv(ROW, ROW), 2, ""),
    ("utf8-bom", "a.csv", b"\xef\xbb\xbf" + _csv(ROW), 1, ""),
    ("cp1252", "a.csv", "fecha,lugar\n2014-02-17,Unión Mantaro\n".encode("cp1252"), 1, "Unión Mantaro"),
    ("latin1-late", "a.csv", _csv(*[ROW] * 3) + "2014-02-17,Sañ,0\n".encode("latin-1"), 4, "Sañ"),
    ("utf16-bom", "a.csv", (H + ROW).encode("utf-16"), 1, "Pichari"),
    ("utf16le-nobom", "a.csv", (H + ROW).encode("utf-16-le"), 1, "Pichari"),
    ("utf16be-nobom", "a.csv", (H + ROW).encode("utf-16-be"), 1, "Pichari"),
    ("crlf", "a.csv", _csv(ROW, ROW).replace(b"\n", b"\r\n"), 2, ""),
    ("cr-only", "a.csv", _csv(ROW, ROW).replace(b"\n", b"\r"), 2, ""),
    ("semicolon", "a.csv", b"fecha;lugar;muertos\n2014-02-17;Pichari;1\n", 1, "Pichari"),
    ("tab", "a.tsv", b"fecha\tlugar\tmuertos\n2014-02-17\tPichari\t1\n", 1, "Pichari"),
    ("pipe", "a.csv", b"fecha|lugar|muertos\n2014-02-17|Pichari|1\n", 1, "Pichari"),
    # -- CSV structure
    ("unbalanced-quote-first", "a.csv", _csv('2014-02-17,"Pichari,1\n', ROW, ROW, ROW), 4, "never closed"),
    ("unbalanced-quote-middle", "a.csv", _csv(ROW, '2014-02-18,"Sivia,2\n', ROW, ROW), 4, "never closed"),
    ("unbalanced-quote-last", "a.csv", _csv(ROW, ROW, '2014-02-18,"Sivia,2\n'), 3, "never closed"),
    ("stray-quote-closes-later", "a.csv", _csv('2014-02-17,"Pichari,1\n', ROW, '2014-02-18,Sivia",2\n', ROW), 4,
     "never closed"),
    ("multiline-quoted-cell", "a.csv", b'fecha,lugar,notas\n2014-02-17,Pichari,"line one\nline two"\n', 1,
     "line one"),
    ("literal-quote-mid-field", "a.csv", b'fecha,lugar,notas\n2014-02-17,Pichari,a 5" pipe bomb\n2014-02-18,Sivia,x\n',
     2, 'pipe bomb'),
    ("extra-field", "a.csv", _csv("2014-02-17,Pichari,1,extra\n", ROW), 2, "4 fields"),
    ("missing-field", "a.csv", _csv("2014-02-17,Pichari\n", ROW), 2, "2 fields"),
    ("empty-record", "a.csv", _csv(ROW, ",,\n", ROW), 3, "empty"),
    ("blank-lines", "a.csv", _csv(ROW, "\n", "\n", ROW), 2, ""),
    ("whitespace-line", "a.csv", _csv(ROW, "   \n", ROW), 2, ""),
    ("no-final-newline", "a.csv", _csv(ROW, ROW.rstrip("\n")), 2, ""),
    ("header-only", "a.csv", H.encode(), 0, ""),
    ("empty-file", "a.csv", b"", 0, ""),
    ("only-newlines", "a.csv", b"\n\n\n", 0, ""),
    ("duplicate-header", "a.csv", b"fecha,lugar,lugar\n2014-02-17,Pichari,Sivia\n", "error", "twice"),
    ("no-place-column", "a.csv", b"foo,bar\n1,2\n", "error", "no column says where"),
    ("header-spaces", "a.csv", b" fecha , lugar \n2014-02-17,Pichari\n", 1, "Pichari"),
    ("quoted-header", "a.csv", b'"fecha","lugar"\n"2014-02-17","Pichari"\n', 1, "Pichari"),
    ("10k-rows-one-bad", "a.csv", _csv(*[ROW] * 5000, '2014-02-17,"Bad,1\n', *[ROW] * 4999), 10_000,
     "never closed"),
    # -- cells
    ("fatalities-1e20", "a.csv", _csv("2014-02-17,Pichari,1e20\n", ROW), 2, "out of range"),
    ("fatalities-10e30", "a.csv", _csv("2014-02-17,Pichari," + "1" + "0" * 30 + "\n"), 1, "out of range"),
    ("fatalities-negative", "a.csv", _csv("2014-02-17,Pichari,-3\n"), 1, "out of range"),
    ("fatalities-text", "a.csv", _csv("2014-02-17,Pichari,many\n"), 1, "not a number"),
    ("fatalities-inf", "a.csv", _csv("2014-02-17,Pichari,inf\n"), 1, "not a number"),
    ("fatalities-nan", "a.csv", _csv("2014-02-17,Pichari,nan\n"), 1, "not a number"),
    ("fatalities-fraction", "a.csv", _csv("2014-02-17,Pichari,1.5\n"), 1, "whole number"),
    ("fatalities-decimal-comma", "a.csv", b'fecha,lugar,muertos\n2014-02-17,Pichari,"3,0"\n', 1, "Pichari"),
    ("date-impossible", "a.csv", _csv("2014-02-30,Pichari,1\n"), 1, "no such date"),
    ("date-words", "a.csv", _csv("yesterday,Pichari,1\n"), 1, "not a date"),
    ("date-year-0001", "a.csv", _csv("0001-01-01,Pichari,1\n"), 1, "range"),
    ("date-year-9999", "a.csv", _csv("9999-12-31,Pichari,1\n"), 1, "range"),
    ("date-ordinal", "a.csv", _csv('"17th February 2014",Pichari,1\n'), 1, "2014-02-17"),
    ("date-weekday", "a.csv", _csv('"Monday 17 February 2014",Pichari,1\n'), 1, "2014-02-17"),
    ("date-wrong-weekday", "a.csv", _csv('"Tuesday 17 February 2014",Pichari,1\n'), 1, "was a Monday"),
    ("date-compact", "a.csv", _csv("20140217,Pichari,1\n"), 1, "2014-02-17"),
    ("date-excel-serial", "a.csv", _csv("41687,Pichari,1\n"), 1, "2014-02-17"),
    ("date-two-digit-year", "a.csv", _csv("17/02/14,Pichari,1\n"), 1, "2014-02-17"),
    ("date-abbrev", "a.csv", _csv('"Feb. 17th, 2014",Pichari,1\n'), 1, "2014-02-17"),
    ("date-iso-week", "a.csv", _csv("2014-W08-1,Pichari,1\n"), 1, "2014-02-17"),
    ("name-1m-chars", "a.csv", _csv("2014-02-17," + "A" * 1_000_000 + ",1\n"), 1, "characters long"),
    ("name-only-spaces", "a.csv", _csv("2014-02-17,   ,1\n"), 1, "no location"),
    ("name-unknown", "a.csv", _csv("2014-02-17,Xyzzyville,1\n"), 1, "no place named"),
    ("control-characters", "a.csv", b"fecha,lugar,notas\n2014-02-17,Pichari,a\x00b\x07c\n", 1, "U+0000"),
    ("formula-cell", "a.csv", b'fecha,lugar,notas\n2014-02-17,Pichari,"=1+1"\n', 1, "'=1+1"),
    ("html-in-cell", "a.csv", b"fecha,lugar,notas\n2014-02-17,Pichari,<script>alert(1)</script>\n", 1,
     "<script>"),
    ("template-in-cell", "a.csv", b"fecha,lugar,notas\n2014-02-17,Pichari,{{ 7*7 }}\n", 1, "{{ 7*7 }}"),
    ("lat-out-of-range", "a.csv", b"fecha,lugar,lat,lon\n2014-02-17,Pichari,123,-73\n", 1, "latitude"),
    ("lat-text", "a.csv", b"fecha,lugar,lat,lon\n2014-02-17,Pichari,north,-73\n", 1, "latitude"),
    ("coords-swapped", "a.csv", b"fecha,lugar,lat,lon\n2014-02-17,Pichari,-73.8,-12.5\n", 1, "swapped"),
    ("coords-outside-peru", "a.csv", b"fecha,lugar,lat,lon\n2014-02-17,Pichari,40.4,-3.7\n", 1, "outside"),
    ("country-unknown", "a.csv", b"fecha,lugar,pais\n2014-02-17,Pichari,Narnia\n", 1, "not a country"),
    # -- JSON and JSON lines
    ("json-array", "a.json", b'[{"fecha":"2014-02-17","lugar":"Pichari"}]', 1, "Pichari"),
    ("json-array-non-objects", "a.json", b'[1,"x",null,{"fecha":"2014-02-17","lugar":"Pichari"},[1]]', 5,
     "not an object"),
    ("json-object-with-list", "a.json", b'{"events":[{"fecha":"2014-02-17","lugar":"Pichari"}]}', 1, "Pichari"),
    ("json-invalid", "a.json", b'[{"fecha":', "error", "not valid JSON"),
    ("json-scalar", "a.json", b'42', "error", "expected a list"),
    ("json-deeply-nested", "a.json", b"[" * 100_000 + b"]" * 100_000, "error", "nested too deeply"),
    ("json-nested-cells", "a.json", b'[{"fecha":["2014"],"lugar":{"a":1}}]', 1, "not a date"),
    ("json-numbers", "a.json", b'[{"fecha":2014,"lugar":"Pichari","muertos":"3"}]', 1, "Pichari"),
    ("json-empty-array", "a.json", b"[]", 0, ""),
    ("jsonl", "a.jsonl", b'{"fecha":"2014-02-17","lugar":"Pichari"}\n{"fecha":"2014-02-18","lugar":"Sivia"}\n', 2,
     ""),
    ("jsonl-bad-line", "a.jsonl", b'{"fecha":"2014-02-17","lugar":"Pichari"}\n{oops\n{"lugar":"Sivia"}\n', 3,
     "not valid JSON"),
    ("jsonl-non-objects", "a.jsonl", b'1\n"x"\n{"fecha":"2014-02-17","lugar":"Pichari"}\n[1,2]\n', 4,
     "not an object"),
    ("jsonl-blank-lines", "a.jsonl", b'{"lugar":"Pichari"}\n\n\n{"lugar":"Sivia"}\n', 2, ""),
    ("jsonl-deep-line", "a.jsonl", b'{"lugar":"Pichari"}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n", 2,
     "nested too deeply"),
    # -- GeoJSON
    ("geojson-points", "a.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"fecha": "2014-02-17", "lugar": "Pichari"},
         "geometry": {"type": "Point", "coordinates": [-73.82, -12.52]}}]}).encode(), 1, "Pichari"),
    ("geojson-feature-not-object", "a.geojson",
     b'{"type":"FeatureCollection","features":[1,{"type":"Feature","properties":{"lugar":"Pichari"}}]}', 2,
     "not an object"),
    ("geojson-properties-list", "a.geojson",
     b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":[1],"geometry":null}]}', 1,
     "properties are a JSON list"),
    ("geojson-geometry-string", "a.geojson",
     b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"lugar":"Pichari"},'
     b'"geometry":"here"}]}', 1, "geometry is a JSON str"),
    ("geojson-features-not-list", "a.geojson", b'{"type":"FeatureCollection","features":{"a":1}}', "error",
     "not a list"),
    ("geojson-polygon", "a.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"lugar": "Pichari"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}).encode(), 1,
     "Pichari"),
    ("geojson-string-coordinates", "a.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"lugar": "Pichari"},
         "geometry": {"type": "Point", "coordinates": ["x", "y"]}}]}).encode(), 1, "latitude"),
    # -- Excel that is not Excel
    ("xlsx-really-csv", "a.xlsx", _csv(ROW), "error", "not a readable Excel workbook"),
    ("xlsx-really-html", "a.xlsx", b"<html><table><tr><td>1</td></tr></table></html>", "error",
     "not a readable Excel workbook"),
    ("xlsx-random-bytes", "a.xlsx", bytes(range(256)) * 4, "error", "not a readable Excel workbook"),
    ("xlsx-empty", "a.xlsx", b"", 0, ""),
    ("unknown-suffix", "a.dat", _csv(ROW), "error", "suffix"),
]


def _run(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output, result.output
    return result


def _one_line_error(result) -> str:
    assert result.exit_code != 0, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize("case", TABLES, ids=[c[0] for c in TABLES])
def test_a_table_keeps_every_record_or_says_in_one_line_why_not(case, tmp_path):
    name, filename, data, expected, said = case
    source = tmp_path / filename
    source.write_bytes(data)
    out = tmp_path / "out.csv"
    result = _run("geocode", source, "-o", out, "--no-datapack")
    if expected == "error":
        assert said in _one_line_error(result)
        assert not out.exists()
        return
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False) if out.stat().st_size else pd.DataFrame()
    assert len(frame) == expected
    if expected:
        assert frame["row"].astype(int).tolist() == list(range(1, expected + 1))  # in order, none merged
        bad = frame[frame["status"] == "invalid"]
        assert (bad["reason"].str.len() > 0).all()
        for row in bad["row"].head(20):
            assert f"row {row}" in result.stderr  # the warning names the row
    if said:
        assert said in out.read_text(encoding="utf-8") + result.stderr


def test_an_unclosed_quote_does_not_swallow_records_in_batch_mode(tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes(_csv(*[ROW] * 5, '2014-02-17,"Bad,1\n', *[ROW] * 6))
    out = tmp_path / "parts"
    result = _run("geocode", source, "-o", out, "--chunk-size", 4, "--no-datapack")
    assert result.exit_code == 0, result.output
    frame = pd.concat([pd.read_parquet(p) for p in sorted(out.glob("part-*.parquet"))])
    assert len(frame) == 12 and frame["row"].tolist() == list(range(1, 13))
    assert (frame["status"] == "invalid").sum() == 1 and "never closed" in " ".join(frame["reason"].fillna(""))


def test_python_readers_raise_only_the_project_errors(tmp_path):
    from gazetteer import Gazetteer
    from gazetteer.errors import GeoError
    from geo.events import read_events

    gaz = Gazetteer.default(data_dir=False)
    for name, filename, data, expected, _ in TABLES:
        source = tmp_path / f"{name}-{filename}"
        source.write_bytes(data)
        try:
            with _quiet():
                frame = read_events(source, gaz=gaz)
        except GeoError:
            assert expected == "error", name
            continue
        assert expected != "error" and len(frame) == expected, name


class _quiet:
    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)


def test_a_frame_with_nested_cells_or_repeated_columns(tmp_path):
    from gazetteer import Gazetteer
    from gazetteer.errors import InvalidInputError
    from geo.events import geocode_events

    gaz = Gazetteer.default(data_dir=False)
    frame = pd.DataFrame({"fecha": ["2014-02-17", ["x"], {"a": 1}], "lugar": ["Pichari", {"b": 2}, ("Sivia",)]})
    with _quiet():
        out = geocode_events(frame, gaz=gaz)
    assert len(out) == 3 and out["status"].tolist()[1:] == ["invalid", "invalid"]
    repeated = pd.DataFrame([["2014-02-17", "Pichari", "Sivia"]], columns=["fecha", "lugar", "lugar"])
    with pytest.raises(InvalidInputError, match="several columns named 'lugar'"):
        geocode_events(repeated, gaz=gaz)


# -- options and outputs ------------------------------------------------------------

@pytest.fixture(scope="module")
def layer(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layer")
    source = folder / "a.csv"
    source.write_bytes(_csv(ROW, "2014-03-01,Sivia,2\n"))
    out = folder / "events.gpkg"
    assert _run("geocode", source, "-o", out, "--no-datapack").exit_code == 0
    bare = folder / "bare.geojson"
    bare.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [-73, -12]}}]}))
    return {"events": out, "bare": bare, "csv": source}


OPTIONS = [
    ("query-since-words", ["query", "{events}", "--since", "yesterday"], "not a date"),
    ("query-until-impossible", ["query", "{events}", "--until", "2014-02-30"], "day is out of range"),
    ("query-type-typo", ["query", "{events}", "--type", "Batles"], "matches no event"),
    ("query-km-without-near", ["query", "{events}", "--km", "5"], "--km needs --near"),
    ("query-near-without-km", ["query", "{events}", "--near", "Pichari"], "--near needs --km"),
    ("query-per-without-count", ["query", "{events}", "--per", "year"], "--per needs --count-by"),
    ("query-unknown-area", ["query", "{events}", "--within", "Xyzzyville"], "Xyzzyville"),
    ("query-bare-type", ["query", "{bare}", "--type", "Battles"], "no 'event_type' column"),
    ("query-bare-since", ["query", "{bare}", "--since", "2014-01-01"], "no 'event_date' column"),
    ("query-bare-count", ["query", "{bare}", "--count-by", "district"], "admin"),
    ("query-missing-file", ["query", "{tmp}/nope.gpkg"], "nope.gpkg"),
    ("query-bad-status", ["query", "{events}", "--status", "fine"], "fine"),
    ("query-negative-km", ["query", "{events}", "--near", "Pichari", "--km", "-5"], "km"),
    ("geocode-sheet-on-csv", ["geocode", "{csv}", "--sheet", "Nope"], "only Excel files have sheets"),
    ("geocode-bad-mapping", ["geocode", "{csv}", "-m", "nothing-here"], "column=field"),
    ("geocode-mapping-unknown-field", ["geocode", "{csv}", "-m", "lugar=planet"], "planet"),
    ("geocode-bad-chunk", ["geocode", "{csv}", "--chunk-size", "0"], "chunk-size"),
    ("geocode-missing-folder", ["geocode", "{csv}", "-o", "{tmp}/no/such/out.gpkg"], "does not exist"),
    ("geocode-unknown-extension", ["geocode", "{csv}", "-o", "{tmp}/out.shp"], "cannot tell the format"),
    ("export-to-existing", ["export", "{events}", "-o", "{events}"], "--overwrite"),
    ("export-binary-to-stdout", ["export", "{events}", "--format", "gpkg"], "binary format"),
    ("map-to-stdout", ["map", "{events}", "-o", "-"], "HTML"),
    ("map-nothing", ["map", "-o", "{tmp}/m.html"], "INPUT"),
    ("extract-published-9999", ["extract", "{csv}", "--published", "9999-12-31"], "outside"),
    ("extract-published-0001", ["extract", "{csv}", "--published", "0001-01-01"], "outside"),
    ("extract-published-words", ["extract", "{csv}", "--published", "yesterday"], "not a valid"),
    ("subcommand-typo", ["geocdoe", "{csv}"], "Did you mean 'geocode'?"),
    ("data-unknown", ["data", "fetchh"], "fetchh"),
]


@pytest.mark.parametrize("case", OPTIONS, ids=[c[0] for c in OPTIONS])
def test_a_bad_option_is_one_line_and_a_failure(case, layer, tmp_path):
    _, args, said = case
    args = [a.format(tmp=tmp_path, **layer) for a in args]
    result = _run(*args)
    if result.exit_code == 0:
        # a valid request whose answer is empty may warn instead (a valid ACLED type absent from the input)
        pytest.fail(f"{args} succeeded: {result.output}")
    message = result.output
    assert said in message, message
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(lines) == 1 or result.exit_code == 2  # usage errors print usage and one Error line
    assert not list(tmp_path.glob(".*.tmp")) and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_two_writers_of_a_new_output_cannot_both_win(tmp_path):
    from gazetteer.atomic import write_text
    from gazetteer.errors import OutputExistsError

    target = tmp_path / "out.geojson"
    write_text(target, "first", exclusive=True)
    with pytest.raises(OutputExistsError):
        write_text(target, "second", exclusive=True)
    assert target.read_text() == "first" and [p.name for p in tmp_path.iterdir()] == ["out.geojson"]
    link = tmp_path / "dangling.geojson"
    os.symlink(tmp_path / "gone", link)
    with pytest.raises(OutputExistsError):
        write_text(link, "x", exclusive=True)


def test_sigterm_leaves_no_temporary_file(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "big.csv"
    with open(source, "w", encoding="utf-8") as fh:
        fh.write(H)
        for i in range(400_000):
            fh.write(f"2014-02-{1 + i % 28:02d},{('Pichari', 'Sivia', 'Llochegua')[i % 3]},{i % 5}\n")
    out = tmp_path / "out.gpkg"
    proc = subprocess.Popen([sys.executable, "-m", "geo.cli", "-q", "geocode", str(source), "-o", str(out),
                             "--no-datapack"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".out.gpkg") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) in (["big.csv"], ["big.csv", "out.gpkg"])


# -- caches and data -----------------------------------------------------------------

@pytest.mark.parametrize("damage", ["random-bytes", "truncated", "another-object", "empty"])
def test_a_damaged_index_cache_is_rebuilt(tmp_path, damage):
    from gazetteer import Gazetteer

    cache = tmp_path / "cache"
    first = Gazetteer.load(data_dir=False, cache_dir=cache)
    (pickle_path,) = cache.glob("index-*.pickle")
    data = pickle_path.read_bytes()
    pickle_path.write_bytes({"random-bytes": os.urandom(2048), "truncated": data[: len(data) // 3],
                             "another-object": pickle.dumps({"not": "an index"}), "empty": b""}[damage])
    again = Gazetteer.load(data_dir=False, cache_dir=cache)
    assert len(again) == len(first) and again.resolve("Pichari").status == "ok"


def test_an_unwritable_cache_folder_costs_speed_not_the_answer(tmp_path, monkeypatch):
    import gazetteer.index as index_module
    from gazetteer import Gazetteer

    def refuse(path, data, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(index_module, "write_bytes", refuse)
    with pytest.warns(UserWarning, match="working without it"):
        gaz = Gazetteer.load(data_dir=False, cache_dir=tmp_path / "ro")
    assert gaz.resolve("Pichari").status == "ok"


def test_a_damaged_data_pack_file_is_one_line(tmp_path, shared_data):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(shared_data / "peru", pack / "peru", ignore=shutil.ignore_patterns("upstream"))
    districts = pack / "peru" / "boundaries" / "districts.geojson"
    districts.write_bytes(districts.read_bytes()[:5000])
    result = _run("resolve", "Pichari", "--data-dir", pack)
    assert "geo data fetch --force" in _one_line_error(result)


@pytest.mark.parametrize("name", ["bad.gpkg", "bad.parquet", "bad.geojson", "bad.csv"])
def test_a_damaged_layer_is_one_line_for_export_map_and_query(tmp_path, layer, name):
    from geo import export

    good = tmp_path / f"good{Path(name).suffix}"
    export.write(export.read(layer["events"]), good)
    bad = tmp_path / name
    bad.write_bytes(good.read_bytes()[: max(40, good.stat().st_size // 3)])
    if name.endswith(".csv"):
        bad.write_bytes(b"\x00\x01\x02" * 50)
    for args in (["export", bad, "-o", tmp_path / "x.geojson"], ["map", bad, "-o", tmp_path / "m.html"],
                 ["query", bad]):
        result = _run(*args)
        assert result.exit_code != 0 or name.endswith(".csv")
        if result.exit_code != 0:
            _one_line_error(result)


def test_matrix_is_large_enough():
    # tables and options, plus the damaged caches, damaged layers and single cases above
    assert len(TABLES) + len(OPTIONS) + 4 + 4 + 7 >= 100


def test_a_quote_inside_a_field_is_a_literal_not_a_broken_record():
    from geo.events.csvrecords import read_records

    frame, problems = read_records('fecha,lugar,notas\n2014-02-17,Pichari,a 5" pipe bomb\n2014-02-18,Sivia,x\n', ",")
    assert problems == {} and frame["notas"].tolist() == ['a 5" pipe bomb', "x"]
