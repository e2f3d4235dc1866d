"""Validate the gold geoparsing corpus in ``eval/corpus``.

Every file must parse as UTF-8 JSON, carry the required fields, and have
mention and non-place offsets that reproduce their text exactly
(``text[start:end] == surface``), coordinates in range, and events whose
dates parse, fall on or before the publication date and use ACLED's
event taxonomy. The script prints one line per problem (file, field,
value), then counts of files, languages, mentions, non-places and events.

Run it from the repository root::

    python eval/gold_check.py            # check eval/corpus
    python eval/gold_check.py DIR ...    # check other folders or files

The exit status is 0 when every file passes and 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["check_file", "check_record", "iter_files", "main"]

DEFAULT_DIR = Path(__file__).resolve().parent / "corpus"

#: ACLED event types and the sub-event types allowed under each.
ACLED_TAXONOMY: dict[str, frozenset[str]] = {
    "Battles": frozenset({"Armed clash", "Government regains territory", "Non-state actor overtakes territory"}),
    "Explosions/Remote violence": frozenset({
        "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade"}),
    "Violence against civilians": frozenset({"Sexual violence", "Attack", "Abduction/forced disappearance"}),
    "Protests": frozenset({"Peaceful protest", "Protest with intervention", "Excessive force against protestors"}),
    "Riots": frozenset({"Violent demonstration", "Mob violence"}),
    "Strategic developments": frozenset({
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction",
        "Non-violent transfer of territory", "Other"}),
}
#: Place kinds: the gazetteer's ``Kind`` values plus ``demonym`` for adjectives and gentilics.
KINDS = frozenset({
    "country", "department", "province", "district", "capital", "populated_place", "military_base",
    "police_base", "river", "valley", "region", "coca_zone", "demonym"})
NON_PLACE_TYPES = frozenset({"outlet", "organisation", "person", "alias", "other"})
LANGS = frozenset({"en", "es"})
#: Optional ``basis`` of a report: how much of its core event follows public reporting.
BASES = frozenset({"historic", "historic-with-invented-details", "invented"})
DATE_PRECISIONS = frozenset({"day", "month", "year"})
PLACE_ID = re.compile(r"^(ubigeo:\d{2}(\d{2}(\d{2})?)?|cur:[a-z0-9-]+|base:[a-z0-9-]+|region:[a-z0-9-]+|"
                      r"iso:[A-Z]{2}|[a-z]{2}:[a-z0-9-]+)$")
#: Bounding box of Peru (lat_min, lat_max, lon_min, lon_max), with a small margin.
PERU_BBOX = (-18.6, 0.2, -81.5, -68.4)
TOP_FIELDS = ("id", "lang", "published", "outlet", "title", "text", "mentions", "non_places", "events")
MENTION_FIELDS = ("start", "end", "text", "place", "kind", "lat", "lon")
NON_PLACE_FIELDS = ("start", "end", "text", "type")
EVENT_FIELDS = ("date", "date_precision", "event_type", "sub_event_type", "actor1", "actor2", "fatalities",
                "location", "place", "lat", "lon", "quote")
MIN_WORDS, MAX_WORDS = 60, 250


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the corpus files under each path (a folder or a single ``.json`` file), sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("*.json"))
        else:
            yield path


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _check_coords(where: str, item: dict, place: str) -> list[str]:
    lat, lon = item.get("lat"), item.get("lon")
    if not (_is_number(lat) and _is_number(lon)):
        return [f"{where}: lat/lon must be numbers, got {lat!r}/{lon!r}"]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return [f"{where}: lat/lon out of range: {lat}, {lon}"]
    if place.startswith("ubigeo:") or place.startswith("base:"):
        lat_min, lat_max, lon_min, lon_max = PERU_BBOX
        if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
            return [f"{where}: {place} at {lat}, {lon} lies outside Peru (lat/lon swapped?)"]
    return []


def _check_span(where: str, item: dict, text: str) -> list[str]:
    start, end, surface = item.get("start"), item.get("end"), item.get("text")
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        return [f"{where}: start/end must be integers, got {start!r}/{end!r}"]
    if not 0 <= start < end <= len(text):
        return [f"{where}: span {start}:{end} outside the text (length {len(text)})"]
    if text[start:end] != surface:
        return [f"{where}: text[{start}:{end}] is {text[start:end]!r}, not {surface!r}"]
    return []


def _missing(where: str, item: object, required: tuple[str, ...]) -> list[str]:
    if not isinstance(item, dict):
        return [f"{where}: must be a JSON object"]
    missing = [f for f in required if f not in item]
    return [f"{where}: missing {', '.join(missing)}"] if missing else []


def _check_place_id(where: str, item: dict) -> list[str]:
    if not isinstance(item["place"], str) or not PLACE_ID.match(item["place"]):
        return [f"{where}: place id {item['place']!r} does not follow the id scheme"]
    return _check_coords(where, item, item["place"])


def _check_mention(where: str, item: dict) -> list[str]:
    problems = _check_place_id(where, item)
    if item["kind"] not in KINDS:
        problems.append(f"{where}: kind {item['kind']!r} not one of {sorted(KINDS)}")
    return problems


def _check_non_place(where: str, item: dict) -> list[str]:
    if item["type"] not in NON_PLACE_TYPES:
        return [f"{where}: type {item['type']!r} not one of {sorted(NON_PLACE_TYPES)}"]
    return []


_SPAN_LISTS = (("mentions", MENTION_FIELDS, _check_mention), ("non_places", NON_PLACE_FIELDS, _check_non_place))


def _check_spans(rid: str, record: dict, text: str) -> list[str]:
    problems: list[str] = []
    spans = []
    for field, required, check in _SPAN_LISTS:
        for i, item in enumerate(record[field]):
            where = f"{rid} {field}[{i}]"
            missing = _missing(where, item, required)
            if missing:
                problems += missing
                continue
            found = _check_span(where, item, text)
            problems += found + check(where, item)
            if not found:
                spans.append((item["start"], item["end"], item["text"]))
    spans.sort()
    for (a0, a1, at), (b0, b1, bt) in zip(spans, spans[1:]):
        if b0 < a1:
            problems.append(f"{rid}: spans overlap: {at!r} at {a0}:{a1} and {bt!r} at {b0}:{b1}")
    return problems


def _parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _check_events(rid: str, record: dict, text: str, published: dt.date | None) -> list[str]:
    problems: list[str] = []
    for i, e in enumerate(record["events"]):
        where = f"{rid} events[{i}]"
        missing = _missing(where, e, EVENT_FIELDS)
        if missing:
            problems += missing
            continue
        date = _parse_date(e["date"])
        if date is None:
            problems.append(f"{where}: date {e['date']!r} is not a valid YYYY-MM-DD date")
        elif published is not None and date > published:
            problems.append(f"{where}: date {date} is after the publication date {published}")
        if e["date_precision"] not in DATE_PRECISIONS:
            problems.append(f"{where}: date_precision {e['date_precision']!r} not one of {sorted(DATE_PRECISIONS)}")
        elif date is not None and e["date_precision"] in ("month", "year") and date.day != 1:
            problems.append(f"{where}: a {e['date_precision']}-precision date must be the first day of the period")
        elif date is not None and e["date_precision"] == "year" and date.month != 1:
            problems.append(f"{where}: a year-precision date must be YYYY-01-01")
        subs = ACLED_TAXONOMY.get(e["event_type"])
        if subs is None:
            problems.append(f"{where}: event_type {e['event_type']!r} not one of {sorted(ACLED_TAXONOMY)}")
        elif e["sub_event_type"] not in subs:
            problems.append(f"{where}: sub_event_type {e['sub_event_type']!r} not allowed under {e['event_type']!r}")
        fat = e["fatalities"]
        if fat is not None and (not isinstance(fat, int) or isinstance(fat, bool) or fat < 0):
            problems.append(f"{where}: fatalities must be a non-negative integer or null, got {fat!r}")
        if not e["actor1"]:
            problems.append(f"{where}: actor1 is empty")
        if e["quote"] not in text:
            problems.append(f"{where}: quote is not a substring of the text")
        elif e["location"] not in e["quote"] and e["location"] not in text:
            problems.append(f"{where}: location {e['location']!r} does not occur in the text")
        problems += _check_place_id(where, e)
    return problems


def check_record(record: object, *, name: str = "?") -> list[str]:
    """Return the problems found in one corpus record (an empty list when it is valid).

    Parameters
    ----------
    record : object
        The decoded JSON document.
    name : str, optional
        The file stem, which must equal the record's ``id``.

    Returns
    -------
    list of str
        One human-readable message per problem, naming the field and the value.
    """
    if not isinstance(record, dict):
        return [f"{name}: top level must be a JSON object"]
    missing = [f for f in TOP_FIELDS if f not in record]
    if missing:
        return [f"{name}: missing {', '.join(missing)}"]
    rid = record["id"]
    problems: list[str] = []
    if rid != name:
        problems.append(f"{name}: id {rid!r} does not match the file name")
    if record["lang"] not in LANGS:
        problems.append(f"{rid}: lang {record['lang']!r} not one of {sorted(LANGS)}")
    if "basis" in record and record["basis"] not in BASES:
        problems.append(f"{rid}: basis {record['basis']!r} not one of {sorted(BASES)}")
    published = _parse_date(record["published"])
    if published is None:
        problems.append(f"{rid}: published {record['published']!r} is not a valid YYYY-MM-DD date")
    text = record["text"]
    if not isinstance(text, str) or not text.strip():
        return problems + [f"{rid}: text is empty"]
    if text.split("\n", 1)[0].strip() != record["title"]:
        problems.append(f"{rid}: title is not the first line of the text")
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.append(f"{rid}: {words} words, expected {MIN_WORDS}-{MAX_WORDS}")
    for field in ("mentions", "non_places", "events"):
        if not isinstance(record[field], list):
            return problems + [f"{rid}: {field} must be a list"]
    problems += _check_spans(rid, record, text)
    problems += _check_events(rid, record, text, published)
    return problems


def check_file(path: Path) -> tuple[dict | None, list[str]]:
    """Load and check one corpus file; return the record (None if unreadable) and its problems."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [f"{path.name}: cannot read: {exc}"]
    return record, check_record(record, name=path.stem)


