"""The data pack download path: ``gazetteer.fetch`` and ``geo data``.

Downloads come from a local HTTP server (``http.server`` in a thread) that
serves copies of the originals in ``../shared/data/peru`` under the registry's
paths; no test touches the internet. The converted pack is compared with the
reference pack in ``../shared/data`` (conftest's ``shared_data`` fixture).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from gazetteer.errors import DownloadError, HashMismatchError, InvalidInputError
from gazetteer.fetch import MANIFEST, TARGETS, default_data_dir, fetch, find_data_dir, info, load_registry
from gazetteer.sources import datapack
from geo.cli.data import data

CODES = {"departments": "COD_DEPARTAMENTO", "provinces": "COD_PROVINCIA", "districts": "COD_DISTRITO"}


@contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1; ``.requests`` lists the paths asked for."""
    requests: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    no_proxy = os.environ.get("NO_PROXY")
    os.environ["NO_PROXY"] = "127.0.0.1"  # a user's http_proxy must not see the test server
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", requests=requests, folder=folder)
    finally:
        server.shutdown()
        server.server_close()
        if no_proxy is None:
            os.environ.pop("NO_PROXY", None)
        else:
            os.environ["NO_PROXY"] = no_proxy


def make_mirror(folder: Path, source: Path) -> Path:
    """A mirror of every registry file, as links to the reference originals."""
    for name in load_registry():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(source / name)
    return folder


def all_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def assert_same_pack_file(name: str, got: Path, want: Path) -> None:
    """Same rows, columns and codes; geometries equal within 1e-6 degrees."""
    if name.endswith(".csv"):
        pd.testing.assert_frame_equal(pd.read_csv(got / name, dtype=str), pd.read_csv(want / name, dtype=str))
        return
    a, b = gpd.read_file(got / name), gpd.read_file(want / name)
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    code = CODES[Path(name).stem]
    assert a[code].tolist() == b[code].tolist()
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert a.crs.equals(b.crs)
    assert shapely.equals_exact(a.geometry.values, b.geometry.values, tolerance=1e-6).all()


@pytest.fixture(scope="module")
def reference(shared_data) -> Path:
    """../shared/data (conftest's fixture), which must hold the upstream originals too."""
    if not (shared_data / "peru" / "upstream").is_dir():
        pytest.skip(f"{shared_data / 'peru' / 'upstream'} is missing: the .rda/.rds originals are needed")
    return shared_data


@pytest.fixture(scope="module")
def fetched(reference, tmp_path_factory):
    """One full fetch + conversion from the local mirror (about 15 s, mostly the .rds)."""
    mirror = make_mirror(tmp_path_factory.mktemp("mirror"), reference)
    dest = tmp_path_factory.mktemp("pack")
    with serve(mirror) as server:
        start = time.perf_counter()
        path = fetch(dest, base_url=server.url, progress=False, retries=0)
        seconds = time.perf_counter() - start
    return SimpleNamespace(path=path, requests=list(server.requests), seconds=seconds)


@pytest.fixture
def mirror(reference, tmp_path):
    with serve(make_mirror(tmp_path / "mirror", reference)) as server:
        yield server


@pytest.fixture
def pack_copy(fetched, tmp_path) -> Path:
    return Path(shutil.copytree(fetched.path, tmp_path / "pack"))


# -- registry and locations (no reference data needed) -------------------------

def test_registry_pins_every_download_to_a_commit():
    registry = load_registry()
    assert set(registry) == set(TARGETS.values())
    for entry in registry.values():
        assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256)
        assert re.match(r"https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/", entry.url), entry.url


def test_the_fetcher_builds_exactly_the_files_the_loader_reads():
    assert set(TARGETS) == set(datapack.REQUIRED)


def touch_pack(folder: Path) -> Path:
    for name in datapack.REQUIRED:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x")
    return folder


def test_data_dir_is_geo_data_dir_else_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GEO_DATA_DIR", raising=False)
    assert default_data_dir() == tmp_path / "cache" / "geo-insurgency" / "datapack"
    assert find_data_dir() is None

    touch_pack(default_data_dir())
    assert find_data_dir() == default_data_dir()

    monkeypatch.setenv("GEO_DATA_DIR", str(touch_pack(tmp_path / "elsewhere")))
    assert default_data_dir() == tmp_path / "elsewhere"
    assert find_data_dir() == (tmp_path / "elsewhere").resolve()


