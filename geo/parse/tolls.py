"""Tolls in a report's sentence: the dead, and the number of attackers.

Numbers are digits or number words of the lexicon (``words.csv``: "doce",
"twelve", "a dozen"); a number counts when a person noun follows it within
a few words ("killing 13 soldiers", "doce soldados y siete civiles"), and not
in a clause that says nobody died. Dates are blanked before (their numbers
are not tolls).
"""

from __future__ import annotations

import re

from .lexicon import Lexicon

__all__ = ["fatalities", "attackers"]

_TOKEN = re.compile(r"[a-z0-9]+")

def _number(token: str, words: Lexicon) -> int | None:
    if token.isdigit() and len(token) <= 4:
        return int(token)
    return words.numbers.get(token)


def fatalities(folded: str, words: Lexicon) -> int:
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


def attackers(folded: str, words: Lexicon) -> int | None:
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
