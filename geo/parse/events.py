"""Events from news text: what happened, when, where, who, and how many died.

The report is read the way an analyst codes it (ACLED: one event per
incident, per location, per day). Its dateline (:func:`geo.parse.dates.read_dateline`:
wire, radio, FBIS and Spanish agency styles) gives the reference date for
relative dates; the dateline city is the place only when the text says
"here" or "in this capital". A headline (a short first line without a full
stop) is skipped: the lead repeats it. Then, sentence by sentence, an event
is announced by a trigger from ``event_rules.csv`` (a regular expression on
the folded sentence with its ACLED type and sub-type), unless the trigger is
hypothetical, planned, a legal charge or a kind of act ("a wave of attacks");
the earliest strong trigger decides the type, refined by weapon (explosives
without a fight: a bombing) and by who was hit (civilians only: *Violence
against civilians*; soldiers or police: *Battles / Armed clash*). Then:

- **where**: a place fronted before the trigger ("En Tarma, …"), else the
  places after it (a list of places: one event each), else before it, else
  the next sentence's, else the story's first placed sentence's; people,
  streets, origins of a route and places before "reported that" are not the
  place. With no place at all the event stays, ``unresolved``;
- **when**: the date expression nearest the trigger (:mod:`geo.parse.dates`),
  not one of something to come; else the last date of the story so far, else
  the dateline's date;
- **who**: actors from ``actors.csv``; the initiator is the first side named
  that is not the victim ("a police officer was killed when rebels fired");
  sides named only as the source of the report ("the army said") take no part;
- **how many**: :mod:`geo.parse.tolls`.

The same incident told again (same day, same place, compatible type) is
merged, keeping the finer place and the more specific type; "another bomb"
is a new incident. Background is no event: history ("last year", "in the
1980s", dates months before the report), comparisons ("a similar attack"),
the pluperfect. The phrase lists for all this are data: ``event_cues.csv``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from gazetteer import Gazetteer
from gazetteer.errors import InvalidInputError

from .eventframe import events_frame, events_geojson
from .dates import DateMention, Dateline, _fold_keep, find_dates, parse_published, read_dateline
from .lexicon import Lexicon, lexicon
from .parser import CHUNK_CHARS, ParsedMention, parse_pieces
from .text import Document
from . import tolls
from .eventmerge import FINE, absorb, merge
from .eventrules import (MASSACRE_PRIORITY, SPECIFIC_PRIORITY, STRONG_PRIORITY, Event, Rule, actors, any_trigger,
                         cue, rebels, rules)

__all__ = ["Event", "events_geojson", "extract_events", "extract_reports"]

#: A date farther than this (characters) from the trigger loses to a nearer relative one.
_DATE_REACH = 80
#: An incident dated more than this many days before the report is history, not news.
_NEWS_DAYS = 120
_LISTABLE = frozenset({"point", "near", "district", "province"})
#: A first line longer than this is the lead, not a headline.
_HEADLINE_CHARS = 160


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
    gaz = gaz or Gazetteer.default()
    events = _report_events(text, published, gaz, strip_html=strip_html, chunk_chars=chunk_chars)
    return events_frame(events, source=source, source_url=source_url)


def extract_reports(reports: Iterable[Mapping[str, Any]], *, gaz: Gazetteer | None = None):
    """The events of many reports, as one frame (much faster than a frame per report).

    Parameters
    ----------
    reports : iterable of mapping
        Each with ``text`` and ``published`` (``YYYY-MM-DD``), and optionally
        ``id`` (event ids become ``<id>-E1``, ...), ``source`` and ``source_url``.
    gaz : Gazetteer, optional

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`extract_events`, the reports' events one after the other.

    Raises
    ------
    gazetteer.errors.InvalidInputError
        Naming the report (its id or position) whose text or date is missing or invalid.
    """
    gaz = gaz or Gazetteer.default()
    events: list[Event] = []
    ids: list[str] = []
    sources: list[str | None] = []
    urls: list[str | None] = []
    for n, report in enumerate(reports, 1):
        name = str(report.get("id") or n)
        text = report.get("text")
        if not isinstance(text, str):
            raise InvalidInputError(f"report {name}: 'text' must be a string, got {type(text).__name__}")
        try:
            found = _report_events(text, report.get("published"), gaz)
        except InvalidInputError as exc:
            raise InvalidInputError(f"report {name}: {exc}") from exc
        events.extend(found)
        ids.extend(f"{name}-E{k}" for k in range(1, len(found) + 1))
        sources.extend([report.get("source")] * len(found))
        urls.extend([report.get("source_url")] * len(found))
    return events_frame(events, source=sources, source_url=urls, ids=ids)


def _report_events(text: str, published, gaz: Gazetteer, *, strip_html: bool | None = None,
                   chunk_chars: int = CHUNK_CHARS) -> list[Event]:
    pub = parse_published(published)
    if pub is None:
        raise InvalidInputError("published date is required to resolve relative dates")
    events: list[Event] = []
    for _, doc, mentions in parse_pieces(text, gaz=gaz, strip_html=strip_html, chunk_chars=chunk_chars):
        events.extend(_Extractor(doc, mentions, pub, lexicon()).run())
    return events


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
        common = words.roles.get("common", frozenset())
        for pm in mentions:
            if pm.mention.role != "place" or pm.resolution.best is None:
                continue
            if pm.mention.dateline or self._in_dateline(pm.mention.start):
                self.dateline_place = self.dateline_place or pm
            elif not _is_person(doc.clean, pm.mention.start, pm.mention.end) and not (
                    pm.mention.key in common and not pm.mention.cues):  # "Una carga", "Banco de Crédito"
                self.by_sentence.setdefault(pm.mention.sentence, []).append(pm)
        self.last_date: tuple[dt.date, str] | None = None
        self.rebels_seen = False

    def _future(self, d: DateMention) -> bool:
        """Whether ``d`` dates something to come ("the strike set for 14 August"), not the incident."""
        return d.date is not None and d.date > self.ref or bool(
            cue("future").search(self._folded, max(0, d.start - 30), d.start))

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
            dates = [d for d in find_dates(text, self.ref, words=self.words, include_speech=True, folded=folded)
                     if d.start >= skip]
            self._speech_date = next((d.date for d in dates if d.kind == "speech" and d.date is not None), None)
            dates = [d for d in dates if d.kind != "speech"]
            rebels_here = rebels().search(folded, skip) is not None
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
        return merge(events)

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
        if any_trigger().search(folded, skip) is None:
            return []
        found = [(m, r) for r in rules() for m in r.pattern.finditer(folded) if m.start() >= skip]
        back = [_refers_back(folded, m) for m, _ in found]
        triggers = [(m.start(), r) for (m, r), refers in zip(found, back) if not refers
                    and not cue("hypothetical").search(folded, max(skip, m.start() - 40), m.start())
                    and not cue("legal").search(folded, max(skip, m.start() - 40), m.start())
                    and not cue("legal_after").match(folded, m.end())
                    and not _generic(folded, m, skip)]
        if not triggers:
            if any(back):
                self._date_back(i, dates, earlier)
            return []
        strong = [t for t in triggers if t[1].priority >= STRONG_PRIORITY]
        # A specific act (a bomb defused, a cache found) right after the first trigger names the incident:
        # "agents of the explosives unit defused a device".
        first = min(strong or triggers, key=lambda t: t[0])
        specific = [t for t in strong if t[1].priority >= SPECIFIC_PRIORITY and 0 < t[0] - first[0] < 40]
        pos, rule = min(specific, key=lambda t: t[0]) if specific else first
        s0 = self.doc.sentences[i][0]
        sides = self._sides(folded, skip)
        event_type, sub = self._type(rule, sides, folded)
        places = self.by_sentence.get(i, [])
        date, precision, dated = self._date(dates, pos, earlier)
        body = _without_dates(folded, dates, skip)
        fatalities = tolls.fatalities(body, self.words)
        attackers = tolls.attackers(body, self.words)
        actor1, actor2 = self._actors(sides, event_type, sub, pos)
        self._inherited = False
        self._anchored = False
        here = self.dateline_place is not None and cue("here").search(folded) is not None
        if here and not places:
            targets: list[ParsedMention | None] = [self.dateline_place]  # "en esta ciudad", before any guess
        else:
            targets = self._locations(i, places, pos + s0, earlier, dated)
        if not targets and self.dateline_place is not None and (
                here or not places and cue("urban").search(folded)):
            targets = [self.dateline_place]  # "here", "in this capital", "en esta ciudad", "on Junín street"
        if not targets and not places and not earlier:
            lead = self._lead_place(i)
            if lead is not None:  # "… a severe blow to Shining Path in Lima. The police presented 29 arrested …"
                targets = [lead]
        if not targets:
            # Plainly an event, but no place for it: kept, unresolved, never put at the dateline.
            if not (fatalities or dated and rule.priority >= STRONG_PRIORITY):
                return []
            targets = [None]
        out = []
        for loc in targets:
            ev = Event(sentence=i, trigger=pos, event_type=event_type, sub_event_type=sub, quote=text[skip:].strip(),
                       priority=rule.priority,
                       distinct=bool(cue("another").search(folded, max(skip, pos - 80), pos + 40)),
                       date=date, date_precision=precision, dated_here=dated, location=loc,
                       actor1=actor1, actor2=actor2, fatalities=fatalities, attackers=attackers)
            if not self._is_event(ev, self._inherited, earlier, dates):
                if earlier and not ev.distinct and not ev.dated_here and (loc is None or self._inherited):
                    absorb(earlier[-1], ev)  # a detail of the incident just told ("the bomb went off at 2230")
                continue
            out.append(ev)
        return out

    def _date_back(self, i: int, dates: list[DateMention], earlier: list[Event]) -> None:
        """"The attack took place on 15 January": sentence ``i``, referring back, dates the incident just told.

        Only an incident its own sentence left undated (its date is the
        dateline's), told in one of the two sentences before, takes the day,
        and only a day written out ("15 January", "3 de marzo").
        """
        if not earlier or earlier[-1].dated_here or earlier[-1].sentence < i - 2:
            return
        # An explicit day only: "el próximo lunes" in such a sentence is often another event's (a strike called).
        day = next((d for d in dates if d.date is not None and d.precision == "day" and d.kind == "explicit"), None)
        if day is None:
            return
        ev = earlier[-1]
        ev.date, ev.date_precision, ev.dated_here = day.date, "day", True

    def _type(self, rule: Rule, sides, folded: str) -> tuple[str, str]:
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
        if cue("explosive").search(folded) and not cue("fight").search(folded):
            return "Explosions/Remote violence", "Remote explosive/landmine/IED"
        if rule.priority >= MASSACRE_PRIORITY:
            return rule.event_type, rule.sub_event_type
        if cue("protesters").search(folded):
            return "Riots", "Violent demonstration"  # "un manifestante muerto, nueve policías heridos"
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
        for pattern, actor, side in actors():
            for m in pattern.finditer(folded):
                if m.start() < skip:
                    continue
                around = folded[max(0, m.start() - 45):m.start()] + " " + folded[m.end():m.end() + 12]
                if cue("speech").search(around) and side in ("military", "police"):
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
            if not cue("victim").match(folded, p):
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
        if self._speech_date is not None and not earlier:
            return self._speech_date, "day", False  # "the police reported today that 15,000 were arrested"
        if self.last_date is not None:
            return self.last_date[0], self.last_date[1], False
        return self.ref, "day", False

    def _locations(self, i: int, places: list[ParsedMention], trigger: int,
                   earlier: list[Event], dated: bool) -> list[ParsedMention]:
        clean = self.doc.clean
        places = [p for p in places
                  if not cue("destination").search(_fold_keep(clean[max(0, p.mention.start - 30):p.mention.start]))
                  and not cue("origin").search(_fold_keep(clean[max(0, p.mention.start - 12):p.mention.start]))
                  and not cue("speech").match(_fold_keep(clean[p.mention.end:p.mention.end + 12]).strip())]
        fronted = self._fronted(i, places, trigger)
        if fronted is not None:
            self._anchored = True
            return [fronted]  # "En Breña, un artefacto estalló …", "In Lima, another commando shot …"
        frame = cue("speech_frame").search(_fold_keep(clean[self.doc.sentences[i][0]:trigger]))
        if frame is not None:  # "the commander of the port of Copacabana reported that a bomb … in Yunguyo"
            cut = self.doc.sentences[i][0] + frame.end()
            places = [p for p in places if p.mention.start >= cut] or places
        after = [p for p in places if p.mention.start >= trigger]
        bases = [p for p in after if p.place is not None and p.place.kind.is_base or "base" in p.mention.cues]
        if len({p.mention.key for p in bases}) >= 2:
            return _unique(bases)  # "fired on the bases at Unión Mantaro and Ccano": one event each
        listed = self._listed(after)
        if len(listed) >= 2:
            self._anchored = True
            return listed  # "arrested miners at the La Oroya, Morococha and Casa Palca camps": one event each
        ordered = after + [p for p in places if p.mention.start < trigger]
        fine = [p for p in ordered if _precision(p) in FINE]
        if fine:
            return [fine[0]]
        if not places and earlier and earlier[-1].location is not None:
            self._inherited = True
            return [earlier[-1].location]  # "… from the same area"
        nxt = [p for p in self.by_sentence.get(i + 1, []) if _precision(p) in FINE]
        own = [p for p in places if _precision(p) not in ("country", "region", "department", None)]
        if nxt and dated and not own:  # "Gunmen killed 16 people on Sunday… The victims were found in Vizcatán"
            return [nxt[0]]
        coarse = [p for p in ordered if _precision(p) not in ("country", None)]
        if coarse:
            return [coarse[0]]
        if earlier and earlier[-1].location is not None:
            self._inherited = True
            return [earlier[-1].location]
        return []

    def _fronted(self, i: int, places: list[ParsedMention], trigger: int) -> ParsedMention | None:
        """A place fronted before the trigger with its preposition and a comma: "En Tarma, un comando …"."""
        s0 = self.doc.sentences[i][0]
        if self._in_dateline(s0):
            s0 = self.dateline.end  # "LIMA, 3 FEB 89 -- [TEXT] IN HUANCAYO, IT HAS BEEN CONFIRMED …"
        clean = self.doc.clean
        for p in places:
            if p.mention.start >= trigger:
                break
            head = _fold_keep(clean[s0:p.mention.start]).lstrip()
            if cue("front").fullmatch(head) and clean[p.mention.end:p.mention.end + 2].lstrip().startswith(","):
                return p
        return None

    def _lead_index(self) -> int:
        """Index of the story's first sentence (after the headline and the dateline)."""
        start = max(self._headline_end(), self.dateline.end if self.dateline is not None else 0)
        return next((k for k, (_, s1) in enumerate(self.doc.sentences) if s1 > start and
                     self.doc.clean[max(start, self.doc.sentences[k][0]):s1].strip()), 0)

    def _lead_place(self, i: int) -> ParsedMention | None:
        """The one fine place the lead (first sentence of the story) names, when sentence ``i`` follows it."""
        first = next((k for k, (s0, _) in enumerate(self.doc.sentences) if s0 >= self._headline_end()
                      and self.by_sentence.get(k) is not None or k == i), None)
        if first is None or first >= i:
            return None
        fine = _unique([p for p in self.by_sentence.get(first, []) if _precision(p) in FINE])
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
        if cue("between").search(_fold_keep(clean[max(0, places[0].mention.start - 12):places[0].mention.start])):
            return []
        run, closed = [places[0]], False
        for p in places[1:]:
            gap = _fold_keep(clean[run[-1].mention.end:p.mention.start])
            if not cue("list_gap").fullmatch(gap):
                break
            run.append(p)
            if cue("closing").search(gap):
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
        if dates and not ev.dated_here or cue("background").search(folded, max(0, ev.trigger - 40), ev.trigger + 40):
            return False
        if any(d.kind == "past" for d in dates) and not any(d.precision == "day" for d in dates):
            return False  # "last year's killing of 'Alipio'", "attacks in the 1980s"
        if ev.date is not None and (self.ref - ev.date).days > _NEWS_DAYS:
            return False  # "the 1997 rescue", "on 12 September 1992": history, not news
        if ev.dated_here and ev.date_precision == "year":
            return False
        # A place the sentence opens with, or lists, is the incident's own, even a province.
        precise = ev.location is not None and (_precision(ev.location) in FINE or self._anchored)
        if not earlier and ev.sentence == self._lead_index():
            return True  # the lead is the news, even dated by the dateline and placed by a province
        if inherited:
            return ev.distinct or ev.dated_here and ev.date_precision == "day"
        if not precise and earlier:
            return False
        return precise or (ev.dated_here and ev.date_precision in ("day", "month"))


def _refers_back(folded: str, m: re.Match) -> bool:
    """Whether trigger ``m`` is a noun referring to an incident already told ("the attack", "al ataque").

    "al pisar una mina" is an infinitive, not a reference back.
    """
    word = m.group(0).split()[0]
    if word.endswith(("ar", "er", "ir")) and folded[max(0, m.start() - 3):m.start()] == "al ":
        return False
    return cue("back_reference").search(folded, 0, m.start()) is not None


def _generic(folded: str, m: re.Match, skip: int) -> bool:
    """Whether trigger ``m`` names a kind of act ("wave of terrorist attacks"), not an incident."""
    word = m.group(0)
    if not cue("plural_generic").search(word):
        return False
    return not cue("counted").search(folded, max(skip, m.start() - 40), m.start())


def _is_person(clean: str, start: int, end: int) -> bool:
    """Whether the name at ``clean[start:end]`` is (part of) a person's or a facility's name.

    A person: a title before it ("minister Flores Aráoz"), a given name
    within the two words before it ("Eulogio Flores", "Víctor Polay Campos"),
    A facility: "Junín street", "avenida Uruguay", "the Cáceres park".
    """
    before = _fold_keep(clean[max(0, start - 40):start])
    after = _fold_keep(clean[end:end + 40])
    if (cue("person_before").search(before) or cue("facility_before").search(before)
            or cue("facility_after").match(after)):
        return True
    speech = cue("surname_speech").match(after)
    if speech is not None:
        roles = lexicon().roles
        nouns = set().union(*(roles.get(r, frozenset()) for r in ("common", "person_noun", "attacker_noun",
                                                                    "org_head", "cue")))
        if speech.group(1) not in nouns:
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
