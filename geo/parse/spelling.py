"""Place names the gazetteer does not hold as written: old or garbled spellings.

The automaton finds names exactly (up to case and accents). A report may
write "Tabalozos" for Tabalosos or "Machu Pichu" for Machu Picchu; when such
a capitalised name stands where a place would (after "near", "the town of",
"the district of", "cerca de", "el distrito de"...: not after every "in",
which precedes too many other names to try them all), it is proposed to the
resolver, whose
fuzzy matcher (first letter kept, a few edits at most) reads it, and kept
only when that reading is confident. The resolution says "spelling
corrected". All-caps text gives no such evidence (every word is
capitalised) and is left alone.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from gazetteer import Gazetteer
from gazetteer.names import fold

from .automaton import CUE_PHRASES
from .lexicon import Lexicon
from .mentions import Mention
from .text import Document

__all__ = ["spelled_mentions"]

#: A cue of place, then a capitalised name of up to three words.
_EVIDENCE = re.compile(
    r"\b(?:" + "|".join(re.escape(p).replace("caserio", "caser[ií]o").replace(r"\ ", r"\s+") for p in CUE_PHRASES)
    + r")\s+"
    r"(?P<name>[A-ZÁÉÍÓÚÑ][\w'’-]+(?:\s+(?:de\s+|del\s+|la\s+)?[A-ZÁÉÍÓÚÑ][\w'’-]+){0,2})"
)
#: Readings accepted: spelling variants and typos, with at least this confidence.
MIN_CONFIDENCE = 0.5


def _cue_positions(doc: Document) -> list[int]:
    """Clean offsets of the cue phrases, for a document the scanner has not seen."""
    out = []
    for phrase in CUE_PHRASES:
        i = doc.folded.find(f" {phrase} ")
        while i >= 0:
            out.append(i if doc.fold_map is None else doc.fold_map[i + 1])
            i = doc.folded.find(f" {phrase} ", i + 1)
    return out


def spelled_mentions(doc: Document, found: list[Mention], gaz: Gazetteer, words: Lexicon) -> list[Mention]:
    """Mentions of misspelt places in ``doc`` that ``found`` (the exact matches) does not cover."""
    # The scanner found where the cues stand, in its pass over the text; the pattern is tried there only.
    positions = doc.cues if doc.cues is not None else _cue_positions(doc)
    if not positions:
        return []  # most documents: no cue of place at all
    spans = sorted((m.start, m.end) for m in found)
    starts = [a for a, _ in spans]
    roles = words.roles
    out = []
    for pos in sorted(positions):
        match = _EVIDENCE.match(doc.clean, pos)
        if match is None:
            continue
        start, end = match.span("name")
        k = bisect_left(starts, end)  # spans starting before ``end``; the one just before may overlap
        if k and spans[k - 1][1] > start or k < len(spans) and spans[k][0] < end:
            continue
        text = match.group("name")
        key = fold(text)
        if key in roles.get("common", ()) or key in roles.get("given_name", ()) or key in words.months \
                or key in words.days or key in words.nonplaces:
            continue
        if text.isupper():
            continue  # all capitals: no evidence that this is a name
        res = gaz.resolve(text)
        best = res.best
        if best is None or best.match not in ("fuzzy", "variant"):
            continue
        # A confident reading, or several places of the corrected name that the document may settle.
        if not (res.status == "ok" and best.score >= MIN_CONFIDENCE or res.status == "ambiguous"
                and all(c.match == best.match for c in res.candidates[:max(res.close, 1)])):
            continue
        out.append(Mention(start=start, end=end, text=text, key=key, strong=False,
                           sentence=doc.sentence_of(start)))
    return out
