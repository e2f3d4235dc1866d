"""The index is built once and cached on disk; a stale cache is rebuilt."""

import shutil
import time

from gazetteer import Gazetteer
from gazetteer.sources.curated import default_files, CuratedFiles


def test_second_load_comes_from_the_cache_and_is_fast(tmp_path):
    t0 = time.perf_counter()
    first = Gazetteer.load(data_dir=False, cache_dir=tmp_path)
    cold = time.perf_counter() - t0
    caches = list(tmp_path.glob("index-*.pickle"))
    assert len(caches) == 1
    t0 = time.perf_counter()
    second = Gazetteer.load(data_dir=False, cache_dir=tmp_path)
    warm = time.perf_counter() - t0
    assert len(second) == len(first)
    assert second.resolve("Kepashiato").best.place == first.resolve("Kepashiato").best.place
    assert warm < cold  # the pickle is read, not rebuilt
    assert second.info()["cache"] == str(caches[0])


def test_changing_a_source_file_rebuilds(tmp_path):
    files = default_files()
    copy = tmp_path / "places.csv"
    shutil.copy(files.places, copy)
    custom = CuratedFiles(places=copy, bases=files.bases, regions=files.regions,
                          region_districts=files.region_districts)
    cache = tmp_path / "cache"
    Gazetteer.load(data_dir=False, cache_dir=cache, files=custom)
    with open(copy, "a", encoding="utf-8") as fh:
        fh.write("cur:test-place,Zzyzx Test,populated_place,-12.5,-73.5,PE,,,,,,,,,,true,test entry\n")
    gaz = Gazetteer.load(data_dir=False, cache_dir=cache, files=custom)
    assert len(list(cache.glob("index-*.pickle"))) == 2
    assert gaz.resolve("Zzyzx Test").best.place.id == "cur:test-place"


def test_a_corrupt_cache_is_rebuilt(tmp_path):
    Gazetteer.load(data_dir=False, cache_dir=tmp_path)
    (path,) = tmp_path.glob("index-*.pickle")
    path.write_bytes(b"not a pickle")
    gaz = Gazetteer.load(data_dir=False, cache_dir=tmp_path)
    assert gaz.resolve("Pichari").status == "ok"


def test_cache_can_be_disabled(tmp_path):
    gaz = Gazetteer.load(data_dir=False, cache_dir=False)
    assert gaz.info()["cache"] is None
