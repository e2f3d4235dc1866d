"""An Aho-Corasick automaton over every name the gazetteer knows.

Keys are folded names and aliases wrapped in spaces (``" union mantaro "``),
scanned over the folded document (see :mod:`geo.parse.text`), where every
non-word character is a space: so a hit is always a run of whole words. The
same automaton carries the phrases that are *not* places (outlets,
organisations, people) and the demonyms, so one pass finds them all.

An automaton is built once per gazetteer index (about 0.2 s for the ~75,000
names of the Peru data pack) and memoised for the life of the process.
"""

from __future__ import annotations

import threading
import weakref

import ahocorasick

from gazetteer import Gazetteer
from gazetteer.place import Kind

from .lexicon import Lexicon, lexicon
from .text import Document

__all__ = ["CUE_PHRASES", "DEMONYM", "NONPLACE", "PLACE", "STRONG", "Hit", "Scanner", "scanner_for"]

PLACE, NONPLACE, DEMONYM, STRONG, CUE = 1, 2, 4, 8, 16
#: Phrases (folded) before which a capitalised name is probably a place, even one the gazetteer
#: does not hold as written (:mod:`geo.parse.spelling`); found in the same pass as the names.
CUE_PHRASES = ("near", "outside", "cerca de", "district of", "province of", "town of", "village of", "hamlet of",
               "distrito de", "provincia de", "localidad de", "poblado de", "caserio de", "comunidad de",
               "anexo de")

#: Kinds whose names are reported on capitalisation alone; other places
#: (hamlets from INEI or GeoNames) need a cue such as "in", "the village of".
STRONG_KINDS = frozenset({Kind.COUNTRY, Kind.DEPARTMENT, Kind.PROVINCE, Kind.DISTRICT, Kind.CAPITAL,
                          Kind.MILITARY_BASE, Kind.POLICE_BASE, Kind.RIVER, Kind.VALLEY, Kind.REGION,
                          Kind.COCA_ZONE})
#: A GeoNames town this populous is known well enough to be strong.
STRONG_POPULATION = 20_000
#: Weak names shorter than this are never scanned for ("Ana", "Mia").
MIN_WEAK_LENGTH = 4
_CURATED_PRIORITY = 3

_LOCK = threading.Lock()
_CACHE: dict[int, tuple[weakref.ref, Scanner]] = {}


class Hit:
    """A run of words that matches a name: clean offsets, folded key, flags.

    A plain slotted class: a document has tens of thousands of hits, and a
    frozen dataclass costs three times as much to build.
    """

    __slots__ = ("end", "flags", "key", "start")

    def __init__(self, start: int, end: int, key: str, flags: int) -> None:
        self.start = start
        self.end = end
        self.key = key
        self.flags = flags

    def __repr__(self) -> str:
        return f"Hit({self.start}, {self.end}, {self.key!r}, {self.flags})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return (self.start, self.end, self.key, self.flags) == (other.start, other.end, other.key, other.flags)

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.key, self.flags))

    @property
    def is_place(self) -> bool:
        return bool(self.flags & PLACE)

    @property
    def strong(self) -> bool:
        return bool(self.flags & STRONG)


class Scanner:
    """Find every known name in a :class:`~geo.parse.text.Document`.

    Parameters
    ----------
    gazetteer : Gazetteer
    words : Lexicon, optional
        The parser's word lists (default: the files shipped with it).
    """

    def __init__(self, gazetteer: Gazetteer, *, words: Lexicon | None = None) -> None:
        self.words = words or lexicon()
        self.automaton = ahocorasick.Automaton()
        self._build(gazetteer)

    def _build(self, gazetteer: Gazetteer) -> None:
        index = gazetteer.index
        cols = index.columns
        kinds, priority, population = cols["kind"], cols["priority"], cols["population"]
        strong_values = {k.value for k in STRONG_KINDS}
        common = self.words.roles.get("common", frozenset())
        flags: dict[str, int] = {}
        for name, rows in index.by_fold.items():
            strong = any(priority[r] >= _CURATED_PRIORITY or kinds[r] in strong_values
                         or (population[r] or 0) >= STRONG_POPULATION for r in rows)
            if not strong and (len(name) < MIN_WEAK_LENGTH or name in common):
                continue
            flags[name] = PLACE | (STRONG if strong else 0)
        # Identity keys without generic words ("Valle del Apurímac-Ene" → "apurimac ene"),
        # when they are still a multi-word name.
        for name, rows in index.by_key.items():
            if " " in name and name not in flags and name not in common:
                flags[name] = PLACE | (STRONG if any(priority[r] >= _CURATED_PRIORITY or kinds[r] in strong_values
                                                     for r in rows) else 0)
        for phrase in self.words.nonplaces:
            flags[phrase] = flags.get(phrase, 0) | NONPLACE
        for form in self.words.demonyms:
            flags[form] = flags.get(form, 0) | DEMONYM
        for phrase in CUE_PHRASES:
            flags[phrase] = flags.get(phrase, 0) | CUE
        add = self.automaton.add_word
        for key, value in flags.items():
            add(f" {key} ", (key, value))
        self.automaton.make_automaton()

    def scan(self, doc: Document) -> list[Hit]:
        """Every hit in ``doc``, ordered by start, longest first; sets ``doc.cues`` (:data:`CUE_PHRASES`)."""
        found = self.automaton.iter(doc.folded)
        fmap = doc.fold_map
        if fmap is None:
            # One folded character per clean one, shifted by the leading space;
            # ``end`` is the index of the space after the name.
            spans = [(end - len(key) - 1, 1 - end, key, value) for end, (key, value) in found]
        else:
            spans = [(fmap[end - len(key)], -(fmap[end - 1] + 1), key, value) for end, (key, value) in found]
        spans.sort()  # by start, longest first (one key per span, so ties never reach the key)
        doc.cues = [start for start, _, _, value in spans if value & CUE]
        return [Hit(start, -neg_end, key, value & ~CUE) for start, neg_end, key, value in spans if value & ~CUE]


def scanner_for(gazetteer: Gazetteer) -> Scanner:
    """The memoised :class:`Scanner` of a gazetteer's index."""
    index = gazetteer.index
    with _LOCK:
        entry = _CACHE.get(id(index))
        if entry is not None and entry[0]() is index:
            return entry[1]
        scanner = Scanner(gazetteer)
        _CACHE[id(index)] = (weakref.ref(index), scanner)
        return scanner
