"""What the event extractor reads reports with: its rules, cues and actors (data files), and the Event.

The patterns live in CSV files beside this module, so they can be read,
reviewed and extended without touching code: ``event_rules.csv`` (triggers
with their ACLED type and priority), ``event_cues.csv`` (the phrase lists:
hypothetical, background, here, person titles...), ``actors.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from gazetteer.errors import DataError

from .lexicon import DATA_DIR
from .parser import ParsedMention

__all__ = ["Event", "Rule", "rules", "any_trigger", "rebels", "cue", "actors",
           "STRONG_PRIORITY", "SPECIFIC_PRIORITY", "MASSACRE_PRIORITY"]

#: Triggers at or above this priority announce an event by themselves.
STRONG_PRIORITY = 40
#: Triggers at or above this priority (massacres) keep their type whoever else is named.
MASSACRE_PRIORITY = 78
#: Triggers at or above this priority name the incident wherever they stand in the sentence.
SPECIFIC_PRIORITY = 92


@dataclass
class Event:
    """One extracted event (see :data:`geo.schema.EVENT_COLUMNS` for the output columns).

    ``priority`` is its trigger's (a later telling with a more specific
    trigger may retype it); ``distinct`` marks "another bomb": a new incident,
    never merged into an earlier one.
    """

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
    distinct: bool = False


@dataclass(frozen=True)
class Rule:
    """A trigger of ``event_rules.csv``: a pattern on the folded sentence, its ACLED type, its priority."""

    pattern: re.Pattern
    event_type: str
    sub_event_type: str
    priority: int


@lru_cache(maxsize=2)
def rules(path=DATA_DIR / "event_rules.csv") -> tuple[Rule, ...]:
    """The triggers, in file order (the order breaks ties between triggers at one position)."""
    return tuple(Rule(re.compile(r["pattern"]), r["event_type"], r["sub_event_type"], int(r["priority"]))
                 for r in _read(path, ("pattern", "event_type", "sub_event_type", "priority")))


@lru_cache(maxsize=1)
def any_trigger() -> re.Pattern:
    """All triggers in one pattern: most sentences have none, and one scan says so."""
    return re.compile("|".join(f"(?:{r.pattern.pattern})" for r in rules()))


@lru_cache(maxsize=1)
def rebels() -> re.Pattern:
    """Any actor of the rebel side (``actors.csv``), in one pattern."""
    return re.compile("|".join(f"(?:{p.pattern})" for p, _, side in actors() if side == "rebel"))


@lru_cache(maxsize=2)
def _cues(path=DATA_DIR / "event_cues.csv") -> dict[str, re.Pattern]:
    """The phrase lists that read a report (``event_cues.csv``: name, pattern, note), compiled."""
    return {r["name"]: re.compile(r["pattern"]) for r in _read(path, ("name", "pattern", "note"))}


def cue(name: str) -> re.Pattern:
    """One cue of ``event_cues.csv`` ("hypothetical", "background", "here", ...)."""
    return _cues()[name]


@lru_cache(maxsize=2)
def actors(path=DATA_DIR / "actors.csv") -> tuple[tuple[re.Pattern, str, str], ...]:
    return tuple((re.compile(r["pattern"]), r["actor"], r["side"]) for r in _read(path, ("pattern", "actor", "side")))


def _read(path, required) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            re.compile(r["pattern"])
    except (OSError, csv.Error, re.error, KeyError) as exc:
        raise DataError(f"{path}: cannot read the event rules: {exc}") from exc
    if rows and any(c not in rows[0] for c in required):
        raise DataError(f"{path}: expected columns {', '.join(required)}")
    return rows
