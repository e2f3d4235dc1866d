"""Benchmark: time to build and write a map, and the HTML size, for 1k, 10k and 100k events.

The events are synthetic (random points in the VRAEM's bounding box) with
fields shaped like real ones: ACLED types and sub-types, actors, outlets,
URLs, quotes and notes of realistic length, a few ambiguous and unresolved
rows. Run from the repository root::

    python bench/bench_maps.py                 # 1k, 10k, 100k
    python bench/bench_maps.py 1000 5000 --self-contained --out /tmp/maps
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

#: West, south, east, north of the VRAEM (degrees).
VRAEM_BBOX = (-75.2, -13.6, -73.2, -11.2)

_TYPES = {
    "Battles": (0.35, ["Armed clash", "Government regains territory"]),
    "Explosions/Remote violence": (0.10, ["Remote explosive/landmine/IED", "Grenade"]),
    "Violence against civilians": (0.20, ["Attack", "Abduction/forced disappearance"]),
    "Strategic developments": (0.20, ["Arrests", "Looting/property destruction", "Disrupted weapons use"]),
    "Protests": (0.10, ["Peaceful protest", "Protest with intervention"]),
    "Riots": (0.05, ["Violent demonstration", "Mob violence"]),
}
_ACTORS = [
    "Military Forces of Peru (2021-)", "Police Forces of Peru (2021-)",
    "Shining Path (Militarized Communist Party of Peru)", "Civilians (Peru)",
    "Unidentified Armed Group (Peru)", "Coca Growers (Peru)", "Rondas Campesinas",
]
_PLACES = [
    ("Pichari", "La Convención", "Cusco"), ("Kimbiri", "La Convención", "Cusco"),
    ("Kepashiato", "La Convención", "Cusco"), ("Llochegua", "Huanta", "Ayacucho"),
    ("Unión Mantaro", "Huanta", "Ayacucho"), ("Ccano", "Huanta", "Ayacucho"),
    ("Palmapampa", "La Mar", "Ayacucho"), ("Santa Rosa", "La Mar", "Ayacucho"),
    ("Vizcatán del Ene", "Satipo", "Junín"), ("Mazamari", "Satipo", "Junín"),
    ("Pangoa", "Satipo", "Junín"), ("San Martín de Pangoa", "Satipo", "Junín"),
    ("Sivia", "Huanta", "Ayacucho"), ("Anco", "La Mar", "Ayacucho"),
]
_OUTLETS = [
    ("La República", "https://larepublica.pe/politica/"), ("El Comercio", "https://elcomercio.pe/peru/"),
    ("Andina", "https://andina.pe/agencia/noticia-"), ("RPP Noticias", "https://rpp.pe/peru/actualidad/"),
    ("Correo", "https://diariocorreo.pe/edicion/ayacucho/"), ("ACLED", ""),
]
_NOTES = (
    "On {d}, {a} clashed with {b} near {p} ({p2} province); {f} reported killed. "
    "Security sources said the group had been moving along the river for several days."
)
_QUOTE = "\"Un grupo de {n} terroristas atacó la base de {p} durante la madrugada\", informó el Comando Especial VRAEM."


def synthetic_events(n: int, *, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` synthetic events in the schema of :mod:`geo.schema` (EPSG:4326)."""
    rng = np.random.default_rng(seed)
    west, south, east, north = VRAEM_BBOX
    types = list(_TYPES)
    type_idx = rng.choice(len(types), n, p=[_TYPES[t][0] for t in types])
    event_type = np.array(types, dtype=object)[type_idx]
    sub = np.array([_TYPES[t][1][k % len(_TYPES[t][1])] for t, k in zip(event_type, rng.integers(0, 6, n))], dtype=object)
    dates = pd.Timestamp("2008-01-01") + pd.to_timedelta(rng.integers(0, 6200, n), unit="D")
    place = rng.integers(0, len(_PLACES), n)
    outlet = rng.integers(0, len(_OUTLETS), n)
    fatalities = np.where(rng.random(n) < 0.7, 0, rng.geometric(0.3, n))
    a1 = rng.integers(0, len(_ACTORS), n)
    a2 = rng.integers(0, len(_ACTORS), n)
    status = rng.choice(["ok", "ambiguous", "unresolved"], n, p=[0.95, 0.03, 0.02])
    lon = rng.uniform(west, east, n)
    lat = rng.uniform(south, north, n)
    geometry = gpd.points_from_xy(lon, lat)
    geometry[status == "unresolved"] = None
    date_text = dates.strftime("%d %B %Y")
    frame = pd.DataFrame({
        "event_id": [f"SYN{i:07d}" for i in range(n)],
        "event_date": dates,
        "date_precision": rng.choice(["day", "month", "year"], n, p=[0.9, 0.08, 0.02]),
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": np.array(_ACTORS, dtype=object)[a1],
        "actor2": np.where(rng.random(n) < 0.6, np.array(_ACTORS, dtype=object)[a2], ""),
        "fatalities": pd.array(fatalities, dtype="Int64"),
        "location": [_PLACES[k][0] for k in place],
        "admin1": [_PLACES[k][2] for k in place],
        "admin2": [_PLACES[k][1] for k in place],
        "admin3": [_PLACES[k][0] for k in place],
        "country": "PE",
        "latitude": np.where(status == "unresolved", np.nan, lat),
        "longitude": np.where(status == "unresolved", np.nan, lon),
        "precision": rng.choice(["point", "near", "district"], n, p=[0.6, 0.25, 0.15]),
        "source": [_OUTLETS[k][0] for k in outlet],
        "source_url": [f"{_OUTLETS[k][1]}{d:%Y-%m-%d}-ataque-{i}" if _OUTLETS[k][1] else ""
                       for i, (k, d) in enumerate(zip(outlet, dates))],
        "source_quote": [_QUOTE.format(n=20 + i % 30, p=_PLACES[k][0]) if i % 5 < 2 else ""
                         for i, k in enumerate(place)],
        "notes": [_NOTES.format(d=d, a=_ACTORS[x], b=_ACTORS[y], p=_PLACES[k][0], p2=_PLACES[k][1], f=f)
                  for d, x, y, k, f in zip(date_text, a1, a2, place, fatalities)],
        "status": status,
        "reason": np.where(status == "ok", "", np.where(status == "ambiguous", "2 places named alike", "no match")),
    })
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def run(sizes: list[int], *, self_contained: bool, out: Path) -> list[dict]:
    """Build and save one map per size; return the measured figures."""
    from geo.maps import make_map, save_map

    results = []
    for n in sizes:
        events = synthetic_events(n)
        start = time.perf_counter()
        m = make_map(events, choropleth=None, title=f"{n:,} synthetic events")
        built = time.perf_counter()
        path = save_map(m, out / f"bench-{n}.html", overwrite=True, self_contained=self_contained)
        done = time.perf_counter()
        results.append({"events": n, "build_s": built - start, "write_s": done - built,
                        "total_s": done - start, "mb": path.stat().st_size / 1e6, "path": str(path)})
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--self-contained", action="store_true", help="inline Leaflet and plugins (needs the asset cache)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the maps (default: a temporary folder)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-maps-"))
    print(f"{'events':>8} {'build s':>8} {'write s':>8} {'total s':>8} {'HTML MB':>8}")
    for r in run(args.sizes, self_contained=args.self_contained, out=out):
        print(f"{r['events']:>8,} {r['build_s']:>8.2f} {r['write_s']:>8.2f} {r['total_s']:>8.2f} {r['mb']:>8.2f}")
    print(f"maps in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
