"""How well the geocoder places ACLED's own events, without their coordinates.

Reads ``../shared/data/events/acled_peru_2022_dummy.csv``, drops its
latitude/longitude columns, geocodes it from location + admin1-3, and
compares each geo_precision-1 row with ACLED's point. Prints the share
within 5 km, with and without the Peru data pack, and every row that misses
with its reason::

    python bench/eval_acled.py [--data-dir ../shared/data] [--km 5]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gazetteer import Gazetteer  # noqa: E402

from geo.events import geocode_events  # noqa: E402

ACLED = Path("events") / "acled_peru_2022_dummy.csv"


def haversine_km(lon1, lat1, lon2, lat2):
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def evaluate(data_dir: Path, gaz: Gazetteer, km: float = 5.0) -> pd.DataFrame:
    """One row per geo_precision-1 ACLED event: where we put it and how far off that is."""
    truth = pd.read_csv(data_dir / ACLED, dtype=str, keep_default_na=False)
    blind = truth.drop(columns=["latitude", "longitude"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        events = geocode_events(blind, gaz=gaz, label=str(ACLED))
    exact = truth["geo_precision"].astype(float) == 1
    out = pd.DataFrame({
        "row": events["row"], "location": truth["location"], "admin1": truth["admin1"],
        "admin2": truth["admin2"], "admin3": truth["admin3"],
        "km": haversine_km(truth["longitude"].astype(float), truth["latitude"].astype(float),
                           events["longitude"], events["latitude"]),
        "place_id": events["place_id"], "status": events["status"], "reason": events["reason"],
    })[exact.to_numpy()]
    out["within"] = out["km"] <= km
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--km", type=float, default=5.0)
    args = parser.parse_args(argv)
    print(f"{'gazetteer':<28} {'rows':>5} {'within':>7} {'share':>7}")
    misses = {}
    for label, data_dir in (("embedded (no data pack)", False), ("with data pack", args.data_dir)):
        gaz = Gazetteer.default(data_dir=data_dir)
        result = evaluate(args.data_dir, gaz, args.km)
        share = result["within"].mean()
        print(f"{label:<28} {len(result):>5} {int(result['within'].sum()):>7} {share:>7.1%}")
        misses[label] = result[~result["within"]]
    for label, miss in misses.items():
        print(f"\nmisses, {label}:")
        for r in miss.itertuples():
            where = "not located" if np.isnan(r.km) else f"{r.km:.1f} km off"
            print(f"  row {r.row}: {r.location!r} ({r.admin3}, {r.admin2}, {r.admin1}) -> {r.place_id} "
                  f"{where}; {r.status}: {r.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
