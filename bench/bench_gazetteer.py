"""Gazetteer benchmarks: cold start, warm lookups per second, memory.

Each configuration runs in a fresh Python process so start-up and memory are
measured as a user meets them::

    python bench/bench_gazetteer.py [--data-dir ../shared/data]

Prints a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PACK = REPO.parent / "shared" / "data"

NAMES = ["Kepashiato", "Pichari", "Santa Rosa", "Sanabamba", "Huanta", "province of Huanta", "VRAEM",
         "the Apurímac-Ene valleys", "Unión Mantaro", "Cuzco", "Junin", "Quimbiri", "Llochegua",
         "Tingo María", "Bogotá", "Palmapampa", "Kepashaito", "río Apurímac", "Satipo", "Ayacucho"]

_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from gazetteer import Gazetteer
gaz = Gazetteer.load(data_dir=ARGS["data_dir"] or False, cache_dir=ARGS["cache_dir"])
gaz.resolve("Kepashiato")
start = time.perf_counter() - t0
rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
names = ARGS["names"]
contexts = [None, "Ayacucho", "La Mar", "Cusco"]
def rate(clear):
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 3:
        for name in names:
            for ctx in contexts:
                if clear:  # every call does the full lookup and scoring
                    gaz.cache_clear()
                gaz.resolve(name, context=ctx)
                n += 1
    return n / (time.perf_counter() - t0)
print(json.dumps({"start_s": start, "lookups_per_s": rate(True), "memo_lookups_per_s": rate(False), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_after_start_mb": rss_start, "places": len(gaz)}))
"""


def run(data_dir: str | None, cache_dir: str) -> dict:
    code = "ARGS = " + repr({"data_dir": data_dir, "cache_dir": cache_dir, "names": NAMES}) + "\n" + _CHILD
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(DEFAULT_PACK) if DEFAULT_PACK.exists() else None)
    args = parser.parse_args()
    configs = [("embedded", None)] + ([("with data pack", args.data_dir)] if args.data_dir else [])
    print("| configuration | index cache | start to first answer (s) | lookups/s (distinct) | lookups/s (repeated) "
          "| peak RSS (MB) | places |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, data_dir in configs:
        with tempfile.TemporaryDirectory() as cache:
            for state in ("cold (build)", "warm (on disk)"):
                r = run(data_dir, cache)
                print(f"| {label} | {state} | {r['start_s']:.2f} | {r['lookups_per_s']:,.0f} | {r['memo_lookups_per_s']:,.0f} | "
                      f"{r['rss_mb']:.0f} | {r['places']:,} |", flush=True)


if __name__ == "__main__":
    main()
