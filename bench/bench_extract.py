"""Benchmark: event extraction throughput on real 2 kB reports.

Not a test. Reads the MUC-3/4 messages (``../shared/data/news/muc3``), keeps those of
at least ``--chars`` characters, cut to that length (about 2 kB: a wire report), warms up on a few
of them (start-up excluded), then times, best of ``--repeat`` runs, on one
core (CPU seconds):

batch
    :func:`geo.parse.extract_reports` over all of them: one frame at the end;
one by one
    :func:`geo.parse.extract_events` per report: a frame per report.

    python bench/bench_extract.py                       # embedded gazetteer
    python bench/bench_extract.py --data-dir ../shared/data --reports 800
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MUC = ROOT.parent / "shared" / "data" / "news" / "muc3" / "muc3.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=None, help="Peru data pack (default: embedded gazetteer only)")
    ap.add_argument("--reports", type=int, default=800, help="how many reports (default 800)")
    ap.add_argument("--chars", type=int, default=2000, help="characters per report (default 2000)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if not MUC.is_file():
        print(f"{MUC} not found (clone the project beside ../shared)", file=sys.stderr)
        return 1
    from gazetteer import Gazetteer
    from geo.parse import extract_events, extract_reports

    gaz = Gazetteer.default(data_dir=args.data_dir if args.data_dir else False)
    reports = []
    with MUC.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["date"] and len(rec["text"]) >= args.chars:  # every report the same size
                reports.append({"id": rec["id"], "text": rec["text"][:args.chars], "published": rec["date"]})
    reports = reports[:args.reports]
    extract_reports(reports[:20], gaz=gaz)
    size = sum(len(r["text"].encode("utf-8")) for r in reports)

    def best(run) -> float:
        times = []
        for _ in range(args.repeat):
            start = time.process_time()
            run()
            times.append(time.process_time() - start)
        return min(times)

    batch = best(lambda: extract_reports(reports, gaz=gaz))
    single = best(lambda: [extract_events(r["text"], published=r["published"], gaz=gaz) for r in reports])
    print(f"{len(reports)} reports, {size / len(reports) / 1000:.1f} kB each; gazetteer: "
          f"{'data pack' if args.data_dir else 'embedded'}")
    print(f"batch (extract_reports):   {len(reports) / batch:7.0f} reports/s  {size / batch / 1e6:5.2f} MB/s (CPU)")
    print(f"one by one (extract_events): {len(reports) / single:5.0f} reports/s  {size / single / 1e6:5.2f} MB/s (CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
