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

from .dates import DateMention, Dateline, _fold_keep, find_dates, parse_published, read_dateline
from .lexicon import DATA_DIR, Lexicon, lexicon
from .parser import CHUNK_CHARS, ParsedMention, parse_pieces
from .text import Document

__all__ = ["Event", "events_geojson", "extract_events"]

_FINE = frozenset({"point", "near", "district"})
#: Triggers at or above this priority (massacres) keep their type whoever else is named.
_MASSACRE_PRIORITY = 78
_EXPLOSIVE = re.compile(r"\b(?:bombs?|bombing|explosives?|explosion|exploded|dynamite\w*|blast|detonat\w+|bombas?|"
                        r"explosiv\w+|explosion|estallo|detono|detonaron|dinamita\w*|petardos?)\b")
_FIGHT = re.compile(r"\b(?:clash\w*|firefight|fought|gun ?battle|shoot-?out|exchange of fire|ambush\w*|rifle|"
                    r"gunfire|machine-?guns?|fusil\w*|disparos|metralla\w*|"
                    r"enfrentamiento\w*|enfrentaron|combate\w*|emboscad\w*|balacera|tiroteo)\b")
#: Words before a trigger that make it hypothetical or planned: "to prevent possible attacks".
_HYPOTHETICAL = re.compile(r"\b(?:prevent|avoid|possible|potential|threat(?:en\w*)? (?:of|to)|plann\w+|plot\w*|"
                           r"would|could|might|fear\w*|warn\w* of|risk of|against|evitar|prevenir|posibles?|"
                           r"amenaz\w+|planeab\w+|planea\w*|intentaban|temor|riesgo de|contra (?:el|la|los|las)? ?"
                           r"(?:terrorismo|narcotrafico))\W+(?:\w+\W+){0,3}$")
#: Words just before a date that make it the date of something to come: "scheduled to begin on 14 August".
_FUTURE = re.compile(r"\b(?:scheduled|set|planned|will|to begin|to start|due|next|until|programad\w+|"
                     r"previst\w+|convocad\w+|proximo|proxima|hasta|para el|a partir del?)\W+(?:\w+\W+){0,2}$")
#: A date farther than this (characters) from the trigger loses to a nearer relative one.
_DATE_REACH = 80
#: An incident dated more than this many days before the report is history, not news.
_NEWS_DAYS = 120
#: The dateline's city named as the place: "here", "in this capital", "en esta ciudad".
_HERE = re.compile(r"\b(?:here|in this (?:capital|city)|aqui|en esta (?:capital|ciudad))\b")
#: Words before a name that make it a person's: "minister Flores Aráoz", "general Huamán", "alias Alipio".
_PERSON_BEFORE = re.compile(r"\b(?:minister|ministro|ministra|general|gral|gen|colonel|coronel|col|captain|capitan|"
                            r"president|presidente|presidenta|mayor|alcalde|alcaldesa|senator|senador|deputy|"
                            r"diputado|congresista|congressman|judge|juez|jueza|fiscal|prosecutor|mr|mrs|sr|sra|"
                            r"senor|senora|don|dona|dr|dra|alias|commander|comandante|leader|lider|cabecilla|"
                            r"camarada|comrade|father|padre|bishop|obispo|journalist|periodista|surnamed|inspector|sergeant|"
                            r"sargento|officer|oficial|agent|agente|lieutenant|teniente|corporal|cabo|engineer|"
                            r"ingeniero|doctor|professor|profesor|candidate|candidato|citizen|ciudadano|"
                            r"businessman|empresario|student|estudiante|peasant|campesino|companero|"
                            r"apellidad[oa]|spokesman|vocero|director)\.?\s+"
                            r"(?:(?!of\b|de\b|del\b|the\b|la\b|el\b)[a-z]+\s+){0,2}$")
_FACILITY_BEFORE = re.compile(r"\b(?:calle|avenida|av|jiron|jr|parque|plaza|hospital|universidad|colegio|"
                              r"estadio|hotel|mercado|penal|carcel|street|avenue|park|university)\.?\s+(?:de\s+)?$")
_FACILITY_AFTER = re.compile(r"\s*(?:street|avenue|ave|park|square|boulevard|hospital|university|stadium|"
                             r"building|prison|market|hotel|school|college|movement|party|front)\b")
_LISTABLE = frozenset({"point", "near", "district", "province"})
_BETWEEN = re.compile(r"\b(?:between|entre)\s+(?:the\s+|los\s+|las\s+)?$")
_CLOSING = re.compile(r"\b(?:and|y|e)\b")
#: What separates the names of a list of places: "X, Y and Z", "X y Z", "X, and the Y".
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|y\s+|e\s+)?|\s+(?:and|y|e)\s+)(?:the\s+|la\s+|el\s+|los\s+)?")
#: A first line longer than this is the lead, not a headline.
_HEADLINE_CHARS = 160
_STRONG_PRIORITY = 40
#: Events of one date and type closer than this (km) are one event told twice.
MERGE_KM = 15.0
_SPEECH = re.compile(r"\b(?:said|says|told|reported|announced|added|according to|dijo|informo|informaron|senalo|"
                     r"indico|afirmo|preciso|anuncio|reporto|segun|confirmo)\b")
