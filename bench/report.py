"""Turn the measurements of ``bench/run_all.py`` into ``bench/RESULTS.md``."""

from __future__ import annotations

import datetime as dt
import re


def cold_start_with_pack(gazetteer_table: str) -> float | None:
    """Start-to-first-answer with the data pack and a warm index cache, from bench_gazetteer.py's table."""
    for line in gazetteer_table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 2 and cells[0] == "with data pack" and cells[1].startswith("warm"):
            return float(cells[2])
    return None


def table_value(output: str, first_cell: str, column: str) -> float | None:
    """A number from a right-aligned plain-text table (the other bench scripts' output).

    The row is the one whose first word is ``first_cell``; the value is the
    word that ends where the header's ``column`` ends.
    """
    lines = output.splitlines()
    header = next((line for line in lines if column in line), None)
    if header is None:
        return None
    end = header.index(column) + len(column)
    for line in lines:
        words = list(re.finditer(r"\S+", line))
        if words and words[0].group() == first_cell:
            hit = next((w.group() for w in words if w.end() == end), None)
            try:
                return float(hit.replace(",", "")) if hit else None
            except ValueError:
                return None
    return None


def map_mb(maps_output: str, events: int) -> float | None:
    """HTML size of the ``events`` map from bench_maps.py's table."""
    for line in maps_output.splitlines():
        cells = line.split()
        if cells and cells[0].replace(",", "") == str(events):
            return float(cells[-1])
    return None


def render(r: dict, figures: dict, machine: list[str], *, quick: bool, rows: int, mb: float, targets: dict) -> str:
    out = ["# Benchmark results", ""]
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    out.append(f"Written by `python bench/run_all.py{' --quick' if quick else ''}` on {when}; the whole suite "
               f"took {r['total_s'] / 60:.1f} min. Every measurement ran in its own process; *peak memory* is "
               "the largest resident set of that process tree (Dask workers included), sampled every 0.1 s.")
    if quick:
        out += ["", "**Quick run: small inputs; the figures below are not the benchmark's.**"]
    out += ["", "## Machine", "", *machine,
            f"| load average (1 min) | {r['load'][0]:.1f} at the start, {r['load'][-1]:.1f} at the end "
            f"(above the core count, other processes shared the CPU and the figures are pessimistic) |", ""]
    out += _targets(figures, targets)
    out += _gazetteer(r)
    out += _parse(r, mb)
    out += _geocode(r, rows)
    out += _attribute(r, rows)
    out += _maps(r)
    out += _dask(r, rows)
    out += _profiles(r)
    failures = [c.failure() for c in r.values() if hasattr(c, "ok") and not c.ok]
    if failures:
        out += ["## Failures", "", *failures]
    return "\n".join(out).rstrip() + "\n"


def _targets(figures: dict, targets: dict) -> list[str]:
    out = ["## Targets", "", "| target | goal | measured | |", "|---|---|---:|---|"]
    for name, (limit, unit, way) in targets.items():
        value, met = figures.get(name, (None, None))
        shown = "—" if value is None else f"{value:.2f}"
        verdict = {True: "met", False: "**missed**", None: "not measured"}[met]
        out.append(f"| {name} | {way} {limit:g} {unit} | {shown} | {verdict} |")
    return out + [""]


def _gazetteer(r: dict) -> list[str]:
    g = r["gazetteer"]
    out = ["## Gazetteer: cold start, lookups, memory (`bench/bench_gazetteer.py`)", "",
           "Each row is a fresh process; *cold* builds the index and writes the on-disk cache, *warm* loads it.", ""]
    return out + [g.stdout.strip() if g.ok else g.failure(), ""]


