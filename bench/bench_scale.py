"""Benchmarks of the batch paths: parsing, geocoding and attributing at scale, on one core and on Dask.

Each subcommand measures one thing in this (fresh) process and prints one
JSON object on stdout's last line; ``bench/run_all.py`` runs them one by one
so that peak memory belongs to one measurement. Inputs are generated into
``bench/out/`` (git-ignored) and reused::

    python bench/bench_scale.py parse --engine local --budget 120
    python bench/bench_scale.py parse --engine dask --chunks 12
    python bench/bench_scale.py naive --mb 5
    python bench/bench_scale.py geocode --method events         # 1,000,000 rows in memory
    python bench/bench_scale.py geocode --method stream --engine dask
    python bench/bench_scale.py geopy --rows 50000              # geopandas.tools.geocode vs batch
    python bench/bench_scale.py attribute --method project      # 1,000,000 points -> districts
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "out"
DATA = REPO.parent / "shared" / "data"
#: Places events are drawn from, and the share of rows naming no known place.
VRAEM_DEPARTMENTS = ("Ayacucho", "Cusco", "Junín", "Huancavelica", "Apurímac")
UNKNOWN_SHARE = 0.02


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MB (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def gazetteer(data_dir: str | None):
    from gazetteer import Gazetteer

    return Gazetteer.default(data_dir=data_dir or False)


@contextlib.contextmanager
def profiled(enabled: bool, result: dict):
    """With ``enabled``, put the 15 functions with the most own time into ``result["profile"]``."""
    if not enabled:
        yield
        return
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    try:
        yield
    finally:
        prof.disable()
        stats = pstats.Stats(prof).stats
        result["profile_total_s"] = round(sum(v[2] for v in stats.values()), 2)

        def rows(items):
            return [[f"{Path(f).name}:{line}({fn})", round(tt, 3), round(ct, 3)]
                    for (f, line, fn), (_cc, _nc, tt, ct, _callers) in items[:15]]

        result["profile"] = rows(sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True))
        # The project's own functions by cumulative time: which stage of the pipeline costs what.
        ours = [kv for kv in stats.items() if any(f"/{pkg}/" in kv[0][0] for pkg in ("geo", "gazetteer"))]
        result["profile_stages"] = rows(sorted(ours, key=lambda kv: kv[1][3], reverse=True))


def emit(result: dict) -> None:
    result["peak_rss_mb"] = round(peak_mb(), 1)
    print(json.dumps(result))


# -- parsing ------------------------------------------------------------------

def parse(args) -> None:
    """Steady-state geoparsing of the corpus: local (time-boxed) or Dask on the same chunks."""
    from geo.parse import parse_text
    from geo.scale import empty_mentions
    from geo.scale.jobs import parse_chunk
    from geo.scale.sources import Plan, plan_source

    gaz = gazetteer(args.data_dir)
    plan = plan_source(args.corpus, chunk_size=args.chunk_size)
    if args.engine == "local":
        parse_text("Rebels attacked the Kepashiato base in Cusco.", gaz=gaz)  # builds the automaton
        result: dict = {"engine": "local", "workers": 1}
        t0 = time.perf_counter()
        done = docs = mentions = 0
        nbytes = 0
        with profiled(args.profile, result):
            for chunk in plan:
                frame = parse_chunk(chunk, gaz)
                done, docs, mentions = done + 1, docs + chunk.count, mentions + len(frame)
                nbytes += _chunk_bytes(chunk)
                if args.chunks and done >= args.chunks or time.perf_counter() - t0 > args.budget:
                    break
        result.update(chunks=done, of_chunks=len(plan), docs=docs, mb=nbytes / 1e6,
                      seconds=time.perf_counter() - t0, mentions=mentions)
        emit(result)
        return
    chunks = plan.chunks[:args.chunks] if args.chunks else plan.chunks
    sub = Plan(plan.kind, plan.path, chunks)
    out = OUT / "tmp-parse-dask"
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from geo.scale.dask_engine import connect, run_dask

        with connect(None) as client:
            started = time.perf_counter() - t0
            summary = run_dask(sub, job="parse", gaz=gaz, options={"geometry": "point"}, scheduler=client,
                               out=out, overwrite=True, progress=False, empty=empty_mentions)
    total = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    nbytes = sum(_chunk_bytes(c) for c in chunks)
    emit({"engine": "dask", "workers": _cores(), "chunks": len(chunks), "of_chunks": len(plan),
          "docs": summary.records, "mb": nbytes / 1e6, "seconds": summary.seconds, "cluster_start_s": started,
          "total_s": total, "mentions": summary.rows,
          "worker_peak_rss_mb": round(peak_mb(resource.RUSAGE_CHILDREN), 1)})


def _chunk_bytes(chunk) -> int:
    return chunk.stop - chunk.start  # JSON lines: the bytes of the chunk's records


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def naive(args) -> None:
    """The evaluation's naive baseline (exact GeoNames names, most populous wins) over the same text."""
    sys.path.insert(0, str(REPO / "eval"))
    from score import Baseline

    from geo.scale.sources import plan_source, read_documents

    t0 = time.perf_counter()
    baseline = Baseline()
    start = time.perf_counter() - t0
    plan = plan_source(args.corpus, chunk_size=args.chunk_size)
    t0 = time.perf_counter()
    docs = mentions = nbytes = 0
    for chunk in plan.chunks[:args.chunks] if args.chunks else plan.chunks:
        for doc in read_documents(chunk):
            mentions += len(baseline.mentions({"text": doc.text}))
            docs += 1
        nbytes += _chunk_bytes(chunk)
    emit({"engine": "naive", "docs": docs, "mb": nbytes / 1e6, "seconds": time.perf_counter() - t0,
          "mentions": mentions, "start_s": start})


