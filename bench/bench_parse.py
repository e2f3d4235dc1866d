"""Benchmark: geoparsing throughput with the Peru data pack loaded, and peak memory.

Not a test. Builds a text of about ``--mb`` megabytes from the gold corpus
(eval/corpus, English and Spanish reports, HTML included, cycled), loads the
gazetteer with the data pack and warms up the automaton (start-up is excluded
from the timing), then times :func:`geo.parse.geoparse` over the whole text and
over each report as its own document. Prints MB/s and the peak resident set
size of the process.

    python bench/bench_parse.py --data-dir ../shared/data --mb 4
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"), help="data pack folder")
    ap.add_argument("--mb", type=float, default=4.0, help="size of the text to parse (MB of UTF-8)")
    ap.add_argument("--profile", action="store_true", help="print the 25 most expensive functions")
    args = ap.parse_args(argv)

    from gazetteer import Gazetteer
    from geo.parse import geoparse
    from geo.parse.automaton import scanner_for

    reports = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((ROOT / "eval" / "corpus").glob("*.json"))]
    unit = "\n\n".join(reports) + "\n\n"
    copies = max(1, int(args.mb * 1e6 / len(unit.encode("utf-8"))))
    text = unit * copies
    size_mb = len(text.encode("utf-8")) / 1e6

    t0 = time.perf_counter()
    gaz = Gazetteer.default(data_dir=args.data_dir)
    scanner_for(gaz)
    list(geoparse(reports[0], gazetteer=gaz))
    startup = time.perf_counter() - t0
    print(f"start-up (gazetteer with data pack + automaton): {startup:.1f} s; peak RSS {_peak_mb():.0f} MB")
    print(f"gazetteer: {gaz}")

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
    t0 = time.perf_counter()
    n = sum(1 for _ in geoparse(text, gazetteer=gaz))
    whole = time.perf_counter() - t0
    docs = reports * max(1, copies // 4)
    t0 = time.perf_counter()
    m = sum(1 for doc in docs for _ in geoparse(doc, gazetteer=gaz))
    per_doc = time.perf_counter() - t0
    docs_mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    if args.profile:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    print(f"one {size_mb:.1f} MB text: {n} mentions in {whole:.2f} s = {size_mb / whole:.2f} MB/s")
    print(f"{len(docs)} reports as documents ({docs_mb:.2f} MB): {m} mentions in {per_doc:.2f} s = "
          f"{docs_mb / per_doc:.2f} MB/s ({len(docs) / per_doc:.0f} reports/s)")
    print(f"peak RSS: {_peak_mb():.0f} MB (one process, one core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