_CLAUSE = re.compile(r"[;:]|,\s|\bwhen\b|\bcuando\b|\bafter\b|\bluego\b")
_TOKEN = re.compile(r"[a-z0-9]+")
# "the attack", "los detenidos", "la emboscada de Sanabamba": a noun that refers back, not a new event.
_BACK_REFERENCE = re.compile(r"\b(?:the|los|las|el|la|al|del|this|these|that|esta|este|dicho|dicha)\s+$")
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
    priority: int = 0


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
        self.dateline: Dateline | None = read_dateline(doc.clean, published, words=words)
        # Relative dates ("yesterday", "on Sunday") count from the dateline's date.
        self.ref = self.dateline.date if self.dateline is not None and self.dateline.date else published
        self.by_sentence: dict[int, list[ParsedMention]] = {}
        self.dateline_place: ParsedMention | None = None
        for pm in mentions:
            if pm.mention.role != "place" or pm.resolution.best is None:
                continue
            if pm.mention.dateline or self._in_dateline(pm.mention.start):
                self.dateline_place = self.dateline_place or pm
            elif not _is_person(doc.clean, pm.mention.start, pm.mention.end):
                self.by_sentence.setdefault(pm.mention.sentence, []).append(pm)
        self.last_date: tuple[dt.date, str] | None = None
        self.rebels_seen = False

    def _future(self, d: DateMention) -> bool:
        """Whether ``d`` dates something to come ("the strike set for 14 August"), not the incident."""
        return d.date is not None and d.date > self.ref or bool(
            _FUTURE.search(self._folded, max(0, d.start - 30), d.start))

    def _in_dateline(self, pos: int) -> bool:
        return self.dateline is not None and self.dateline.start <= pos < self.dateline.end

    def run(self) -> list[Event]:
        events: list[Event] = []
        first_line = self._headline_end()
        for i, (s0, s1) in enumerate(self.doc.sentences):
            if self.dateline is not None and self.dateline.start <= s0 and s1 <= self.dateline.end:
                continue  # corpus header lines, the dateline itself
            text = self.doc.clean[s0:s1]
            folded = _fold_keep(text)
            skip = max(0, self.dateline.end - s0) if self._in_dateline(s0) else 0
            dates = [d for d in find_dates(text, self.ref, words=self.words) if d.start >= skip]
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
        """End of the headline (0 when there is none): it repeats the lead, so it is not read for events.

        With a dateline, the headline is what comes before it; without one, a
        first line counts only when it is short and more text follows (wire
        copy and radio transcripts start with the lead itself).
        """
        clean = self.doc.clean
        if self.dateline is not None:
            return self.dateline.start
        first = next((i for i, c in enumerate(clean) if not c.isspace()), len(clean))
        end = clean.find("\n", first)
        line = clean[first:end].rstrip() if end != -1 else ""
        if end == -1 or not clean[end:].strip() or end - first > _HEADLINE_CHARS or line.endswith((".", "!", "?")):
            return 0  # a headline does not end with a full stop; a lead does
        return end

    # -- one sentence --------------------------------------------------------

    def _sentence_events(self, i: int, text: str, folded: str, dates: list[DateMention], skip: int,
                         earlier: list[Event]) -> list[Event]:
        triggers = [(m.start(), r) for r in _rules() for m in r.pattern.finditer(folded)
                    if m.start() >= skip and not _BACK_REFERENCE.search(folded, 0, m.start())
                    and not _HYPOTHETICAL.search(folded, max(skip, m.start() - 40), m.start())]
        if not triggers:
            return []
        strong = [t for t in triggers if t[1].priority >= _STRONG_PRIORITY]
        pos, rule = min(strong or triggers, key=lambda t: t[0])
        s0 = self.doc.sentences[i][0]
        sides = self._sides(folded, skip)
        event_type, sub = self._type(rule, sides, folded)
        places = self.by_sentence.get(i, [])
        date, precision, dated = self._date(dates, pos, earlier)
        body = _without_dates(folded, dates, skip)
        fatalities = _fatalities(body, self.words)
        attackers = _attackers(body, self.words)
        actor1, actor2 = self._actors(sides, event_type, sub, pos)
        self._inherited = False
        targets: list[ParsedMention | None] = self._locations(i, places, pos + s0, earlier, dated)
        if not targets and self.dateline_place is not None and _HERE.search(folded):
            targets = [self.dateline_place]  # "here", "in this capital", "en esta ciudad"
        if not targets and not places and not earlier:
            lead = self._lead_place(i)
            if lead is not None:  # "… a severe blow to Shining Path in Lima. The police presented 29 members arrested …"
                targets = [lead]
        if not targets:
            # Plainly an event, but no place for it: kept, unresolved, never put at the dateline.
            if not (fatalities or dated and rule.priority >= _STRONG_PRIORITY):
                return []
            targets = [None]
        out = []
        for loc in targets:
            ev = Event(sentence=i, trigger=pos, event_type=event_type, sub_event_type=sub, quote=text[skip:].strip(),
                       priority=rule.priority,
                       date=date, date_precision=precision, dated_here=dated, location=loc,
                       actor1=actor1, actor2=actor2, fatalities=fatalities, attackers=attackers)
            if not self._is_event(ev, self._inherited, earlier, dates):
                continue
            out.append(ev)
        return out

    def _type(self, rule: _Rule, sides, folded: str) -> tuple[str, str]:
        """ACLED type of the sentence's incident: the trigger's, then by weapon and by who was hit.

        A generic attack or killing with explosives and no fighting is a
        bombing; a massacre is always violence against civilians; otherwise
        civilians hit (and no forces) make it violence against civilians,
        soldiers or police hit a clash.
        """
        generic = (rule.event_type, rule.sub_event_type) in (("Battles", "Armed clash"),
                                                            ("Violence against civilians", "Attack"))
        if not generic:
            return rule.event_type, rule.sub_event_type
        if _EXPLOSIVE.search(folded) and not _FIGHT.search(folded):
            return "Explosions/Remote violence", "Remote explosive/landmine/IED"
        if rule.priority >= _MASSACRE_PRIORITY:
            return rule.event_type, rule.sub_event_type
        hit = {side for _, _, side in sides}
        forces = bool(hit & {"military", "police"})
        if "civilian" in hit and (not forces or rule.event_type == "Violence against civilians"):
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
        dates = [d for d in dates if d.kind != "past" and not self._future(d)]
        explicit = [d for d in dates if d.date is not None and d.precision == "day" and d.kind == "explicit"]
        if explicit:  # "un día después del ataque … perpetrado el lunes 17 de febrero": the date given wins
            d = min(explicit, key=lambda d: abs(d.start - trigger))
            near = [x for x in dates if abs(x.start - trigger) < abs(d.start - trigger) and x.date is not None]
            if near and abs(d.start - trigger) > _DATE_REACH:  # "killed yesterday … the strike set for 14 August"
                d = min(near, key=lambda x: abs(x.start - trigger))
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
        return self.ref, "day", False

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
        listed = self._listed(after)
        if len(listed) >= 2:
            return listed  # "arrested miners at the La Oroya, Morococha and Casa Palca camps": one event each
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

    def _lead_place(self, i: int) -> ParsedMention | None:
        """The one fine place the lead (first sentence of the story) names, when sentence ``i`` follows it."""
        first = next((k for k, (s0, _) in enumerate(self.doc.sentences) if s0 >= self._headline_end()
                      and self.by_sentence.get(k) is not None or k == i), None)
        if first is None or first >= i:
            return None
        fine = _unique([p for p in self.by_sentence.get(first, []) if _precision(p) in _FINE])
        return fine[0] if len(fine) == 1 else None

    def _listed(self, after: list[ParsedMention]) -> list[ParsedMention]:
        """Places named as a list right after the trigger ("in X, Y and Z", "en X y Z"), else [].

        The list starts at the first place after the trigger and is closed by
        "and"/"y"; "between X and Y" is one place, an address ("Ayna, La Mar")
        or a river's name is no list.
        """
        clean = self.doc.clean
        places = [p for p in _unique(after) if p.place is not None and _precision(p) in _LISTABLE
                  and p.place.kind.value not in ("river", "valley", "region", "coca_zone")]
        if len(places) < 2 or places[0] is not after[0]:
            return []
        if _BETWEEN.search(_fold_keep(clean[max(0, places[0].mention.start - 12):places[0].mention.start])):
            return []
        run, closed = [places[0]], False
        for p in places[1:]:
            gap = _fold_keep(clean[run[-1].mention.end:p.mention.start])
            if not _LIST_GAP.fullmatch(gap):
                break
            run.append(p)
            if _CLOSING.search(gap):
                closed = True
                break
        codes = [{c for c in (x.place.admin1_code, x.place.admin2_code, x.place.admin3_code) if c} for x in run]
        if not closed or any(a & b for i, a in enumerate(codes) for b in codes[i + 1:]
                             if run[i].place.precision.value != "point"):
            return []
        return run

    def _is_event(self, ev: Event, inherited: bool, earlier: list[Event], dates: list[DateMention]) -> bool:
        """Whether a triggered sentence reports a new event rather than background or a follow-up.

        Background gives only a year ("the ambush at Sanabamba in 2009", "the
        deadliest attack since 2016"); a follow-up names no place of its own,
        or only a river or a region, after an event was already told.
        """
        folded = _fold_keep(ev.quote)
        if dates and not ev.dated_here or _BACKGROUND.search(folded, max(0, ev.trigger - 40), ev.trigger + 40):
            return False
        if any(d.kind == "past" for d in dates) and not any(d.precision == "day" for d in dates):
            return False  # "last year's killing of 'Alipio'", "attacks in the 1980s"
        if ev.dated_here and ev.date is not None and (self.ref - ev.date).days > _NEWS_DAYS:
            return False  # "the 1997 rescue", "on 12 September 1992": history, not news
        if ev.dated_here and ev.date_precision == "year":
            return False
        precise = ev.location is not None and _precision(ev.location) in _FINE
        if inherited:
            return ev.dated_here and ev.date_precision == "day"
        if not precise and earlier:
            return False
        return precise or (ev.dated_here and ev.date_precision in ("day", "month"))