def _parse(r: dict, mb: float) -> list[str]:
    out = [f"## Geoparsing the {mb:g} MiB corpus", "",
           "`bench/corpus.py` recombines the sentences of the evaluation reports (English and Spanish, some "
           "with HTML) into new documents, varying numbers and dates; JSON lines, one document per line. "
           "Times exclude start-up (gazetteer, automaton). The single process stops after the chunk that "
           "passes its time budget; Dask and the naive baseline then process the same chunks.", "",
           "| run | documents | MB | seconds | MB/s | MB/s per core | docs/s | mentions | peak memory (MB) |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rows = [("geo.scale, one process", r["parse_local"]), ("geo.scale, Dask local cluster", r["parse_dask"]),
            ("naive: exact GeoNames names (eval/score.py Baseline)", r["naive"])]
    for label, child in rows:
        j = child.json()
        if not j:
            continue
        workers = j.get("workers", 1)
        rate = j["mb"] / j["seconds"]
        out.append(f"| {label} | {j['docs']:,} | {j['mb']:.1f} | {j['seconds']:.1f} | {rate:.2f} | "
                   f"{rate / workers:.2f} | {j['docs'] / j['seconds']:.0f} | {j['mentions']:,} | {child.peak_mb:.0f} |")
    local, dask, naive = r["parse_local"].json(), r["parse_dask"].json(), r["naive"].json()
    if local:
        out += ["", f"The single process parsed {local['chunks']} of the corpus' {local['of_chunks']} chunks "
                    f"({local['mb']:.1f} MB) within its budget: {local['mentions'] / local['seconds']:,.0f} "
                    f"mentions/s, and {local['mentions'] / local['mb'] / 1000:.1f} mentions per kB of text (the "
                    "recombined reports are dense in place names; parsing time follows the mentions more than "
                    "the bytes). Every document gives new (name, context) pairs, so the resolver's memo rarely "
                    "hits; `bench_parse.py` below cycles the same reports, where it does."]
    if local and naive:
        ratio = (naive["mb"] / naive["seconds"]) / (local["mb"] / local["seconds"])
        out.append(f"The naive lookup is {ratio:.0f}× faster than the parser on the same text (its start-up, "
                   f"building the name table, took {naive['start_s']:.0f} s); it finds {naive['mentions']:,} "
                   f"spans against the parser's {local['mentions']:,}, with no context, disambiguation or "
                   "non-place filtering (see the evaluation in the README for what that costs in accuracy).")
    if dask:
        out.append(f"Dask: cluster start {dask['cluster_start_s']:.1f} s, whole run {dask['total_s']:.1f} s; "
                   f"worker peak RSS {dask['worker_peak_rss_mb']:.0f} MB.")
    if "bench_parse" in r:
        b = r["bench_parse"]
        out += ["", "`bench/bench_parse.py` (one text, and each report as a document):", "", "```",
                b.stdout.strip() if b.ok else b.failure(), "```"]
    return out + [""]


def _geocode(r: dict, rows: int) -> list[str]:
    out = [f"## Geocoding {rows:,} rows", "",
           "A CSV of events naming a few thousand VRAEM places again and again (2% unknown names), with "
           "province and department columns as context.", "",
           "| path | seconds | rows/s | peak memory (MB) | statuses |", "|---|---:|---:|---:|---|"]
    for label, key in (("geo.events.geocode_events, whole table in memory", "geocode_events"),
                       ("geo.scale.geocode_table, one process, chunks of 100,000", "geocode_local"),
                       ("geo.scale.geocode_table, Dask local cluster", "geocode_dask")):
        j = r[key].json()
        if not j:
            continue
        extra = f" (+{j['read_s']:.1f} s reading the CSV)" if "read_s" in j else ""
        statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(j["statuses"].items()))
        out.append(f"| {label} | {j['seconds']:.1f}{extra} | {rows / j['seconds']:,.0f} | {r[key].peak_mb:.0f} | "
                   f"{statuses} |")
    g = r["geopy"].json()
    if g:
        s = g["seconds"]
        base = s["geopandas.tools.geocode"]
        out += ["", f"Side by side on the first {g['rows']:,} rows ({g['distinct']:,} distinct names), names only:",
                "", "| tool | seconds | rows/s | speed-up over geopandas.tools.geocode |", "|---|---:|---:|---:|"]
        for tool, seconds in s.items():
            out.append(f"| {tool} | {seconds:.2f} | {g['rows'] / seconds:,.0f} | {base / seconds:.1f}× |")
        out.append("")
        out.append("`geopandas.tools.geocode(names, provider=OfflineGeocoder)` calls the geopy provider once per "
                   "row; `Gazetteer.resolve_many` resolves each distinct name once; `geocode_events` also "
                   "validates the rows and builds the event schema.")
    if "bench_geocode" in r:
        b = r["bench_geocode"]
        out += ["", "`bench/bench_geocode.py`:", "", "```", b.stdout.strip() if b.ok else b.failure(), "```"]
    return out + [""]


