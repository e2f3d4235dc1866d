"""Benchmark: geocode 1,000,000 event rows that repeat a few thousand place names.

Prints a table of rows, distinct (name, context) pairs, seconds and peak
memory (traced Python allocations and the process's maximum resident size)::

    python bench/bench_geocode.py [--rows 1000000] [--distinct 3000] [--data-dir ../shared/data | --no-datapack]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gazetteer import Gazetteer  # noqa: E402

from geo.events import geocode_events  # noqa: E402


def make_rows(gaz: Gazetteer, rows: int, distinct: int, seed: int = 0) -> pd.DataFrame:
    """Rows naming real Peruvian places with their department, drawn with repetition."""
    places = gaz.places(kinds=["populated_place"])
    places = places[(places["country"] == "PE") & places["admin1"].notna()]
    pool = places.sample(n=min(distinct, len(places)), random_state=seed)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(pool), rows)
    dates = pd.Timestamp("2008-01-01") + pd.to_timedelta(rng.integers(0, 5800, rows), unit="D")
    return pd.DataFrame({
        "event_date": dates.strftime("%Y-%m-%d"),
        "location": pool["name"].to_numpy()[pick],
        "admin1": pool["admin1"].to_numpy()[pick],
        "fatalities": rng.integers(0, 5, rows).astype(str),
    })


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=3000)
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--no-datapack", action="store_true")
    args = parser.parse_args(argv)
    gaz = Gazetteer.default(data_dir=False if args.no_datapack else args.data_dir)
    frame = make_rows(gaz, args.rows, args.distinct)
    geocode_events(frame.head(1000), gaz=gaz)  # warm-up: district polygons, caches
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        events = geocode_events(frame, gaz=gaz, label="bench")
        seconds = time.perf_counter() - start
        tracemalloc.start()  # a second run for memory: tracing slows allocation-heavy code down
        geocode_events(frame, gaz=gaz, label="bench")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    pairs = frame.groupby(["location", "admin1"]).ngroups
    located = events["status"].isin(["ok", "ambiguous"]).mean()
    print(f"{'rows':>10} {'distinct':>9} {'data pack':>9} {'seconds':>8} {'rows/s':>10} "
          f"{'located':>8} {'traced MB':>10} {'max RSS MB':>11}")
    print(f"{len(frame):>10,} {pairs:>9,} {str(gaz.has_datapack):>9} {seconds:>8.1f} {len(frame) / seconds:>10,.0f} "
          f"{located:>8.1%} {peak / 2**20:>10.0f} {rss:>11.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