def _is_person(clean: str, start: int, end: int) -> bool:
    """Whether the name at ``clean[start:end]`` is (part of) a person's or a facility's name.

    A person: a title before it ("minister Flores Aráoz"), a given name
    within the two words before it ("Eulogio Flores", "Víctor Polay Campos"),
    A facility: "Junín street", "avenida Uruguay", "the Cáceres park".
    """
    before = _fold_keep(clean[max(0, start - 40):start])
    after = _fold_keep(clean[end:end + 40])
    if _PERSON_BEFORE.search(before) or _FACILITY_BEFORE.search(before) or _FACILITY_AFTER.match(after):
        return True
    given = lexicon().roles.get("given_name", frozenset())
    names = re.findall(r"[a-z]+", before)[-2:]
    capitalised = re.findall(r"[A-ZÁÉÍÓÚÑ][\w'’]*", clean[max(0, start - 40):start])[-2:]
    return any(w in given for w in names) and len(capitalised) >= len(names)


def _without_dates(folded: str, dates: list[DateMention], skip: int) -> str:
    """``folded`` with the dateline and the date expressions blanked (their numbers are not tolls)."""
    chars = list(folded)
    chars[:skip] = " " * skip
    for d in dates:
        chars[d.start:d.end] = " " * (d.end - d.start)
    return "".join(chars)


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
        twin = next((e for e in out if e.date == ev.date and e.sentence != ev.sentence
                     and (_same_place(e, ev) or not ev.dated_here and
                     e.location is not None and ev.location is not None
                     and e.location.mention.key == ev.location.mention.key)), None)
        if twin is None:
            out.append(ev)
            continue
        if not twin.fatalities and ev.fatalities:
            twin.fatalities = ev.fatalities
        if twin.attackers is None:
            twin.attackers = ev.attackers
        if ev.priority > twin.priority and twin.priority < _STRONG_PRIORITY + 20:
            # "two attacks in Lima last night … a powerful bomb exploded": the telling with the weapon types it
            twin.event_type, twin.sub_event_type, twin.priority = ev.event_type, ev.sub_event_type, ev.priority
        if _finer(ev, twin):
            twin.location = ev.location  # "in this capital" … "in the San Borja district"
    return out


