"""The word lists the parser reads: data files beside this module.

``words.csv``
    ``word,role,value``: kind cues (``province`` → ``province``), locative
    prepositions, person titles, given names, heads of organisation names,
    speech verbs, weekday and month names, abbreviations that do not end a
    sentence, common words that are also names of hamlets, and the words
    that tell a valley from its river ("faction", "coca" / "banks", "boat").
``nonplaces.csv``
    ``phrase,type,note``: outlets, organisations, people and aliases that
    must not be reported as places ("El Comercio", "Shining Path", "Alipio").
``demonyms.csv``
    ``form,place,lang``: demonyms and adjectives and the place they stand for.

Words are stored folded (see :func:`gazetteer.names.fold`), so the files may
be written with accents and capitals.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from gazetteer.errors import DataError
from gazetteer.names import fold

__all__ = ["DATA_DIR", "Lexicon", "lexicon"]

#: Folder holding the parser's data files.
DATA_DIR = Path(str(resources.files("geo.parse")))


@dataclass(frozen=True)
class Lexicon:
    """Folded word sets by role, and the phrase lists."""

    roles: dict[str, frozenset[str]]
    cues: dict[str, str]                # folded cue word -> canonical cue (river, province, ...)
    plural_cues: frozenset[str]
    days: dict[str, int]                # folded weekday -> 0 (Monday) .. 6
    months: dict[str, int]              # folded month name or abbreviation -> 1..12
    numbers: dict[str, int]             # folded number word -> value ("doce" -> 12, "a" -> 1)
    nonplaces: dict[str, str]           # folded phrase -> type (organisation, outlet, person, alias)
    demonyms: dict[str, str]            # folded form -> place id

    def has(self, role: str, word: str) -> bool:
        """Whether folded ``word`` plays ``role``."""
        return word in self.roles.get(role, ())

    @property
    def abbreviations(self) -> frozenset[str]:
        return self.roles.get("abbreviation", frozenset())

    @cached_property
    def cue_words(self) -> frozenset[str]:
        """The folded cue words, as a set (built once: pattern caches key on it)."""
        return frozenset(self.cues)

    @cached_property
    def plain_words(self) -> frozenset[str]:
        """Ordinary words: in an all-caps sentence every word is capitalised, and a word is part of a
        name unless it is one of these (organisation heads and given names stay name words)."""
        plain = set().union(*(self.roles.get(r, frozenset()) for r in _PLAIN_ROLES))
        return frozenset(plain - self.roles.get("org_head", frozenset()) - self.roles.get("given_name", frozenset()))


#: Roles of ordinary words (see :attr:`Lexicon.plain_words`).
_PLAIN_ROLES = ("common", "article", "locative", "cue", "cue_filler", "cue_plural", "cue_link", "speech", "title",
                "person_noun", "attacker_noun", "death", "number", "area_hint", "river_hint", "coordinator", "day",
                "month", "function")


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot read parser data file: {exc}") from exc
    if rows and any(c not in rows[0] for c in required):
        raise DataError(f"{path}: expected columns {', '.join(required)}")
    return rows


@lru_cache(maxsize=4)
def lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    """Load the parser's data files (once per folder)."""
    roles: dict[str, set[str]] = defaultdict(set)
    cues: dict[str, str] = {}
    plural: set[str] = set()
    days: dict[str, int] = {}
    months: dict[str, int] = {}
    numbers: dict[str, int] = {}
    for row in _read_csv(data_dir / "words.csv", ("word", "role", "value")):
        word, role, value = fold(row["word"]), row["role"].strip(), row["value"].strip()
        if not word or not role:
            continue
        roles[role].add(word)
        if role in ("cue", "cue_plural"):
            cues[word] = value
            if role == "cue_plural":
                plural.add(word)
        elif role == "day":
            days[word] = int(value)
        elif role == "month":
            months[word] = int(value)
        elif role == "number":
            numbers[word] = int(value)
    nonplaces = {fold(r["phrase"]): r["type"].strip()
                 for r in _read_csv(data_dir / "nonplaces.csv", ("phrase", "type")) if fold(r["phrase"])}
    demonyms = {fold(r["form"]): r["place"].strip()
                for r in _read_csv(data_dir / "demonyms.csv", ("form", "place")) if fold(r["form"])}
    return Lexicon(roles={k: frozenset(v) for k, v in roles.items()}, cues=cues, plural_cues=frozenset(plural),
                   days=days, months=months, numbers=numbers, nonplaces=nonplaces, demonyms=demonyms)
