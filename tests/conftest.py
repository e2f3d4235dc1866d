"""Fixtures shared by every test.

``../shared/data`` (beside the repository) holds the Peru data pack used by
tests that need INEI's places or the district polygons; those tests skip with
a clear message when it is missing. The index cache goes to a temporary
folder so tests never read or write the user's cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def _isolated_caches(tmp_path_factory):
    """Keep the index cache out of the user's cache and ignore a user's GEO_DATA_DIR."""
    cache = tmp_path_factory.mktemp("geo-cache")
    saved = {k: os.environ.get(k) for k in ("GEO_CACHE_DIR", "GEO_DATA_DIR")}
    os.environ["GEO_CACHE_DIR"] = str(cache)
    os.environ.pop("GEO_DATA_DIR", None)
    yield cache
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data folder (a complete data pack), or skip."""
    if not (SHARED_DATA / "peru" / "boundaries" / "districts.geojson").is_file():
        pytest.skip(f"reference data not found at {SHARED_DATA} (clone the project beside ../shared)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def gaz(_isolated_caches):
    """The embedded default gazetteer: curated + GeoNames, no data pack."""
    from gazetteer import Gazetteer

    return Gazetteer.load(data_dir=False, cache_dir=_isolated_caches)


@pytest.fixture(scope="session")
def gaz_pack(shared_data, _isolated_caches):
    """The gazetteer with the Peru data pack from ../shared/data."""
    from gazetteer import Gazetteer

    return Gazetteer.load(data_dir=shared_data, cache_dir=_isolated_caches)
