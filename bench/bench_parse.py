"""Benchmark: geoparsing throughput with the Peru data pack loaded, and peak memory.

Not a test. Loads the gazetteer with the data pack and warms up the
automaton and the resolution memo on one report (start-up is excluded from
the timings), then times :func:`geo.parse.geoparse` on two kinds of text:

dense
    The gold corpus (eval/corpus, English and Spanish reports, HTML
    included) cycled to about ``--mb`` megabytes: about 15,000 place
    mentions per MB, far denser than real news, since every sentence of
    those reports names places. Timed as one long text and as the reports
    parsed one by one.
realistic
    The same reports, each followed by paragraphs of English prose with
    few place names (docstrings of Python's standard library, read from
    the running interpreter's own sources) until the text holds about
    ``--density`` mentions per MB (default 3,000: one place name every 50
    words or so, as in wire copy). Parsed document by document.

Each timing is the best of ``--repeat`` runs; MB/s is given per CPU second
(one process, one core) and per wall-clock second. Peak memory is the
process's peak resident set size, after start-up and at the end.

    python bench/bench_parse.py --data-dir ../shared/data --mb 4
    python bench/bench_parse.py --mb 4 --profile      # the 25 most expensive functions
"""

from __future__ import annotations

import argparse
import ast
import json
import resource
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _timed(run: Callable[[], int], repeat: int) -> tuple[int, float, float]:
    """(mentions, best CPU seconds, best wall seconds) over ``repeat`` runs."""
    best_cpu = best_wall = float("inf")
    n = 0
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        n = run()
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    return n, best_cpu, best_wall


def _report(label: str, size_mb: float, n: int, cpu: float, wall: float, docs: int | None = None) -> None:
    per = f", {docs / cpu:,.0f} reports/s" if docs else ""
    print(f"{label}: {size_mb:.2f} MB, {n:,} mentions ({n / size_mb:,.0f}/MB): "
          f"{size_mb / cpu:.2f} MB/s per CPU second ({cpu:.2f} s), {size_mb / wall:.2f} MB/s wall{per}")


def prose_paragraphs() -> Iterator[str]:
    """English paragraphs from the docstrings of the standard library, in a fixed order.

    Prose only: paragraphs of at least 25 words with no code (no ``>>>``,
    no indented or bulleted lines, no ``::`` blocks).
    """
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(stdlib.glob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            doc = ast.get_docstring(node)
            for para in (doc or "").split("\n\n"):
                lines = para.splitlines()
                if any(line[:1].isspace() or line.lstrip()[:1] in "-*>|+=" for line in lines) or "::" in para:
                    continue
                text = " ".join(line.strip() for line in lines)
                if len(text.split()) >= 25:
                    yield text


def realistic_documents(reports: list[str], *, density: float, dense_per_mb: float, mb: float) -> list[str]:
    """Reports diluted with prose until about ``density`` mentions per MB, about ``mb`` MB in all."""
    prose = prose_paragraphs()
    docs: list[str] = []
    size = 0
    factor = max(1.0, dense_per_mb / density)  # bytes of document per byte of report
    while size < mb * 1e6:
        for report in reports:
            target = len(report.encode("utf-8")) * factor
            parts = [report]
            length = len(parts[0].encode("utf-8"))
            while length < target:
                para = next(prose, None)
                if para is None:
                    prose = prose_paragraphs()
                    para = next(prose)
                parts.append(para)
                length += len(para.encode("utf-8")) + 2
            doc = "\n\n".join(parts)
            docs.append(doc)
            size += len(doc.encode("utf-8"))
            if size >= mb * 1e6:
                break
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"), help="data pack folder")
    ap.add_argument("--mb", type=float, default=4.0, help="size of the dense text to parse (MB of UTF-8)")
    ap.add_argument("--density", type=float, default=3000.0,
                    help="place mentions per MB of the realistic text (0: skip it)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is kept")
    ap.add_argument("--profile", action="store_true", help="profile one pass over the dense text instead")
    args = ap.parse_args(argv)

    from gazetteer import Gazetteer
    from geo.parse import geoparse
    from geo.parse.automaton import scanner_for

    reports = [json.loads(p.read_text(encoding="utf-8"))["text"]
               for p in sorted((ROOT / "eval" / "corpus").glob("*.json"))]
    unit = "\n\n".join(reports) + "\n\n"
    copies = max(1, round(args.mb * 1e6 / len(unit.encode("utf-8"))))
    text = unit * copies
    size_mb = len(text.encode("utf-8")) / 1e6

    t0 = time.perf_counter()
    gaz = Gazetteer.default(data_dir=args.data_dir)
    scanner_for(gaz)
    list(geoparse(reports[0], gaz=gaz))
    startup = time.perf_counter() - t0
    loaded = _peak_mb()
    print(f"start-up (gazetteer with data pack + automaton): {startup:.1f} s; peak RSS {loaded:.0f} MB")
    print(f"gazetteer: {gaz}")

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        sum(1 for _ in geoparse(text, gaz=gaz))
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return 0

    n, cpu, wall = _timed(lambda: sum(1 for _ in geoparse(text, gaz=gaz)), args.repeat)
    _report("dense, one text", size_mb, n, cpu, wall)
    dense_per_mb = n / size_mb
    docs = reports * max(1, copies)
    docs_mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    n, cpu, wall = _timed(lambda: sum(1 for d in docs for _ in geoparse(d, gaz=gaz)), args.repeat)
    _report(f"dense, {len(docs):,} reports one by one", docs_mb, n, cpu, wall, len(docs))
    if args.density > 0:
        real = realistic_documents(reports, density=args.density, dense_per_mb=dense_per_mb, mb=args.mb)
        real_mb = sum(len(d.encode("utf-8")) for d in real) / 1e6
        n, cpu, wall = _timed(lambda: sum(1 for d in real for _ in geoparse(d, gaz=gaz)), args.repeat)
        _report(f"realistic, {len(real):,} reports with prose one by one", real_mb, n, cpu, wall, len(real))
    print(f"peak RSS: {_peak_mb():.0f} MB, {_peak_mb() - loaded:.0f} MB above the loaded gazetteer "
          f"(one process, one core; the texts are held in memory too)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