def _attribute(r: dict, rows: int) -> list[str]:
    out = [f"## Attributing {rows:,} points to the 1,891 districts", "",
           "Points scattered around Peru's populated places; polygons read before timing.", "",
           "| method | seconds | points/s | peak memory (MB) | in a district |", "|---|---:|---:|---:|---:|"]
    labels = {"attribute_project": "geo.events.attribute_points (points in an STRtree, polygons query it)",
              "attribute_geopandas": "geopandas.sjoin(points, districts, predicate='within')",
              "attribute_dask": "geo.scale.dask_engine.attribute_points: GeoParquet parts read, joined and "
                                "written by the workers"}
    for key, label in labels.items():
        j = r[key].json()
        if j:
            out.append(f"| {label} | {j['seconds']:.2f} | {rows / j['seconds']:,.0f} | {r[key].peak_mb:.0f} | "
                       f"{j['in_a_district']:,} |")
    p, g, d = (r[k].json() for k in labels)
    if p and g:
        out += ["", f"geopandas.sjoin / project: {g['seconds'] / p['seconds']:.2f} (below 1: geopandas is faster)."]
    if d and "seconds_from_memory" in d:
        out.append(f"The same Dask join on an in-memory GeoDataFrame took {d['seconds_from_memory']:.1f} s: "
                   "shipping a million points to the workers costs more than the join.")
    if "bench_attribute" in r:
        b = r["bench_attribute"]
        out += ["", "`bench/bench_attribute.py`:", "", "```", b.stdout.strip() if b.ok else b.failure(), "```"]
    return out + [""]


def _maps(r: dict) -> list[str]:
    m = r["maps"]
    return ["## Maps (`bench/bench_maps.py`)", "", "```", m.stdout.strip() if m.ok else m.failure(), "```", "",
            f"Peak memory of the run (all sizes, one process): {m.peak_mb:.0f} MB.", ""]


def _dask(r: dict, rows: int) -> list[str]:
    out = ["## Dask on this machine", "",
           "| job | one process (s) | Dask (s) | speed-up | Dask incl. cluster start (s) | "
           "CPU taken by other processes (one process / Dask) |", "|---|---:|---:|---:|---:|---:|"]
    pairs = [("parse_local", "parse_dask", lambda j: f"parse {j['docs']:,} documents", "total_s"),
             ("geocode_local", "geocode_dask", lambda j: f"geocode {rows:,} rows (streamed)", "seconds"),
             ("attribute_project", "attribute_dask", lambda j: f"attribute {rows:,} points", None)]
    for one, many, label, total in pairs:
        a, b = r[one].json(), r[many].json()
        if a and b:
            whole = f"{b[total]:.1f}" if total else "—"
            out.append(f"| {label(b)} | {a['seconds']:.2f} | {b['seconds']:.2f} | {a['seconds'] / b['seconds']:.2f}× "
                       f"| {whole} | {r[one].others:.0%} / {r[many].others:.0%} |")
    out += ["", "Dask times of geocoding include starting the cluster and loading the gazetteer on the workers "
                "(the client's on-disk index, once per worker). The last column is the share of the machine's "
                "CPU that processes outside the benchmark used during each run: on a shared machine the "
                "speed-up is only as good as the free cores."]
    return out + [""]


def _profiles(r: dict) -> list[str]:
    out = []
    for key, label in (("profile_parse", "parse (one chunk)"), ("profile_geocode", "geocode"),
                       ("profile_attribute", "attribute")):
        j = r[key].json() if key in r else None
        if not j or "profile" not in j:
            continue
        out += [f"### Profile: {label}", "", f"cProfile, {j['profile_total_s']:.1f} s of own time in all; the "
                "functions with the most own time:", "", "| function | own s | cumulative s |", "|---|---:|---:|"]
        out += [f"| `{re.sub(r'[|]', '/', name)}` | {own:.2f} | {cum:.2f} |" for name, own, cum in j["profile"][:12]]
        if j.get("profile_stages"):
            out += ["", "The project's functions with the most cumulative time (the stages):", "",
                    "| function | own s | cumulative s |", "|---|---:|---:|"]
            out += [f"| `{name}` | {own:.2f} | {cum:.2f} |" for name, own, cum in j["profile_stages"][:12]]
        out.append("")
    return (["## Profiles of the missed targets", ""] + out) if out else []
