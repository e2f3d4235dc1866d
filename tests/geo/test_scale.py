"""Batch geoparsing and geocoding: streaming sources, bounded chunks, outputs, Dask."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from gazetteer.errors import InvalidInputError, OutputExistsError
from geo.scale import geocode_table, parse_documents, plan_source
from geo.scale import jobs as scale_jobs
from geo.scale import runner as scale_runner
from geo.scale.sources import read_documents

REPO = Path(__file__).resolve().parents[2]

TEXTS = [
    "About 30 Shining Path fighters attacked the Kepashiato military base in Cusco on Monday.",
    "Los senderistas atacaron la base contraterrorista de Unión Mantaro, en Huanta, Ayacucho.",
    "<p>Un helic&oacute;ptero fue atacado en Llochegua.</p><p>La polic&iacute;a lleg&oacute; desde Pichari.</p>",
    "Nothing here names a place at all.",
    "Coca eradication began in the Apurímac-Ene valleys (VRAEM) near Pichari and Kimbiri.",
]


def _eval_texts(n: int) -> list[str]:
    """``n`` documents made from the evaluation reports (numbered so each is distinct)."""
    paths = sorted((REPO / "eval" / "corpus").glob("*.json"))
    reports = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in paths]
    return [f"Report {i}. {reports[i % len(reports)]}" for i in range(n)]


def _write_sources(folder: Path, texts: list[str]) -> dict[str, Path]:
    """The same documents as a directory of .txt files, JSON lines, Parquet and CSV."""
    ids = [f"doc-{i:03d}" for i in range(len(texts))]
    txt = folder / "txt"
    txt.mkdir()
    for doc_id, text in zip(ids, texts):
        (txt / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    jsonl = folder / "docs.jsonl"
    jsonl.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in zip(ids, texts)),
                     encoding="utf-8")
    frame = pd.DataFrame({"id": ids, "text": texts})
    parquet = folder / "docs.parquet"
    frame.to_parquet(parquet, index=False, row_group_size=2)
    csv = folder / "docs.csv"
    frame.to_csv(csv, index=False)
    return {"txt-dir": txt, "jsonl": jsonl, "parquet": parquet, "csv": csv}


@pytest.fixture()
def sources(tmp_path):
    return _write_sources(tmp_path, TEXTS)


def _same_mentions(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


# -- sources --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["txt-dir", "jsonl", "parquet", "csv"])
def test_every_source_kind_gives_the_same_mentions_as_parsing_each_text(kind, sources, gaz):
    from geo.parse import parse_text

    out = parse_documents(sources[kind], chunk_size=2, gaz=gaz, progress=False)
    expected = [(f["properties"]["text"], f["properties"]["id"]) for t in TEXTS
                for f in parse_text(t, gaz=gaz)["features"]]
    assert list(zip(out["text"], out["place_id"])) == expected
    assert "Kepashiato" in set(out["text"])
    assert out.crs == "EPSG:4326"
    # documents keep the source's ids and order
    assert list(dict.fromkeys(out["doc_id"].str.replace(".txt", "", regex=False))) == \
        [f"doc-{i:03d}" for i in (0, 1, 2, 4)]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 10])
def test_plans_cut_sources_into_chunks_of_at_most_chunk_size(chunk_size, sources):
    for kind, path in sources.items():
        plan = plan_source(path, chunk_size=chunk_size)
        assert plan.kind == kind
        assert plan.total == len(TEXTS)
        assert all(1 <= c.count <= chunk_size for c in plan)
        docs = [d for chunk in plan for d in read_documents(chunk)]
        assert [d.text for d in docs] == TEXTS


def test_csv_records_spanning_lines_inside_quotes_stay_whole(tmp_path):
    texts = ['A "quoted" word,\nthen a new line in Pichari.', "Second, in Kimbiri.", "Third\n\nwith a blank line."]
    path = _write_sources(tmp_path, texts)["csv"]
    plan = plan_source(path, chunk_size=1)
    assert len(plan) == 3
    assert [read_documents(c)[0].text for c in plan] == texts


def test_unreadable_documents_keep_their_place_with_a_reason(tmp_path, gaz):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "Attack in Pichari."}\n{not json\n\n[1, 2]\n{"id": "d", "body": "x"}\n'
                    '{"id": "e", "text": "Kimbiri"}\n', encoding="utf-8")
    out = parse_documents(path, chunk_size=2, gaz=gaz, progress=False)
    invalid = out[out["status"] == "invalid"]
    assert list(invalid["doc_id"]) == ["docs.jsonl:2", "docs.jsonl:3", "d"]
    assert "not valid JSON" in invalid["reason"].iloc[0]
    assert "not an object" in invalid["reason"].iloc[1]
    assert "no 'text' field" in invalid["reason"].iloc[2]
    assert list(out["doc_id"]) == ["a", "docs.jsonl:2", "docs.jsonl:3", "d", "e"]


def test_unknown_inputs_and_engines_are_refused(tmp_path, sources, gaz):
    (tmp_path / "x.xml").write_text("<a/>")
    with pytest.raises(InvalidInputError, match="cannot read documents"):
        parse_documents(tmp_path / "x.xml", gaz=gaz)
    with pytest.raises(InvalidInputError, match="engine must be one of"):
        parse_documents(sources["jsonl"], engine="spark", gaz=gaz)
    with pytest.raises(InvalidInputError, match="needs the dask engine"):
        parse_documents(sources["jsonl"], scheduler="tcp://127.0.0.1:8786", gaz=gaz)
    with pytest.raises(InvalidInputError, match="chunk_size"):
        parse_documents(sources["jsonl"], chunk_size=0, gaz=gaz)
    with pytest.raises(FileNotFoundError):
        parse_documents(tmp_path / "missing.jsonl", gaz=gaz)


# -- bounded memory -----------------------------------------------------------------

def test_one_chunk_is_read_written_and_dropped_before_the_next(tmp_path, monkeypatch, gaz):
    texts = _eval_texts(23)
    source = _write_sources(tmp_path, texts)["jsonl"]
    events: list[tuple[str, int]] = []
    real_read, real_add = scale_jobs.read_documents, scale_runner.Collector.add

    def read(chunk):
        docs = real_read(chunk)
        events.append(("read", len(docs)))
        return docs

    def add(self, chunk, result):
        events.append(("write", chunk.number))
        return real_add(self, chunk, result)

    monkeypatch.setattr(scale_jobs, "read_documents", read)
    monkeypatch.setattr(scale_runner.Collector, "add", add)
    summary = parse_documents(source, chunk_size=5, out=tmp_path / "out", gaz=gaz, progress=False)
    assert events == [e for n in range(5) for e in (("read", min(5, 23 - 5 * n)), ("write", n))]
    assert summary.records == 23 and summary.chunks == 5
    assert sorted(p.name for p in (tmp_path / "out").glob("part-*.parquet")) == \
        [f"part-{n:05d}.parquet" for n in range(5)]


# -- outputs ---------------------------------------------------------------------------

def test_partitioned_and_single_file_outputs_read_back_as_the_returned_frame(tmp_path, sources, gaz):
    expected = parse_documents(sources["jsonl"], chunk_size=2, gaz=gaz, progress=False)
    summary = parse_documents(sources["jsonl"], chunk_size=2, out=tmp_path / "parts", gaz=gaz, progress=False)
    assert summary.rows == len(expected) and summary.statuses.get("ok", 0) > 0
    _same_mentions(gpd.read_parquet(tmp_path / "parts"), expected)
    manifest = json.loads((tmp_path / "parts" / "_manifest.json").read_text())
    assert manifest["records"] == len(TEXTS) and manifest["rows"] == len(expected)

    parse_documents(sources["jsonl"], chunk_size=2, out=tmp_path / "one.parquet", gaz=gaz, progress=False)
    _same_mentions(gpd.read_parquet(tmp_path / "one.parquet"), expected)
    parse_documents(sources["jsonl"], chunk_size=2, out=tmp_path / "one.gpkg", gaz=gaz, progress=False)
    back = gpd.read_file(tmp_path / "one.gpkg")
    assert list(back["text"]) == list(expected["text"]) and back.crs == "EPSG:4326"
    parse_documents(sources["jsonl"], chunk_size=2, out=tmp_path / "one.csv", gaz=gaz, progress=False)
    table = pd.read_csv(tmp_path / "one.csv")
    kep = table[table["text"] == "Kepashiato"].iloc[0]
    assert (kep["longitude"], kep["latitude"]) == pytest.approx(
        expected.geometry[expected["text"] == "Kepashiato"].iloc[0].coords[0])
    parse_documents(sources["jsonl"], chunk_size=2, out=tmp_path / "one.geojson", gaz=gaz, progress=False)
    collection = json.loads((tmp_path / "one.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["text"] for f in collection["features"]] == list(expected["text"])
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_standard_output_gets_one_feature_collection_streamed_chunk_by_chunk(sources, gaz, capsys):
    expected = parse_documents(sources["jsonl"], chunk_size=2, gaz=gaz, progress=False)
    parse_documents(sources["jsonl"], chunk_size=2, out="-", gaz=gaz, progress=False)
    collection = json.loads(capsys.readouterr().out)
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["doc_id"] for f in collection["features"]] == list(expected["doc_id"])
    kep = next(f for f in collection["features"] if f["properties"]["text"] == "Kepashiato")
    assert kep["geometry"]["type"] == "Point"


def test_an_input_without_records_gives_an_empty_readable_output(tmp_path, gaz):
    (tmp_path / "empty").mkdir()
    summary = parse_documents(tmp_path / "empty", out=tmp_path / "none.parquet", gaz=gaz, progress=False)
    assert summary.records == 0
    back = gpd.read_parquet(tmp_path / "none.parquet")
    assert len(back) == 0 and "place_id" in back.columns


def test_existing_outputs_are_not_overwritten_unless_asked(tmp_path, sources, gaz):
    out = tmp_path / "one.parquet"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError, match="overwrite"):
        parse_documents(sources["jsonl"], out=out, gaz=gaz, progress=False)
    assert out.read_bytes() == b"keep me"
    parse_documents(sources["jsonl"], out=out, overwrite=True, gaz=gaz, progress=False)
    assert len(gpd.read_parquet(out))
    parts = tmp_path / "parts"
    parse_documents(sources["jsonl"], out=parts, gaz=gaz, progress=False)
    with pytest.raises(OutputExistsError):
        parse_documents(sources["jsonl"], out=parts, gaz=gaz, progress=False)
    with pytest.raises(InvalidInputError, match="cannot stream"):
        parse_documents(sources["jsonl"], out=tmp_path / "x.shp", gaz=gaz, progress=False)


def test_a_failing_job_leaves_no_partial_single_file(tmp_path, sources, gaz, monkeypatch):
    def boom(chunk):
        if chunk.number == 1:
            raise RuntimeError("disk on fire")
        return real(chunk)

    real = scale_jobs.read_documents
    monkeypatch.setattr(scale_jobs, "read_documents", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        parse_documents(sources["jsonl"], chunk_size=2, out=tmp_path / "out" / "one.parquet", gaz=gaz,
                        progress=False)
    assert list((tmp_path / "out").iterdir()) == []


def test_progress_bar_goes_to_stderr(sources, gaz, capsys):
    parse_documents(sources["jsonl"], chunk_size=2, gaz=gaz, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "5/5" in captured.err and "docs" in captured.err


# -- geocoding tables -------------------------------------------------------------------

def _events_csv(path: Path, n: int = 120) -> Path:
    places = [("Kepashiato", "Cusco"), ("Pichari", "Cusco"), ("Llochegua", "Ayacucho"),
              ("Nowhereville", "Junín"), ("Santa Rosa", "Ayacucho")]
    lines = ["id,lugar,departamento,fecha,notas"]
    for i in range(n):
        name, dep = places[i % len(places)]
        note = '"two lines,\nquoted"' if i % 11 == 0 else "plain"
        lines.append(f"{'' if i % 7 == 0 else f'E{i}'},{name},{dep},{1 + i % 28}/02/2014,{note}")
    lines.insert(30, "E-bad,Pichari,Cusco,01/02/2014,x,extra,fields")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_geocoding_in_chunks_matches_reading_the_file_whole(tmp_path, gaz):
    from geo.events import read_events

    path = _events_csv(tmp_path / "events.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = read_events(path, gaz=gaz)
        chunked = geocode_table(path, chunk_size=17, gaz=gaz, progress=False)
    assert len(chunked) == len(whole) == 121
    assert list(chunked["row"]) == list(range(1, 122))
    # rows without an id get their row number in the whole file, not in the chunk
    assert chunked.loc[chunked["row"] == 37, "event_id"].item() == "37"
    bad = chunked["row"] == 30
    assert chunked.loc[bad, "status"].item() == "invalid"
    assert "malformed" in chunked.loc[bad, "reason"].item() and chunked.loc[bad, "geometry"].isna().all()
    same = whole.drop(columns="reason"), chunked.drop(columns="reason")
    pd.testing.assert_frame_equal(*same)


# -- Dask --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.mark.slow
def test_dask_gives_the_same_mentions_as_one_process_and_loads_the_gazetteer_once_per_worker(
        tmp_path, gaz, dask_client):
    from geo.scale.dask_engine import worker_loads

    source = _write_sources(tmp_path, _eval_texts(300))["jsonl"]
    local = parse_documents(source, chunk_size=20, gaz=gaz, progress=False)
    on_dask = parse_documents(source, chunk_size=20, gaz=gaz, progress=False, engine="dask", scheduler=dask_client)
    assert len(local) > 3000
    _same_mentions(on_dask, local)
    loads = dask_client.run(worker_loads)
    assert len(loads) == 2 and all(list(per.values()) == [1] for per in loads.values())
    # workers write their own parts; the directory reads back the same
    parse_documents(source, chunk_size=20, gaz=gaz, progress=False, engine="dask", scheduler=dask_client,
                    out=tmp_path / "parts")
    _same_mentions(gpd.read_parquet(tmp_path / "parts"), local)
    assert len(list((tmp_path / "parts").glob("part-*.parquet"))) == 15


@pytest.mark.slow
def test_dask_geocodes_tables_like_one_process(tmp_path, gaz, dask_client):
    path = _events_csv(tmp_path / "events.csv", n=400)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = geocode_table(path, chunk_size=50, gaz=gaz, progress=False)
        on_dask = geocode_table(path, chunk_size=50, gaz=gaz, progress=False, engine="dask", scheduler=dask_client,
                                out=tmp_path / "events.parquet")
    assert on_dask.rows == len(local) == 401
    pd.testing.assert_frame_equal(gpd.read_parquet(tmp_path / "events.parquet"), local)


@pytest.mark.slow
@pytest.mark.shared_data
def test_dask_geopandas_partitions_are_attributed_like_one_process(gaz_pack, dask_client):
    import dask_geopandas
    import numpy as np

    from geo.events import attribute_points as attribute_local
    from geo.scale.dask_engine import attribute_points

    rng = np.random.default_rng(3)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(rng.uniform(-76, -72, 2000), rng.uniform(-14, -10, 2000)),
                              crs="EPSG:4326")
    points.loc[5, "geometry"] = None
    expected = attribute_local(points, gaz_pack)
    got = attribute_points(points, gaz_pack, client=dask_client, npartitions=4)
    pd.testing.assert_frame_equal(got.astype("string"), expected.astype("string"))
    assert got["admin3_code"].notna().sum() > 1900
    lazy = attribute_points(dask_geopandas.from_geopandas(points, npartitions=3), gaz_pack, client=dask_client)
    pd.testing.assert_frame_equal(lazy.compute().astype("string"), expected.astype("string"))


# -- command-line wiring ------------------------------------------------------------------

def test_batch_options_run_a_command_on_the_chosen_engine(tmp_path, sources, gaz):
    import click
    from click.testing import CliRunner

    from geo.scale.cli import batch_options, is_document_source, parse_batch, wants_batch

    @click.command()
    @click.argument("source")
    @click.option("-o", "--output", default=None)
    @batch_options
    def cmd(source, output, engine, scheduler, chunk_size):
        parse_batch(source, output=output, gaz=gaz, engine=engine, scheduler=scheduler, chunk_size=chunk_size)

    result = CliRunner().invoke(cmd, [str(sources["jsonl"]), "--chunk-size", "2"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["type"] == "FeatureCollection"
    assert "5 records in 3 chunks" in result.stderr
    result = CliRunner().invoke(cmd, [str(sources["jsonl"]), "-o", str(tmp_path / "parts")])
    assert result.exit_code == 0 and len(gpd.read_parquet(tmp_path / "parts"))
    result = CliRunner().invoke(cmd, [str(sources["jsonl"]), "--engine", "local", "--scheduler", "tcp://x:1"])
    assert isinstance(result.exception, InvalidInputError)
    assert is_document_source(sources["txt-dir"]) and is_document_source(sources["parquet"])
    assert not is_document_source(tmp_path / "report.txt")
    assert wants_batch("big.csv", tmp_path / "out") and wants_batch("big.csv", None, engine="dask")
    assert not wants_batch("small.csv", tmp_path / "events.gpkg")


@pytest.mark.slow
def test_a_gazetteer_without_a_cache_file_travels_to_the_workers_once(tmp_path, gaz, dask_client):
    from gazetteer import Gazetteer
    from geo.scale.dask_engine import share_gazetteer, worker_loads

    uncached = Gazetteer.load(data_dir=False, cache_dir=False)
    assert uncached.info()["cache"] is None
    ref = share_gazetteer(dask_client, uncached)
    assert ref.path is None
    source = _write_sources(tmp_path, _eval_texts(40))["jsonl"]
    on_dask = parse_documents(source, chunk_size=5, gaz=uncached, progress=False, engine="dask",
                              scheduler=dask_client)
    _same_mentions(on_dask, parse_documents(source, chunk_size=5, gaz=gaz, progress=False))
    assert [per.get(ref.key) for per in dask_client.run(worker_loads).values()] == [1, 1]
