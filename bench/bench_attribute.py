"""Benchmark: attribute 1,000,000 points to Peru's 1,891 districts.

Compares :func:`geo.events.geocode.district_index` (an STRtree over the
points queried with each prepared district polygon) with geopandas' ``sjoin``
(a tree over the districts queried with each point), and prints seconds,
agreement and peak memory::

    python bench/bench_attribute.py [--points 1000000] [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gazetteer import Gazetteer  # noqa: E402

from geo.events.geocode import district_index  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--skip-sjoin", action="store_true")
    args = parser.parse_args(argv)
    gaz = Gazetteer.default(data_dir=args.data_dir)
    districts = gaz.boundaries("district")
    district_index(np.array([-74.0]), np.array([-12.5]), gaz)  # read the polygons once, outside the timing
    rng = np.random.default_rng(0)
    west, south, east, north = districts.total_bounds
    lon = rng.uniform(west, east, args.points)
    lat = rng.uniform(south, north, args.points)
    print(f"{'method':<32} {'points':>10} {'seconds':>8} {'in a district':>14} {'traced MB':>10}")
    start = time.perf_counter()
    idx = district_index(lon, lat, gaz)
    seconds = time.perf_counter() - start
    tracemalloc.start()  # a second run for memory: tracing slows allocation-heavy code down
    district_index(lon, lat, gaz)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'district_index (points tree)':<32} {args.points:>10,} {seconds:>8.2f} {(idx >= 0).mean():>14.1%} "
          f"{peak / 2**20:>10.0f}")
    if not args.skip_sjoin:
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
        start = time.perf_counter()
        joined = gpd.sjoin(points, districts[["code", "geometry"]], how="left", predicate="within")
        seconds = time.perf_counter() - start
        tracemalloc.start()
        gpd.sjoin(points, districts[["code", "geometry"]], how="left", predicate="within")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        joined = joined[~joined.index.duplicated()]
        codes = districts["code"].to_numpy()
        same = (np.where(idx >= 0, codes[np.maximum(idx, 0)], None) == joined["code"].to_numpy(dtype=object))
        agree = (same | ((idx < 0) & joined["code"].isna().to_numpy())).mean()
        print(f"{'geopandas sjoin (within)':<32} {args.points:>10,} {seconds:>8.2f} "
              f"{joined['code'].notna().mean():>14.1%} {peak / 2**20:>10.0f}   agreement {agree:.4%}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of the process: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