def test_an_incomplete_geo_data_dir_is_ignored_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path / "empty"))
    with pytest.warns(UserWarning, match=r"GEO_DATA_DIR=.*empty.*missing peru/places/centros_poblados\.csv"):
        assert find_data_dir() is None


def test_a_mirror_must_be_an_http_url(tmp_path):
    with pytest.raises(InvalidInputError, match="base_url must start with http"):
        fetch(tmp_path, base_url="file:///work/shared/data", progress=False)


def test_cli_reports_a_404_in_one_line_with_the_url(tmp_path):
    (tmp_path / "empty").mkdir()
    with serve(tmp_path / "empty") as server:
        result = CliRunner().invoke(data, ["fetch", "--dest", str(tmp_path / "pack"), "--mirror", server.url, "-q"])
    assert result.exit_code == 1
    message = result.output.strip()
    assert "\n" not in message
    assert f"{server.url}/peru/places/ubigeo_departamento.csv" in message and "HTTP 404" in message
    assert not (tmp_path / "pack").exists() or all_files(tmp_path / "pack") == set()


def test_cli_path_fails_clearly_without_a_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GEO_DATA_DIR", raising=False)
    result = CliRunner().invoke(data, ["path"])
    assert result.exit_code == 1
    assert "no data pack found; `geo data fetch` builds one in" in result.output


# -- download and conversion against the local mirror --------------------------

@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fetched_pack_equals_the_reference_pack(fetched, reference, name):
    assert_same_pack_file(name, fetched.path, reference)


@pytest.mark.shared_data
def test_fetch_downloads_each_file_once(fetched):
    assert sorted(fetched.requests) == sorted(f"/{name}" for name in load_registry())


@pytest.mark.shared_data
def test_second_fetch_downloads_and_rewrites_nothing(fetched, mirror):
    before = {name: (fetched.path / name).stat().st_mtime_ns for name in TARGETS}
    assert fetch(fetched.path, base_url=mirror.url, progress=False) == fetched.path
    assert mirror.requests == []
    assert {name: (fetched.path / name).stat().st_mtime_ns for name in TARGETS} == before


@pytest.mark.shared_data
def test_tampered_download_raises_and_leaves_no_file(mirror, tmp_path):
    tampered = mirror.folder / "peru/places/ubigeo_provincia.csv"
    text = tampered.read_text(encoding="utf-8").replace("HUANTA", "HUANTA ")
    tampered.unlink()
    tampered.write_text(text, encoding="utf-8")
    with pytest.raises(HashMismatchError, match=r"ubigeo_provincia\.csv has SHA-256 [0-9a-f]{64}, not 832eab7c") as err:
        fetch(tmp_path / "pack", base_url=mirror.url, progress=False, retries=0)
    assert "\n" not in str(err.value)
    # Only the file fetched before the tampered one is there: no partial or temporary file.
    assert all_files(tmp_path / "pack") == {"peru/places/ubigeo_departamento.csv"}


@pytest.mark.shared_data
def test_rerun_after_a_failure_fetches_only_what_is_missing(pack_copy, mirror, reference):
    for name in ("peru/boundaries/departments.geojson", "peru/boundaries/districts.geojson",
                 "peru/upstream/map_DIST.rda", MANIFEST):
        (pack_copy / name).unlink()
    kept = (mirror.folder / "peru/upstream/map_DIST.rda").readlink()
    (mirror.folder / "peru/upstream/map_DIST.rda").unlink()

    with pytest.raises(DownloadError, match=re.escape(f"{mirror.url}/peru/upstream/map_DIST.rda") + ": HTTP 404"):
        fetch(pack_copy, base_url=mirror.url, progress=False, retries=0)
    # departments.geojson was rebuilt from the kept map_DEP.rda without a download.
    assert mirror.requests == ["/peru/upstream/map_DIST.rda"]
    assert (pack_copy / "peru/boundaries/departments.geojson").is_file()
    # No partial or temporary file: everything but the two missing files is in place.
    assert all_files(pack_copy) == (set(TARGETS) | set(load_registry())) - {
        "peru/boundaries/districts.geojson", "peru/upstream/map_DIST.rda"}

    (mirror.folder / "peru/upstream/map_DIST.rda").symlink_to(kept)
    mirror.requests.clear()
    fetch(pack_copy, base_url=mirror.url, progress=False, retries=0)
    assert mirror.requests == ["/peru/upstream/map_DIST.rda"]
    assert_same_pack_file("peru/boundaries/districts.geojson", pack_copy, reference)


