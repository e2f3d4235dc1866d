"""Exports: each format reads back with the same rows and values; atomic, no silent overwrite."""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from gazetteer.errors import OutputExistsError
from geo import export
from geo.cli import main
from geo.events import read_events

DATA = Path(__file__).parent / "data"
FORMATS = ["geojson", "gpkg", "parquet", "csv"]


@pytest.fixture(scope="module")
def events(gaz):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_events(DATA / "events_en.csv", gaz=gaz)


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(frame.drop(columns=frame.geometry.name)).reset_index(drop=True)
    return out.map(lambda v: "" if v is None or v is pd.NA or v is pd.NaT or v != v else str(v)).astype(object)


@pytest.mark.parametrize("ext", FORMATS)
def test_round_trip_keeps_rows_and_values(events, tmp_path, ext):
    path = export.write(events, tmp_path / f"events.{ext}")
    back = export.read(path)
    assert len(back) == len(events)
    pd.testing.assert_frame_equal(_normalised(back)[list(_normalised(events).columns)], _normalised(events))
    assert back.geometry.isna().tolist() == events.geometry.isna().tolist()
    located = events.geometry.notna().to_numpy()
    assert back.geometry[located].geom_equals_exact(events.geometry[located], tolerance=1e-6).all()
    # and plain geopandas reads it with the same number of rows
    plain = gpd.read_parquet(path) if ext == "parquet" else (
        pd.read_csv(path) if ext == "csv" else gpd.read_file(path))
    assert len(plain) == len(events)


def test_geojson_is_rfc7946(events, tmp_path):
    path = export.write(events, tmp_path / "events.geojson")
    doc = json.loads(path.read_text(encoding="utf-8"))  # strict JSON: no NaN
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    first = doc["features"][0]
    lon, lat = first["geometry"]["coordinates"]
    assert (lon, lat) == (round(events.loc[0, "longitude"], 6), round(events.loc[0, "latitude"], 6))
    assert first["properties"]["event_date"] == "2014-02-17"
    unresolved = doc["features"][5]
    assert unresolved["geometry"] is None and unresolved["properties"]["latitude"] is None
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    for feature in doc["features"]:
        if feature["geometry"]:
            assert all(len(repr(c).split(".")[-1]) <= 6 for c in feature["geometry"]["coordinates"])


def test_polygons_are_wound_counter_clockwise():
    square = gpd.GeoDataFrame({"name": ["cw"]}, geometry=[
        __import__("shapely").Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])], crs="EPSG:4326")
    ring = export.to_geojson(square)["features"][0]["geometry"]["coordinates"][0]
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
    assert area2 > 0


def test_existing_output_is_not_overwritten(events, tmp_path):
    path = tmp_path / "events.gpkg"
    path.write_text("keep me")
    with pytest.raises(OutputExistsError):
        export.write(events, path)
    assert path.read_text() == "keep me"
    export.write(events, path, overwrite=True)
    assert len(export.read(path)) == len(events)
    assert [p.name for p in tmp_path.iterdir()] == ["events.gpkg"]  # no temporary left behind


def test_failed_write_leaves_no_file(tmp_path):
    bad = gpd.GeoDataFrame({"x": [object()]}, geometry=[None], crs="EPSG:4326")
    with pytest.raises(Exception):
        export.write(bad, tmp_path / "bad.parquet")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL command-line tools not installed")
@pytest.mark.parametrize("ext", ["geojson", "gpkg", "csv"])
def test_ogrinfo_opens_each_file_without_warnings(events, tmp_path, ext):
    path = export.write(events, tmp_path / f"events.{ext}")
    done = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stdout + done.stderr and "ERROR" not in done.stdout + done.stderr
    assert f"Feature Count: {len(events)}" in done.stdout


def test_cli_geocode_writes_by_extension_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.delenv("GEO_DATA_DIR", raising=False)
    runner = CliRunner()
    out = tmp_path / "out.gpkg"
    result = runner.invoke(main, ["geocode", str(DATA / "events_en.csv"), "-o", str(out), "--no-datapack"])
    assert result.exit_code == 0, result.output
    assert "row 5" in result.stderr and "2014-02-30" in result.stderr
    assert len(export.read(out)) == 6
    again = runner.invoke(main, ["geocode", str(DATA / "events_en.csv"), "-o", str(out), "--no-datapack"])
    assert again.exit_code == 1 and "--overwrite" in again.stderr
    ok = runner.invoke(main, ["geocode", str(DATA / "events_en.csv"), "-o", str(out), "--overwrite",
                              "--no-datapack"])
    assert ok.exit_code == 0


def test_cli_geocode_stdout_is_geojson_and_export_converts_it(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["geocode", str(DATA / "eventos_es_cp1252.csv"), "--no-datapack"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert len(doc["features"]) == 3
    assert "not UTF-8" in result.stderr
    out = tmp_path / "converted.parquet"
    converted = runner.invoke(main, ["export", "-", "-o", str(out)], input=result.stdout)
    assert converted.exit_code == 0, converted.output
    assert export.read(out)["location"].tolist() == ["Kepashiato", "Unión Mantaro", "Sanabamba"]


def test_cli_mapping_option(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("cuando,donde\n2014-02-17,Kepashiato\n", encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(main, ["geocode", str(path), "--no-datapack"])
    assert refused.exit_code == 1 and "mapping" in refused.stderr
    result = runner.invoke(main, ["geocode", str(path), "--no-datapack", "-m", "donde=location", "-m",
                                  "cuando=event_date"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["features"][0]["properties"]["place_id"] == "cur:kepashiato"