def _finer(a: Event, b: Event) -> bool:
    """Whether ``a`` is placed more finely than ``b`` (a district over its department, a town over its city)."""
    order = {"point": 0, "near": 1, "district": 2, "province": 3, "department": 4, "region": 5, "country": 6}
    pa, pb = _place(a), _place(b)
    if pa is None or pb is None:
        return pa is not None
    return order.get(pa.precision.value, 9) < order.get(pb.precision.value, 9) or (
        b.location is not None and b.location.mention.dateline and not a.location.mention.dateline)


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
    import numpy as np
    import pandas as pd
    import shapely

    from geo.schema import CRS, EVENT_COLUMNS

    if not events:
        return _empty_frame().copy()
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
    # One typed array per column, built once: far cheaper per report than astype on each column.
    columns = {col: pd.array([row[col] for row in rows], dtype=dtype) for col, (dtype, _) in EVENT_COLUMNS.items()}
    geometry = gpd.array.from_shapely(np.array(geoms, dtype=object), crs=CRS)
    return gpd.GeoDataFrame(pd.DataFrame(columns, copy=False), geometry=geometry, crs=CRS)


@lru_cache(maxsize=1)
def _empty_frame():
    """The frame of a report with no event (built once; callers get a copy)."""
    import geopandas as gpd
    import pandas as pd

    from geo.schema import CRS, EVENT_COLUMNS

    columns = {col: pd.array([], dtype=dtype) for col, (dtype, _) in EVENT_COLUMNS.items()}
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


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