# -- geocoding ----------------------------------------------------------------

def events_csv(rows: int, data_dir: str | None, seed: int = 6) -> Path:
    """A CSV of ``rows`` events naming a few thousand VRAEM places again and again (cached)."""
    path = OUT / f"events-{rows}-{seed}.csv"
    if path.exists():
        return path
    gaz = gazetteer(data_dir)
    places = gaz.places(kinds=["populated_place", "capital", "district"])
    places = places[places["country"].eq("PE") & places["admin1"].isin(VRAEM_DEPARTMENTS)]
    rng = np.random.default_rng(seed)
    pool = places.sample(n=min(3000, len(places)), random_state=seed)
    pick = rng.integers(0, len(pool), rows)
    location = pool["name"].to_numpy(dtype=object)[pick]
    unknown = rng.random(rows) < UNKNOWN_SHARE
    location[unknown] = np.char.add("Lugar Desconocido ", (pick[unknown] % 97).astype(str)).astype(object)
    dates = pd.Timestamp("2008-01-01") + pd.to_timedelta(rng.integers(0, 6000, rows), unit="D")
    frame = pd.DataFrame({
        "id": np.char.add("EV", np.arange(rows).astype(str)),
        "fecha": dates.strftime("%d/%m/%Y"),
        "lugar": location,
        "provincia": pool["admin2"].to_numpy(dtype=object)[pick],
        "departamento": pool["admin1"].to_numpy(dtype=object)[pick],
        "tipo": rng.choice(["Battles", "Violence against civilians", "Explosions/Remote violence"], rows),
        "muertos": rng.integers(0, 5, rows),
    })
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    frame.to_csv(tmp, index=False)
    tmp.rename(path)
    return path


def geocode(args) -> None:
    """Geocode the events CSV: in memory with geo.events, or streamed with geo.scale (local or Dask)."""
    path = events_csv(args.rows, args.data_dir)
    gaz = gazetteer(args.data_dir)
    result = {"method": args.method, "rows": args.rows}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.method == "events":
            from geo.events import geocode_events

            t0 = time.perf_counter()
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            result["read_s"] = time.perf_counter() - t0
            geocode_events(frame.head(1000), gaz=gaz)  # district polygons read once, outside the timing
            t0 = time.perf_counter()
            with profiled(args.profile, result):
                out = geocode_events(frame, gaz=gaz)
            result["seconds"] = time.perf_counter() - t0
            result["distinct_places"] = int(frame[["lugar", "provincia", "departamento"]].drop_duplicates().shape[0])
        else:
            from geo.scale import geocode_table

            target = OUT / "tmp-geocode"
            shutil.rmtree(target, ignore_errors=True)
            t0 = time.perf_counter()
            summary = geocode_table(path, engine=args.engine, chunk_size=args.chunk_size, gaz=gaz, out=target,
                                    overwrite=True, progress=False)
            result.update(engine=args.engine, seconds=time.perf_counter() - t0, chunks=summary.chunks,
                          worker_peak_rss_mb=round(peak_mb(resource.RUSAGE_CHILDREN), 1))
            out = pd.concat([pd.read_parquet(p, columns=["status"]) for p in sorted(target.glob("part-*.parquet"))])
            shutil.rmtree(target, ignore_errors=True)
    result["statuses"] = {str(k): int(v) for k, v in out["status"].value_counts().items()}
    emit(result)


def geopy(args) -> None:
    """geopandas.tools.geocode with the project's geopy provider, against the project's batch geocoders."""
    import geopandas

    from gazetteer.geocoder import OfflineGeocoder
    from geo.events import geocode_events

    path = events_csv(1_000_000, args.data_dir)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=args.rows)
    names = frame["lugar"].tolist()
    gaz = gazetteer(args.data_dir)
    gaz.resolve("Kepashiato")
    timings = {}
    t0 = time.perf_counter()
    geopandas.tools.geocode(names, provider=OfflineGeocoder, gazetteer=gaz)
    timings["geopandas.tools.geocode"] = time.perf_counter() - t0
    gaz.cache_clear()
    t0 = time.perf_counter()
    gaz.resolve_many(names)
    timings["Gazetteer.resolve_many"] = time.perf_counter() - t0
    gaz.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        geocode_events(frame[["lugar"]], gaz=gaz)
        timings["geo.events.geocode_events"] = time.perf_counter() - t0
    emit({"rows": args.rows, "distinct": len(set(names)), "seconds": timings})