def _summary(records: list[dict]) -> str:
    langs = Counter(r["lang"] for r in records)
    kinds = Counter(m["kind"] for r in records for m in r["mentions"])
    ntypes = Counter(n["type"] for r in records for n in r["non_places"])
    etypes = Counter(e["event_type"] for r in records for e in r["events"])
    places = {m["place"] for r in records for m in r["mentions"]}
    lines = [
        f"files: {len(records)} ({', '.join(f'{k}: {v}' for k, v in sorted(langs.items()))})",
        f"mentions: {sum(kinds.values())} of {len(places)} distinct places "
        f"({', '.join(f'{k}: {v}' for k, v in kinds.most_common())})",
        f"non-places: {sum(ntypes.values())} ({', '.join(f'{k}: {v}' for k, v in ntypes.most_common())})",
        f"events: {sum(etypes.values())} ({', '.join(f'{k}: {v}' for k, v in etypes.most_common())})",
        f"words: {sum(len(r['text'].split()) for r in records)}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Check the corpus; print problems and counts; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_DIR],
                        help="corpus folders or files (default: eval/corpus)")
    args = parser.parse_args(argv)
    files = list(iter_files(args.paths))
    if not files:
        print(f"no corpus files found in {', '.join(map(str, args.paths))}", file=sys.stderr)
        return 1
    records, problems, ids = [], [], Counter()
    for path in files:
        record, found = check_file(path)
        problems += found
        if record is not None and not found:
            records.append(record)
        if isinstance(record, dict):
            ids[record.get("id")] += 1
    problems += [f"duplicate id {rid!r} in {n} files" for rid, n in ids.items() if n > 1]
    for line in problems:
        print(line)
    print(f"checked: {len(files)} file(s), {len(records)} valid")
    print(_summary(records))
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in {len(files)} file(s)")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