@pytest.mark.shared_data
def test_cli_fetch_into_dest_prints_the_folder(pack_copy, mirror, reference):
    (pack_copy / "peru/places/ubigeo_distrito.csv").unlink()
    result = CliRunner().invoke(data, ["fetch", "--dest", str(pack_copy), "--mirror", mirror.url, "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{pack_copy.resolve()}\n"
    assert mirror.requests == ["/peru/places/ubigeo_distrito.csv"]
    assert_same_pack_file("peru/places/ubigeo_distrito.csv", pack_copy, reference)


@pytest.mark.shared_data
@pytest.mark.slow
def test_force_rebuilds_every_file_without_downloading_intact_originals(pack_copy, mirror, reference):
    (pack_copy / "peru/boundaries/departments.geojson").write_text("{}")
    fetch(pack_copy, base_url=mirror.url, force=True, progress=False)
    assert mirror.requests == []
    assert_same_pack_file("peru/boundaries/departments.geojson", pack_copy, reference)


# -- geo data info / path -------------------------------------------------------

@pytest.mark.shared_data
def test_info_checks_every_hash(pack_copy):
    with open(pack_copy / "peru/places/centros_poblados.csv", "a", encoding="utf-8") as f:
        f.write("9999999999,999999,X,X,X,X,Rural,0,0\n")
    (pack_copy / "peru/upstream/map_PROV.rda").unlink()
    report = info(pack_copy)
    status = {f["name"]: f["status"] for f in report["files"]}
    assert status["peru/places/centros_poblados.csv"] == "modified"
    assert status["peru/upstream/map_PROV.rda"] == "missing"
    assert status["peru/boundaries/districts.geojson"] == "ok"
    assert report["complete"] and not report["verified"]
    records = {f["name"]: f.get("records") for f in report["files"]}
    assert records["peru/boundaries/districts.geojson"] == 1891
    assert records["peru/places/centros_poblados.csv"] == 94922 + 1


@pytest.mark.shared_data
def test_cli_info_and_path_describe_the_pack_in_geo_data_dir(fetched, monkeypatch):
    monkeypatch.setenv("GEO_DATA_DIR", str(fetched.path))
    runner = CliRunner()
    assert runner.invoke(data, ["path"]).stdout == f"{fetched.path}\n"
    result = runner.invoke(data, ["info", "--no-gazetteer"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["data_dir"] == str(fetched.path)
    assert report["complete"] and report["verified"]
    assert {f["name"] for f in report["files"]} == set(TARGETS) | set(load_registry())


@pytest.mark.shared_data
def test_info_on_the_reference_pack_marks_converted_files_unverified(reference):
    status = {f["name"]: f["status"] for f in info(reference)["files"]}
    assert status["peru/places/ubigeo_distrito.csv"] == "ok"
    assert status["peru/upstream/ubigeo_ccpp.rds"] == "ok"
    assert status["peru/boundaries/districts.geojson"] == "unverified"


@pytest.mark.shared_data
def test_a_conversion_that_fails_halfway_leaves_no_file(pack_copy, mirror, monkeypatch):
    (pack_copy / "peru/boundaries/departments.geojson").unlink()

    def write_half_then_fail(self, path, **kwargs):
        Path(path).write_text('{"type": "FeatureCollection", "feat')
        raise OSError("No space left on device")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", write_half_then_fail)
    with pytest.raises(OSError, match="No space left"):
        fetch(pack_copy, base_url=mirror.url, progress=False)
    assert all_files(pack_copy) == (set(TARGETS) | set(load_registry()) | {MANIFEST}) - {
        "peru/boundaries/departments.geojson"}
