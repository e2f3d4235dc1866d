"""Score the event extractor on the development sets of real and Spanish reports.

Sets (each scored and printed separately):

- ``muc``: gold events of MUC-3/4 messages (``eval/news/muc/<id>.json``);
  the texts are read from ``../shared/data/news/muc3/muc3.jsonl`` and never
  copied here (the gold gives quotes as offsets);
- ``es``: Spanish items in the styles of EFE, Andina, La República, RPP and
  Correo, text included (``eval/news/es/*.json``);
- ``corpus``: the project's own older corpus (``eval/corpus``), for regression.

A predicted event is the same incident as a gold one when it comes from the
gold sentence or agrees on two of date, type and place; pairs are taken best
first, one to one. Then, over the gold events (a missed incident is wrong on
every field):

- **date**: exact day (or the same month/year at that precision);
- **type**: ACLED ``event_type`` (and sub-type, reported apart);
- **place**: the predicted point within 15 km of the gold point, or, when the
  text gives only an admin unit, a prediction inside that unit (by UBIGEO);
- **all three**; **fatalities** (exact); **incident recall**; and extra
  (unmatched) predicted events per document.

Run from the repository root::

    python eval/score_events.py                     # all sets, embedded gazetteer
    python eval/score_events.py --datapack ../shared/data --set muc --errors
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

NEWS = ROOT / "eval" / "news"
CORPUS = ROOT / "eval" / "corpus"
MUC_TEXTS = ROOT.parent / "shared" / "data" / "news" / "muc3" / "muc3.jsonl"
PLACE_KM = 15.0
FIELDS = ("recall", "date", "type", "sub_type", "place", "all3", "fatalities")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# -- loading ------------------------------------------------------------------

def load_set(name: str, muc_texts: Path = MUC_TEXTS) -> list[dict]:
    """Documents of one set: ``{id, lang, published, text, events: [gold...]}``."""
    if name == "corpus":
        docs = []
        for path in sorted(CORPUS.glob("*.json")):
            rec = json.loads(path.read_text(encoding="utf-8"))
            events = []
            for e in rec["events"]:
                start = rec["text"].find(e["quote"])
                events.append({**e, "quote_start": start, "quote_end": start + len(e["quote"]),
                               "place_level": "point", "admin_code": None})
            docs.append({**rec, "events": events})
        return docs
    folder = NEWS / name
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    if name == "muc":
        from muc import read_muc

        texts = read_muc(muc_texts)
        docs = [{**d, "text": texts[d["id"]]["text"]} for d in docs if d["id"] in texts]
    undated = [d["id"] for d in docs if not d.get("published")]
    if undated:  # "LIMA, NO DATE --" transcripts: nothing to resolve relative dates against
        print(f"{name}: {len(undated)} documents without a date left out ({', '.join(undated)})", file=sys.stderr)
    return [d for d in docs if d.get("published")]


# -- predictions --------------------------------------------------------------

def predict(doc: dict, gaz) -> list[dict]:
    from geo.parse import extract_events

    frame = extract_events(doc["text"], published=doc["published"], gaz=gaz)
    out = []
    for _, row in frame.iterrows():
        quote = row["source_quote"] or ""
        start = doc["text"].find(quote[:80]) if quote else -1
        lat = row["latitude"]
        out.append({
            "date": row["event_date"].strftime("%Y-%m-%d") if row["event_date"] == row["event_date"] else None,
            "date_precision": row["date_precision"], "event_type": row["event_type"],
            "sub_event_type": row["sub_event_type"],
            "fatalities": None if row["fatalities"] is None or row["fatalities"] != row["fatalities"]
            else int(row["fatalities"]),
            "location": row["location"], "status": row["status"],
            "lat": None if lat is None or lat != lat else float(lat),
            "lon": None if lat is None or lat != lat else float(row["longitude"]),
            "codes": [c for c in (row["admin3_code"], row["admin2_code"], row["admin1_code"])
                      if isinstance(c, str) and c],
            "quote_start": start, "quote_end": start + len(quote) if start >= 0 else -1, "quote": quote,
        })
    return out


# -- comparing ----------------------------------------------------------------

def date_ok(g: dict, p: dict) -> bool:
    if p["date"] is None:
        return False
    if g.get("date_precision") == "month":
        return p["date"][:7] == g["date"][:7]
    if g.get("date_precision") == "year":
        return p["date"][:4] == g["date"][:4]
    return p["date"] == g["date"]


def place_ok(g: dict, p: dict) -> bool:
    if g.get("lat") is None:
        return p["lat"] is None or bool(g.get("admin_code") and any(c.startswith(g["admin_code"]) for c in p["codes"]))
    if p["lat"] is not None and haversine_km(g["lat"], g["lon"], p["lat"], p["lon"]) <= PLACE_KM:
        return True
    code = g.get("admin_code")
    if code and g.get("place_level") in ("district", "province", "department"):
        return any(c.startswith(code) for c in p["codes"])
    return False


def fatalities_ok(g: dict, p: dict) -> bool:
    gf, pf = g.get("fatalities"), p.get("fatalities")
    return (gf or 0) == (pf or 0)


def same_sentence(g: dict, p: dict) -> bool:
    return p["quote_start"] >= 0 and p["quote_start"] < g["quote_end"] and g["quote_start"] < p["quote_end"]


def score_doc(doc: dict, pred: list[dict], tally: Counter, errors: list | None) -> None:
    gold = doc["events"]
    tally["docs"] += 1
    tally["gold"] += len(gold)
    tally["pred"] += len(pred)
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            signals = (date_ok(g, p), g["event_type"] == p["event_type"], place_ok(g, p))
            sentence = same_sentence(g, p)
            if sentence or sum(signals) >= 2:
                pairs.append((2 * sentence + sum(signals), gi, pi))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, gi, pi in pairs:
        if gi not in matched and pi not in used:
            matched[gi] = pi
            used.add(pi)
    for gi, g in enumerate(gold):
        p = pred[matched[gi]] if gi in matched else None
        ok = dict.fromkeys(FIELDS, False)
        if p is not None:
            ok = {"recall": True, "date": date_ok(g, p), "type": g["event_type"] == p["event_type"],
                  "sub_type": g["sub_event_type"] == p["sub_event_type"], "place": place_ok(g, p),
                  "fatalities": fatalities_ok(g, p)}
            ok["all3"] = ok["date"] and ok["type"] and ok["place"]
        tally.update(k for k, v in ok.items() if v)
        if errors is not None and not ok["all3"]:
            quote = doc["text"][g["quote_start"]:g["quote_end"]].replace("\n", " ")[:110]
            if p is None:
                errors.append(f"{doc['id']}: MISSED {g['date']} {g['event_type']}/{g['sub_event_type']} at "
                              f"{g.get('location')}: {quote!r}")
            else:
                wrong = [k for k in ("date", "type", "place") if not ok[k]]
                errors.append(f"{doc['id']}: WRONG {','.join(wrong)}: gold {g['date']} {g['event_type']} at "
                              f"{g.get('location')} | got {p['date']} {p['event_type']} at {p['location']} "
                              f"({p['status']}): {quote!r}")
    if errors is not None:
        for pi, p in enumerate(pred):
            if pi not in used:
                errors.append(f"{doc['id']}: EXTRA {p['date']} {p['event_type']}/{p['sub_event_type']} at "
                              f"{p['location']}: {p['quote'][:110]!r}")


def summary(t: Counter) -> dict[str, str]:
    g = t["gold"]
    row = {f: f"{t[f] / g:.3f}" if g else "-" for f in FIELDS}
    row["extra/doc"] = f"{(t['pred'] - t['recall']) / t['docs']:.2f}" if t["docs"] else "-"
    row["docs"] = str(t["docs"])
    row["gold/pred"] = f"{g}/{t['pred']}"
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", choices=["muc", "es", "corpus"],
                    help="score only this set (repeatable; default: all)")
    ap.add_argument("--datapack", default=None, help="Peru data pack folder (default: embedded gazetteer only)")
    ap.add_argument("--muc-texts", type=Path, default=MUC_TEXTS, help="muc3.jsonl (default: ../shared)")
    ap.add_argument("--errors", action="store_true", help="list every missed, wrong and extra event on stderr")
    args = ap.parse_args(argv)
    from gazetteer import Gazetteer

    gaz = Gazetteer.default(data_dir=args.datapack if args.datapack else False)
    sets = args.set or ["muc", "es", "corpus"]
    rows = {}
    errors: list[str] | None = [] if args.errors else None
    for name in sets:
        docs = load_set(name, args.muc_texts)
        if not docs:
            continue
        tally: Counter = Counter()
        start = time.perf_counter()
        for doc in docs:
            score_doc(doc, predict(doc, gaz), tally, errors)
        rows[name] = summary(tally)
        rows[name]["seconds"] = f"{time.perf_counter() - start:.1f}"
    if not rows:
        print("no gold documents found", file=sys.stderr)
        return 1
    keys = list(next(iter(rows.values())))
    print(f"gazetteer: {'data pack ' + args.datapack if args.datapack else 'embedded (no data pack)'}; "
          f"place = within {PLACE_KM:g} km or inside the admin unit the text gives")
    print("| set | " + " | ".join(keys) + " |")
    print("|---|" + "|".join("---:" for _ in keys) + "|")
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(row[k] for k in keys) + " |")
    if errors:
        print("\n".join(errors), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
