"""`geo parse` and `geo geocode` hand big inputs to the streaming runner."""

import json

import geopandas
from click.testing import CliRunner

from geo.cli import main

SEEDS = "seeds/events.csv"


def test_parse_a_directory_of_documents_to_geoparquet(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Rebels attacked the Kepashiato military base in Cusco.", encoding="utf-8")
    (docs / "b.txt").write_text("Ataque en Pichari, en el VRAEM.", encoding="utf-8")
    out = tmp_path / "mentions.parquet"
    result = CliRunner().invoke(main, ["parse", str(docs), "-o", str(out), "--no-datapack", "--chunk-size", "1"])
    assert result.exit_code == 0, result.output
    mentions = geopandas.read_parquet(out)
    assert {"Kepashiato", "Pichari", "VRAEM"} <= set(mentions["text"])
    assert "2 records" in result.stderr


def test_parse_a_single_text_still_prints_geojson():
    result = CliRunner().invoke(main, ["parse", "-", "--no-datapack"], input="Ataque en Pichari, Cusco.")
    assert result.exit_code == 0, result.output
    texts = [f["properties"]["text"] for f in json.loads(result.stdout)["features"]]
    assert texts == ["Pichari", "Cusco"]


def test_geocode_in_chunks_to_a_partitioned_directory(tmp_path):
    out = tmp_path / "events"
    args = ["geocode", SEEDS, "-o", str(out), "--chunk-size", "5", "--no-datapack"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("part-*.parquet"))) == 4
    events = geopandas.read_parquet(out)
    assert len(events) == 18
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1 and "--overwrite" in again.stderr
