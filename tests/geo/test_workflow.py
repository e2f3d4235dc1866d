"""The analyst's workflow from the command line, without dead ends.

geocode → export (four formats, and a batch folder) → map of each → query,
with the one-line answers a user gets for a bad option, a bad output path or
a typo in a subcommand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo import export
from geo.cli import main

SHEET = Path(__file__).parent / "data" / "hoja_analista.csv"


def _run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


@pytest.fixture(scope="module")
def layers(tmp_path_factory, shared_data):
    """The sheet geocoded with the data pack, then exported to every format and as a batch folder."""
    folder = tmp_path_factory.mktemp("roundtrip")
    gpkg = folder / "events.gpkg"
    done = _run("geocode", SHEET, "-o", gpkg, "--data-dir", shared_data)
    assert done.exit_code == 0, done.output
    out = {"gpkg": gpkg}
    for fmt in ("geojson", "parquet", "csv"):
        out[fmt] = folder / f"events.{fmt}"
        converted = _run("export", gpkg, "-o", out[fmt])
        assert converted.exit_code == 0, converted.output
    out["folder"] = folder / "parts"
    batch = _run("geocode", SHEET, "-o", out["folder"], "--chunk-size", 5, "--data-dir", shared_data)
    assert batch.exit_code == 0, batch.output
    return out


def test_every_format_reads_back_the_same_events(layers):
    frames = {k: export.read(p) for k, p in layers.items()}
    reference = frames["gpkg"]
    assert len(reference) == 12
    for name, frame in frames.items():
        assert frame["location"].tolist() == reference["location"].tolist(), name
        assert frame["status"].tolist() == reference["status"].tolist(), name
        assert frame["precision"].fillna("").tolist() == reference["precision"].fillna("").tolist(), name


@pytest.mark.parametrize("kind", ["gpkg", "geojson", "parquet", "csv", "folder"])
def test_geo_map_reads_everything_geocode_writes(layers, tmp_path, kind):
    html = tmp_path / f"map_{kind}.html"
    done = _run("map", layers[kind], "-o", html, "--no-datapack", "--events-only")
    assert done.exit_code == 0, done.output
    page = html.read_text(encoding="utf-8")
    assert "Palmapampa" in page and "Kepashiatto" in page


def test_query_keeps_fine_rows_and_counts(layers, shared_data):
    fine = _run("query", layers["parquet"], "--min-precision", "district")
    assert fine.exit_code == 0, fine.output
    kept = json.loads(fine.stdout)["features"]
    assert kept and {f["properties"]["precision"] for f in kept} <= {"point", "near", "district"}
    everything = json.loads(_run("query", layers["parquet"]).stdout)["features"]
    assert len(kept) < len(everything) == 12
    counts = _run("query", layers["gpkg"], "--count-by", "department", "--data-dir", shared_data)
    assert counts.exit_code == 0 and sum(r["events"] for r in json.loads(counts.stdout)) == 12


def test_dash_writes_to_stdout(layers):
    done = _run("export", layers["gpkg"], "-o", "-", "--format", "csv")
    assert done.exit_code == 0 and done.stdout.startswith("event_id,") and not Path("-").exists()
    geojson = _run("geocode", SHEET, "-o", "-", "--no-datapack")
    assert geojson.exit_code == 0 and len(json.loads(geojson.stdout)["features"]) == 12


def test_the_column_mapping_is_said_on_stderr():
    done = _run("geocode", SHEET, "--no-datapack")
    assert "'Lugar del ataque' → location" in done.stderr and "'Código interno'" in done.stderr
    quiet = _run("-q", "geocode", SHEET, "--no-datapack")
    assert "columns read as" not in quiet.stderr


@pytest.mark.parametrize("args, said", [
    (["query", "{layer}", "--since", "yesterday"], "start date 'yesterday' is not a date"),
    (["query", "{layer}", "--until", "2014-02-30"], "day is out of range"),
    (["query", "{layer}", "--type", "Batles"], "the input has: "),
    (["geocode", SHEET, "-o", "{missing}/out.gpkg", "--no-datapack"], "does not exist"),
    (["geocode", SHEET, "-o", "{tmp}/out.shp", "--no-datapack"], "cannot tell the format"),
    (["geocode", SHEET, "--sheet", "Nope", "--no-datapack"], "only Excel files have sheets"),
    (["geocode", "{xlsx}", "--sheet", "Nope", "--no-datapack"], "no sheet 'Nope'; the sheets are 'Hoja1'"),
    (["geocode", "{fake_xlsx}", "--no-datapack"], "not a readable Excel workbook"),
    (["map", "{layer}", "-o", "-"], "HTML"),
])
def test_bad_options_give_one_line_and_a_failure(layers, tmp_path, args, said):
    import pandas as pd

    xlsx, fake = tmp_path / "hoja.xlsx", tmp_path / "really_csv.xlsx"
    pd.read_csv(SHEET, dtype=str).to_excel(xlsx, sheet_name="Hoja1", index=False)
    fake.write_bytes(SHEET.read_bytes())
    args = [str(a).format(layer=layers["gpkg"], missing=tmp_path / "nowhere", tmp=tmp_path, xlsx=xlsx,
                          fake_xlsx=fake) for a in args]
    done = _run(*args)
    assert done.exit_code != 0
    assert said in done.stderr and "Traceback" not in done.output
    assert len([line for line in done.stderr.splitlines() if line.startswith("Error")]) == 1


def test_a_valid_type_absent_from_the_input_is_a_warning(layers):
    done = _run("query", layers["gpkg"], "--type", "Riots")
    assert done.exit_code == 0 and "matches no event" in done.stderr
    assert json.loads(done.stdout)["features"] == []


def test_a_subcommand_typo_suggests_the_command():
    done = _run("geocdoe", SHEET)
    assert done.exit_code == 2 and "Did you mean 'geocode'?" in done.output


def test_a_dangling_symlink_at_the_output_is_not_replaced(tmp_path):
    link = tmp_path / "out.geojson"
    os.symlink(tmp_path / "gone.geojson", link)
    done = _run("geocode", SHEET, "-o", link, "--no-datapack")
    assert done.exit_code == 1 and "--overwrite" in done.stderr
    assert link.is_symlink() and not (tmp_path / "gone.geojson").exists()


def test_fetch_offline_says_what_to_do(tmp_path, monkeypatch):
    import requests

    def no_dns(*args, **kwargs):
        raise requests.ConnectionError("HTTPSConnectionPool(host='x'): Max retries exceeded "
                                       "(Caused by NameResolutionError(\"Failed to resolve 'x'\"))")

    monkeypatch.setattr(requests.Session, "request", no_dns)
    done = _run("data", "fetch", "--dest", tmp_path / "pack", "-q")
    assert done.exit_code == 1
    assert "GEO_DATA_DIR" in done.stderr and "--mirror" in done.stderr and "\n" not in done.stderr.strip()