# -- attributing points -----------------------------------------------------------

def attribute(args) -> None:
    """1,000,000 points to the 1,891 districts: the project's join, geopandas.sjoin, dask-geopandas."""
    import geopandas as gpd

    gaz = gazetteer(args.data_dir or str(DATA))
    points = random_points(gaz, args.points)
    result = {"method": args.method, "points": args.points}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.method == "project":
            from geo.events import attribute_points

            attribute_points(points.head(10), gaz)  # read the polygons once, outside the timing
            t0 = time.perf_counter()
            with profiled(args.profile, result):
                admin = attribute_points(points, gaz)
            result["seconds"] = time.perf_counter() - t0
        elif args.method == "geopandas":
            districts = gaz.boundaries("district")[["admin3_code", "geometry"]]
            t0 = time.perf_counter()
            joined = gpd.sjoin(points, districts, how="left", predicate="within")
            admin = joined[~joined.index.duplicated()]
            result["seconds"] = time.perf_counter() - t0
        else:
            import dask_geopandas

            from geo.scale.dask_engine import attribute_points, connect

            parts = points_parquet(points, _cores() * 2)
            with connect(None) as client:
                t0 = time.perf_counter()
                admin = attribute_points(points, gaz, client=client)
                result["seconds_from_memory"] = time.perf_counter() - t0
                target = OUT / "tmp-admin"
                shutil.rmtree(target, ignore_errors=True)
                t0 = time.perf_counter()
                lazy = attribute_points(dask_geopandas.read_parquet(parts), gaz, client=client)
                lazy.to_parquet(target)
                result["seconds"] = time.perf_counter() - t0
                shutil.rmtree(target, ignore_errors=True)
            result["worker_peak_rss_mb"] = round(peak_mb(resource.RUSAGE_CHILDREN), 1)
    result["in_a_district"] = int(admin["admin3_code"].notna().sum())
    emit(result)


def points_parquet(points, nparts: int) -> Path:
    """The points as GeoParquet parts that workers read themselves (cached)."""
    folder = OUT / f"points-{len(points)}-{nparts}"
    if not folder.exists():
        tmp = folder.with_name(folder.name + ".partial")
        tmp.mkdir(parents=True, exist_ok=True)
        for i, part in enumerate(np.array_split(np.arange(len(points)), nparts)):
            points.iloc[part].to_parquet(tmp / f"part-{i:05d}.parquet")
        tmp.rename(folder)
    return folder


def random_points(gaz, n: int, seed: int = 7):
    """``n`` points scattered around Peru's populated places (so nearly all fall inside a district)."""
    import geopandas as gpd

    places = gaz.places(kinds=["populated_place"])
    places = places[places["country"].eq("PE")]
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(places), n)
    lon = places["lon"].to_numpy(float)[pick] + rng.normal(0, 0.02, n)
    lat = places["lat"].to_numpy(float)[pick] + rng.normal(0, 0.02, n)
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(DATA) if DATA.exists() else None)
    parser.add_argument("--profile", action="store_true", help="cProfile the timed part (slower)")
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("parse", help=parse.__doc__)
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--chunk-size", type=int, default=200)
    p.add_argument("--chunks", type=int, default=0, help="stop after this many chunks (0: all)")
    p.add_argument("--budget", type=float, default=180, help="local: stop after the chunk that passes this (s)")
    p = sub.add_parser("naive", help=naive.__doc__)
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--chunk-size", type=int, default=200)
    p.add_argument("--chunks", type=int, default=0)
    p = sub.add_parser("geocode", help=geocode.__doc__)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--method", choices=("events", "stream"), default="events")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--chunk-size", type=int, default=100_000)
    p = sub.add_parser("geopy", help=geopy.__doc__)
    p.add_argument("--rows", type=int, default=50_000)
    p = sub.add_parser("attribute", help=attribute.__doc__)
    p.add_argument("--points", type=int, default=1_000_000)
    p.add_argument("--method", choices=("project", "geopandas", "dask"), default="project")
    p = sub.add_parser("corpus-events", help="only generate the events CSV")
    p.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    if args.what == "corpus-events":
        print(events_csv(args.rows, args.data_dir))
        return
    {"parse": parse, "naive": naive, "geocode": geocode, "geopy": geopy, "attribute": attribute}[args.what](args)


if __name__ == "__main__":
    main()
