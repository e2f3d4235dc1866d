"""Events from news text: what happened, when, where, who, and how many died.

Sentence by sentence (the headline is skipped: the lead repeats it), an event
is announced by a trigger from ``event_rules.csv`` (a regular expression on
the folded sentence with its ACLED type and sub-type); the earliest strong
trigger decides the type, and killings are typed by who was hit (civilians
only: *Violence against civilians / Attack*; soldiers or police: *Battles /
Armed clash*, as ACLED codes ambushes). Then:

- **where**: the first town, base or district named after the trigger (else
  before it; else in the next sentence; else the previous event's place).
  Several bases attacked in one sentence are several events;
- **when**: the date expression nearest the trigger (:mod:`geo.parse.dates`),
  else the last date of the story so far, else the publication date;
- **who**: actors from ``actors.csv``; the initiator is the first side named
  that is not the victim ("a police officer was killed when rebels fired");
  sides named only as the source of the report ("the army said") take no part;
- **how many**: numbers next to a death word ("killing 13 soldiers", "Doce
  soldados y siete civiles murieron"), and attackers ("about 30 fighters").

Events in one place on one date of one type are merged. A sentence that
gives neither a date nor a place finer than a province is background, not an
event ("the deadliest attack in the VRAEM since 2016").
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from gazetteer import Gazetteer
from gazetteer.errors import DataError, InvalidInputError

from .dates import DateMention, _fold_keep, dateline_end, find_dates, parse_published
from .lexicon import DATA_DIR, Lexicon, lexicon
from .parser import CHUNK_CHARS, ParsedMention, parse_pieces
from .text import Document

__all__ = ["Event", "events_geojson", "extract_events"]

_FINE = frozenset({"point", "near", "district"})
_STRONG_PRIORITY = 40
#: Events of one date and type closer than this (km) are one event told twice.
MERGE_KM = 15.0
_SPEECH = re.compile(r"\b(?:said|says|told|reported|announced|added|according to|dijo|informo|informaron|senalo|"
                     r"indico|afirmo|preciso|anuncio|reporto|segun|confirmo)\b")
_CLAUSE = re.compile(r"[;:]|,\s|\bwhen\b|\bcuando\b|\bafter\b|\bluego\b")
_TOKEN = re.compile(r"[a-z0-9]+")
# "the attack", "los detenidos", "la emboscada de Sanabamba": a noun that refers back, not a new event.
_BACK_REFERENCE = re.compile(r"\b(?:the|los|las|el|la|this|these|that|esta|este|dicho|dicha)\s+$")
# Told in the pluperfect: background ("the base had already been attacked in February 2014").
_BACKGROUND = re.compile(r"\b(?:had (?:already )?been|habia sido|habian sido|ya habia|ya habian|previously|anteriormente)\b")
# A place something or someone is taken to is not where the event happened.
_DESTINATION = re.compile(r"\b(?<!cerca )(?<!cercana )(?<!cercano )(?<!proximo )(?<!proxima )(?<!junto )(?<!frente )"
                          r"(?:to|a|al|hacia|toward|towards|hasta)\s+(?:the\s+|la\s+|el\s+)?(?:\w+\s+(?:of|de)\s+)?$")
# A side followed by what happened to it is a victim: "a police officer was killed", "un soldado murió".
_VICTIM = re.compile(r"[\w -]{0,40}?\b(?:was|were|fue|fueron|resulto|resultaron)?\s*(?:killed|wounded|injured|"
                     r"attacked|ambushed|hurt|died|murio|murieron|heridos?|atacad[oa]s?|emboscad[oa]s?|asesinad[oa]s?)\b")


@dataclass
class Event:
    """One extracted event (see :data:`geo.schema.EVENT_COLUMNS` for the output columns)."""

    sentence: int
    trigger: int
    event_type: str
    sub_event_type: str
    quote: str
    date: dt.date | None = None
    date_precision: str = "day"
    dated_here: bool = False
    location: ParsedMention | None = None
    actor1: str | None = None
    actor2: str | None = None
    fatalities: int | None = 0
    attackers: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern
    event_type: str
    sub_event_type: str
    priority: int


@lru_cache(maxsize=2)
def _rules(path=DATA_DIR / "event_rules.csv") -> tuple[_Rule, ...]:
    return tuple(_Rule(re.compile(r["pattern"]), r["event_type"], r["sub_event_type"], int(r["priority"]))
                 for r in _read(path, ("pattern", "event_type", "sub_event_type", "priority")))


@lru_cache(maxsize=2)
def _actors(path=DATA_DIR / "actors.csv") -> tuple[tuple[re.Pattern, str, str], ...]:
    return tuple((re.compile(r["pattern"]), r["actor"], r["side"]) for r in _read(path, ("pattern", "actor", "side")))


def _read(path, required) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            re.compile(r["pattern"])
    except (OSError, csv.Error, re.error, KeyError) as exc:
        raise DataError(f"{path}: cannot read event rules: {exc}") from exc
    if rows and any(c not in rows[0] for c in required):
        raise DataError(f"{path}: expected columns {', '.join(required)}")
    return rows


# -- public -------------------------------------------------------------------

def extract_events(text: str, *, published: str | dt.date, gaz: Gazetteer | None = None,
                   source: str | None = None, source_url: str | None = None, strip_html: bool | None = None,
                   chunk_chars: int = CHUNK_CHARS):
    """Extract the events a report describes.

    Parameters
    ----------
    text : str
        The report (English or Spanish; HTML is handled).
    published : str or date
        Publication date (``YYYY-MM-DD``): relative dates resolve against it.
    gaz : Gazetteer, optional
    source, source_url : str, optional
        Written to the ``source`` and ``source_url`` columns.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per event, the columns of :data:`geo.schema.EVENT_COLUMNS`
        plus ``geometry`` (EPSG:4326); a location that is unresolved leaves
        an empty geometry and says why in ``status``/``reason``.

    Examples
    --------
    >>> events = extract_events("Rebels attacked the Kepashiato military base on Monday.",
    ...                         published="2014-02-20")  # doctest: +SKIP
    >>> events[["event_date", "sub_event_type", "location"]]  # doctest: +SKIP
    """
    pub = parse_published(published)
    if pub is None:
        raise InvalidInputError("published date is required to resolve relative dates")
    gaz = gaz or Gazetteer.default()
    events: list[Event] = []
    for _, doc, mentions in parse_pieces(text, gaz=gaz, strip_html=strip_html, chunk_chars=chunk_chars):
        events.extend(_Extractor(doc, mentions, pub, lexicon()).run())
    return _frame(events, source=source, source_url=source_url)


# -- extraction ---------------------------------------------------------------

class _Extractor:
    def __init__(self, doc: Document, mentions: list[ParsedMention], published: dt.date, words: Lexicon) -> None:
        self.doc = doc
        self.published = published
        self.words = words
        self.by_sentence: dict[int, list[ParsedMention]] = {}
        for pm in mentions:
            if pm.mention.role == "place" and not pm.mention.dateline and pm.resolution.best is not None:
                self.by_sentence.setdefault(pm.mention.sentence, []).append(pm)
        self.last_date: tuple[dt.date, str] | None = None
        self.rebels_seen = False

    def run(self) -> list[Event]:
        events: list[Event] = []
        first_line = self._headline_end()
        for i, (s0, s1) in enumerate(self.doc.sentences):
            text = self.doc.clean[s0:s1]
            folded = _fold_keep(text)
            skip = dateline_end(text) if s0 == 0 or self.doc.clean[s0 - 1] == "\n" else 0
            dates = [d for d in find_dates(text, self.published, words=self.words) if d.start >= skip]
            rebels_here = any(side == "rebel" for _, _, side in self._sides(folded, skip))
            if s0 < first_line:
                self.rebels_seen = self.rebels_seen or rebels_here
                continue
            self._folded = folded
            found = self._sentence_events(i, text, folded, dates, skip, events)
            self.rebels_seen = self.rebels_seen or rebels_here
            for d in dates:
                if d.date is not None and d.precision == "day":
                    self.last_date = (d.date, d.precision)
            events.extend(found)
            if found and found[-1].date is not None and found[-1].date_precision == "day":
                self.last_date = (found[-1].date, "day")
        return _merge(events)

    def _headline_end(self) -> int:
        clean = self.doc.clean
        first = next((i for i, c in enumerate(clean) if not c.isspace()), len(clean))
        end = clean.find("\n", first)
        return end if end != -1 and clean[end:].strip() else 0

    # -- one sentence --------------------------------------------------------

    def _sentence_events(self, i: int, text: str, folded: str, dates: list[DateMention], skip: int,
                         earlier: list[Event]) -> list[Event]:
        triggers = [(m.start(), r) for r in _rules() for m in r.pattern.finditer(folded)
                    if m.start() >= skip and not _BACK_REFERENCE.search(folded, 0, m.start())]
        if not triggers:
            return []
        strong = [t for t in triggers if t[1].priority >= _STRONG_PRIORITY]
        pos, rule = min(strong or triggers, key=lambda t: t[0])
        s0 = self.doc.sentences[i][0]
        sides = self._sides(folded, skip)
        event_type, sub = self._type(rule, sides, folded)
        places = self.by_sentence.get(i, [])
        date, precision, dated = self._date(dates, pos, earlier)
        fatalities = _fatalities(folded, self.words)
        attackers = _attackers(folded, self.words)
        actor1, actor2 = self._actors(sides, event_type, sub, pos)
        self._inherited = False
        targets = self._locations(i, places, pos + s0, earlier, dated)
        if not targets:
            return []
        out = []
        for loc in targets:
            ev = Event(sentence=i, trigger=pos, event_type=event_type, sub_event_type=sub, quote=text.strip(),
                       date=date, date_precision=precision, dated_here=dated, location=loc,
                       actor1=actor1, actor2=actor2, fatalities=fatalities, attackers=attackers)
            if not self._is_event(ev, self._inherited, earlier, dates):
                continue
            out.append(ev)
        return out

    def _type(self, rule: _Rule, sides, folded: str) -> tuple[str, str]:
        if (rule.event_type, rule.sub_event_type) in (("Battles", "Armed clash"), ("Violence against civilians", "Attack")):
            hit = {side for _, _, side in sides}
            forces = bool(hit & {"military", "police"})
            if "civilian" in hit and not forces:
                return "Violence against civilians", "Attack"
            if forces or rule.event_type == "Battles":
                return "Battles", "Armed clash"
        return rule.event_type, rule.sub_event_type

    def _sides(self, folded: str, skip: int) -> list[tuple[int, str, str]]:
        """(position, actor, side) of every actor named as a participant, in text order."""
        out = []
        for pattern, actor, side in _actors():
            for m in pattern.finditer(folded):
                if m.start() < skip:
                    continue
                around = folded[max(0, m.start() - 45):m.start()] + " " + folded[m.end():m.end() + 12]
                if _SPEECH.search(around) and side in ("military", "police"):
                    continue  # "the army said", "informó la Policía": the source, not a side
                out.append((m.start(), actor, side))
        out.sort()
        return out

    def _actors(self, sides, event_type: str, sub: str, trigger: int) -> tuple[str | None, str | None]:
        named = []
        for pos, actor, side in sides:
            if actor not in named:
                named.append(actor)
        unknown = "Unidentified Armed Group (Peru)"
        if unknown in named and ("Shining Path" in named or self.rebels_seen):
            # "gunmen believed to be Shining Path rebels", or a story about the Shining Path
            named = ["Shining Path" if a == unknown else a for a in named]
            named = [a for i, a in enumerate(named) if a not in named[:i]]
        side_of = {a: s for _, a, s in sides}
        if event_type == "Strategic developments":
            agent = next((a for a in named if side_of.get(a) in ("police", "military")), "Police Forces of Peru")
            other = "Shining Path" if "Shining Path" in named else None
            return agent, other
        if event_type == "Violence against civilians":
            attacker = next((a for a in named if side_of.get(a) in ("rebel", "unknown")),
                            "Shining Path" if self.rebels_seen else unknown)
            return attacker, "Civilians (Peru)"
        if sub == "Air/drone strike":
            agent = next((a for a in named if side_of.get(a) in ("foreign", "military")), "Military Forces of Peru")
            target = next((a for a in named if side_of.get(a) in ("foreign_rebel", "rebel")), None)
            return agent, target
        first = self._initiator(sides, trigger, self._folded)
        forces = next((a for _, a, s in sides if s in ("military", "police")), "Military Forces of Peru")
        rebels = "Shining Path"
        if first is None:
            first = rebels if self.rebels_seen or "Shining Path" in named else unknown
        if first in ("Military Forces of Peru", "Police Forces of Peru"):
            return first, rebels
        return first, forces

    @staticmethod
    def _initiator(sides, trigger: int, folded: str) -> str | None:
        """The first side named before the trigger that is not a victim, else the first after it."""
        before = [(p, a, s) for p, a, s in sides if p <= trigger and s not in ("civilian",)]
        for p, a, s in before:
            if not _VICTIM.match(folded, p):
                return a
        after = [a for p, a, s in sides if p > trigger and s in ("rebel", "unknown", "foreign_rebel")]
        return after[0] if after else None

    def _date(self, dates: list[DateMention], trigger: int, earlier: list[Event]) -> tuple[dt.date | None, str, bool]:
        explicit = [d for d in dates if d.date is not None and d.precision == "day" and d.kind == "explicit"]
        if explicit:  # "un día después del ataque … perpetrado el lunes 17 de febrero": the date given wins
            d = min(explicit, key=lambda d: abs(d.start - trigger))
            return d.date, d.precision, True
        if dates:
            d = min(dates, key=lambda d: abs(d.start - trigger))
            if d.relative:
                base = earlier[-1].date if earlier and earlier[-1].date else (self.last_date or (None,))[0]
                if base is not None:
                    step = 1 if d.relative == "next_day" else 0
                    return base + dt.timedelta(days=step), "day", True
            elif d.date is not None:
                return d.date, d.precision, True
        if self.last_date is not None:
            return self.last_date[0], self.last_date[1], False
        return self.published, "day", False

    def _locations(self, i: int, places: list[ParsedMention], trigger: int,
                   earlier: list[Event], dated: bool) -> list[ParsedMention]:
        clean = self.doc.clean
        places = [p for p in places
                  if not _DESTINATION.search(_fold_keep(clean[max(0, p.mention.start - 30):p.mention.start]))
                  and not _SPEECH.match(_fold_keep(clean[p.mention.end:p.mention.end + 12]).strip())]
        after = [p for p in places if p.mention.start >= trigger]
        bases = [p for p in after if p.place is not None and p.place.kind.is_base or "base" in p.mention.cues]
        if len({p.mention.key for p in bases}) >= 2:
            return _unique(bases)  # "fired on the bases at Unión Mantaro and Ccano": one event each
        ordered = after + [p for p in places if p.mention.start < trigger]
        fine = [p for p in ordered if _precision(p) in _FINE]
        if fine:
            return [fine[0]]
        if not places and earlier and earlier[-1].location is not None:
            self._inherited = True
            return [earlier[-1].location]  # "… from the same area"
        nxt = [p for p in self.by_sentence.get(i + 1, []) if _precision(p) in _FINE]
        if nxt and dated:  # "Gunmen killed 16 people on Sunday… The victims were found in San Miguel del Ene"
            return [nxt[0]]
        coarse = [p for p in ordered if _precision(p) not in ("country", None)]
        if coarse:
            return [coarse[0]]
        if earlier and earlier[-1].location is not None:
            self._inherited = True
            return [earlier[-1].location]
        return []

    @staticmethod
    def _is_event(ev: Event, inherited: bool, earlier: list[Event], dates: list[DateMention]) -> bool:
        """Whether a triggered sentence reports a new event rather than background or a follow-up.

        Background gives only a year ("the ambush at Sanabamba in 2009", "the
        deadliest attack since 2016"); a follow-up names no place of its own,
        or only a river or a region, after an event was already told.
        """
        if dates and not ev.dated_here or _BACKGROUND.search(_fold_keep(ev.quote)):
            return False
        if ev.dated_here and ev.date_precision == "year":
            return False
        precise = ev.location is not None and _precision(ev.location) in _FINE
        if inherited:
            return ev.dated_here and ev.date_precision == "day"
        if not precise and earlier:
            return False
        return precise or (ev.dated_here and ev.date_precision in ("day", "month"))


def _precision(pm: ParsedMention) -> str | None:
    best = pm.resolution.best
    return best.place.precision.value if best is not None else None


def _unique(pms: list[ParsedMention]) -> list[ParsedMention]:
    seen, out = set(), []
    for p in pms:
        if p.mention.key not in seen:
            seen.add(p.mention.key)
            out.append(p)
    return out


def _merge(events: list[Event]) -> list[Event]:
    """One event per date and place: later sentences that describe it again add to it.

    Two locations are one place when they lie within :data:`MERGE_KM` or one
    is the admin unit holding the other ("the district of Llochegua" … "between
    Llochegua and Canayre").
    """
    out: list[Event] = []
    for ev in events:
        twin = next((e for e in out if e.date == ev.date and (_same_place(e, ev) or not ev.dated_here and
                     e.location is not None and ev.location is not None
                     and e.location.mention.key == ev.location.mention.key)), None)
        if twin is None:
            out.append(ev)
            continue
        if not twin.fatalities and ev.fatalities:
            twin.fatalities = ev.fatalities
        if twin.attackers is None:
            twin.attackers = ev.attackers
    return out


def _same_place(a: Event, b: Event) -> bool:
    pa, pb = _place(a), _place(b)
    if pa is None or pb is None:
        return pa is pb
    if pa.id == pb.id:
        return True
    for x, y in ((pa, pb), (pb, pa)):
        code = {"district": x.admin3_code, "province": x.admin2_code, "department": x.admin1_code}.get(x.kind.value)
        if code and code in (y.admin1_code, y.admin2_code, y.admin3_code):
            return True
    return _km(pa, pb) < MERGE_KM


def _place(ev: Event):
    best = ev.location.resolution.best if ev.location is not None else None
    return best.place if best is not None else None


def _km(a, b) -> float:
    import math

    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))



# -- numbers ------------------------------------------------------------------

def _number(token: str, words: Lexicon) -> int | None:
    if token.isdigit() and len(token) <= 4:
        return int(token)
    return words.numbers.get(token)


def _fatalities(folded: str, words: Lexicon) -> int:
    """Deaths reported in a sentence (0 when none are)."""
    deaths = words.roles.get("death", frozenset())
    nouns = words.roles.get("person_noun", frozenset())
    total = 0
    for clause in _clauses(folded):
        toks = _TOKEN.findall(clause)
        if not any(t in deaths for t in toks):
            continue
        if re.search(r"\b(?:no one|nobody|no (?:soldiers|one|casualties|deaths)|sin (?:causar )?victimas)\b", clause):
            continue
        count = 0
        stop = len(toks)
        for k, t in enumerate(toks):
            if t in ("including", "among", "entre", "incluidos", "incluidas"):
                stop = k  # "16 people, including two children": a subset
                break
        for k in range(stop):
            n = _number(toks[k], words)
            if n is None:
                continue
            nxt = toks[k + 1:k + 5]
            if toks[k] in ("a", "an", "un", "una") and not _one_person(nxt, nouns):
                continue
            if any(x in nouns for x in nxt[:4]) or (nxt and nxt[0] == "other"):
                count += n + (1 if nxt and nxt[0] == "other" else 0)
        total += count
    return total


def _one_person(nxt: list[str], nouns: frozenset[str]) -> bool:
    """After "a"/"un": a person ("a soldier", "a police officer", "un presunto integrante"), not "a police truck"."""
    if not nxt:
        return False
    if nxt[0] in ("police", "policia", "military", "army", "militar"):
        return len(nxt) > 1 and nxt[1] in nouns
    return nxt[0] in nouns or (len(nxt) > 1 and nxt[1] in nouns)


def _attackers(folded: str, words: Lexicon) -> int | None:
    nouns = words.roles.get("attacker_noun", frozenset())
    toks = _TOKEN.findall(folded)
    for k, t in enumerate(toks):
        n = _number(t, words)
        if n is None or n < 2 or t in ("a", "an", "un", "una"):
            continue
        if any(x in nouns for x in toks[k + 1:k + 5]):
            return n
    return None


def _clauses(folded: str) -> list[str]:
    parts = re.split(r";|\bwhen\b|\bcuando\b|\bas\b", folded)
    return [p for p in parts if p.strip()]


# -- output -------------------------------------------------------------------

def _frame(events: list[Event], *, source: str | None, source_url: str | None):
    import geopandas as gpd
    import pandas as pd
    import shapely

    from geo.schema import CRS, EVENT_COLUMNS

    rows: list[dict[str, Any]] = []
    geoms = []
    for n, ev in enumerate(events, 1):
        loc = ev.location
        best = loc.resolution.best if loc is not None else None
        place = best.place if best is not None else None
        notes = [f"attackers: {ev.attackers}"] if ev.attackers else []
        rows.append({
            "event_id": f"E{n}", "event_date": pd.Timestamp(ev.date) if ev.date else pd.NaT,
            "date_precision": ev.date_precision, "event_type": ev.event_type, "sub_event_type": ev.sub_event_type,
            "actor1": ev.actor1, "actor2": ev.actor2, "fatalities": ev.fatalities,
            "location": loc.text if loc is not None else None,
            **{k: getattr(place, k) if place else None for k in
               ("admin1", "admin1_code", "admin2", "admin2_code", "admin3", "admin3_code", "country")},
            "latitude": place.lat if place else None, "longitude": place.lon if place else None,
            "precision": place.precision.value if place else None,
            "geo_precision": place.precision.acled if place else None,
            "where_prec": place.precision.ucdp if place else None,
            "place_id": place.id if place else None,
            "confidence": round(loc.resolution.confidence, 3) if loc is not None else 0.0,
            "source": source, "source_url": source_url, "source_quote": ev.quote,
            "notes": "; ".join(notes) or None,
            "status": loc.resolution.status if loc is not None else "unresolved",
            "reason": (loc.resolution.reason if loc is not None else "no place named for this event") or "",
        })
        geoms.append(shapely.Point(place.lon, place.lat) if place else None)
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for col, (dtype, _) in EVENT_COLUMNS.items():
        frame[col] = frame[col].astype(dtype)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


def events_geojson(frame) -> dict[str, Any]:
    """An events frame as a GeoJSON FeatureCollection (dates as ``YYYY-MM-DD``, missing values as null)."""
    features = []
    for row, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry):
        props = {}
        for k, v in row.items():
            if v is None or v is _pd_na() or (isinstance(v, float) and v != v):
                v = None
            elif hasattr(v, "strftime"):
                v = v.strftime("%Y-%m-%d") if v == v else None
            elif hasattr(v, "item"):
                v = v.item()
            props[k] = v
        point = None if geom is None or geom.is_empty else {"type": "Point",
                                                            "coordinates": [round(geom.x, 6), round(geom.y, 6)]}
        features.append({"type": "Feature", "geometry": point, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _pd_na():
    import pandas as pd

    return pd.NA
