"""Candidate place mentions: automaton hits filtered by the cues of the language.

A hit becomes a mention when it is written like a proper name (capitalised,
unless the whole sentence is in capitals) and is not part of something that
is not a place: an outlet, an organisation, a person ("Raúl Reyes",
"President Humala", "Víctor Quispe Palomino"), an alias ("Gabriel"). The
names of hamlets known only from INEI or GeoNames are *weak*: they are kept
only when the text announces a place ("in", "near", "cerca de", "the village
of", "distrito de"…). A place named inside an organisation's name ("the
Special VRAEM Command") is kept with ``role="organisation"``.

Each mention carries the kind cues written around it ("province of Huanta",
"the Kepashiato military base", "the Apurímac and Ene rivers"), which the
resolver reads.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from gazetteer.names import fold

from .automaton import DEMONYM, NONPLACE, PLACE, Hit, Scanner
from .lexicon import Lexicon
from .text import Document

__all__ = ["Mention", "find_mentions", "sentence_hint"]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_LIST_GAP = re.compile(r"\s*(?:,|,?\s*(?:and|y|e|or|o|&|as well as)\b)\s*(?:the\s+|el\s+|la\s+|los\s+)?$", re.IGNORECASE)
_APPOSITIVE = re.compile(r"^\s*[,(]\s*(?:in|en|of|de|del|near|cerca de|capital of|capital de)\b", re.IGNORECASE)
_NON_SPACE = re.compile(r"\S")
_QUOTES = "\"'“”‘’«»"
_CONTEXT_CHARS = 80


@dataclass
class Mention:
    """A place mention found in the clean text of a document.

    Attributes
    ----------
    start, end : int
        Offsets in the clean text (see :mod:`geo.parse.text`).
    text : str
        The mention as written in the clean text.
    key : str
        The folded name.
    role : str
        ``place``, ``demonym`` or ``organisation`` (a place inside an
        organisation's name).
    strong : bool
        Whether the name belongs to a well-known place (curated, an admin
        unit, a river, a base) rather than only to a hamlet.
    cues : set of str
        Kind cues written around the mention (``province``, ``base``…).
    sentence : int
        Index of the sentence in the document.
    in_name : str or None
        The organisation's name, for ``role="organisation"``.
    place_id : str or None
        Fixed by the lexicon (demonyms).
    """

    start: int
    end: int
    text: str
    key: str
    role: str = "place"
    strong: bool = True
    cues: set[str] = field(default_factory=set)
    sentence: int = 0
    in_name: str | None = None
    place_id: str | None = None
    dateline: bool = False
    article: bool = False


def find_mentions(doc: Document, scanner: Scanner) -> list[Mention]:
    """Place mentions of ``doc`` in text order."""
    words = scanner.words
    finder = _Finder(doc, words)
    mentions = finder.run(scanner.scan(doc))
    _add_cues(doc, mentions, words)
    return mentions


class _Finder:
    def __init__(self, doc: Document, words: Lexicon) -> None:
        self.doc = doc
        self.words = words
        self._caps: dict[int, bool] = {}
        self.surnames: set[str] = set()
        self._suffixes = _word_pattern(words.roles.get("org_suffix", frozenset()))
        self._common = words.roles.get("common", frozenset())
        self._plain = words.plain_words
        self._small_words = words.roles["connector"] | words.roles.get("coordinator", frozenset())

    # -- selection -----------------------------------------------------------

    def run(self, hits: list[Hit]) -> list[Mention]:
        """Accept hits longest first ("Alto Huallaga" over "El Alto"), then return them in text order."""
        words = self.words
        taken = _Mask(len(self.doc.clean))
        orgs = _Intervals()
        org_names: dict[int, str] = {}
        nested: list[Hit] = []
        kept: list[Mention] = []
        candidates = [h for h in hits if h.flags & DEMONYM or self._written_as_name(h)]
        candidates.sort(key=lambda h: (h.start - h.end, h.start))
        self.doc.expect_words(len(candidates))
        for hit in candidates:
            if taken.overlaps(hit.start, hit.end):
                nested.append(hit)
                continue
            if hit.flags & NONPLACE:
                kind = words.nonplaces[hit.key]
                if kind in ("person", "alias"):
                    self._remember_person(hit.key)
                elif kind == "organisation":
                    orgs.add(hit.start, hit.end)
                    org_names[hit.start] = self.doc.clean[hit.start:hit.end]
                taken.add(hit.start, hit.end)
                continue
            if hit.flags & DEMONYM:
                kept.append(self._mention(hit, role="demonym", place_id=words.demonyms[hit.key]))
                taken.add(hit.start, hit.end)
                continue
            sent = self.doc.sentence_of(hit.start)
            verdict = self._judge(hit, sent)
            if verdict is None:
                continue
            if verdict == "place":
                kept.append(self._mention(hit, sentence=sent))
                taken.add(hit.start, hit.end)
            elif verdict[0] == "organisation":  # inside an organisation's name
                start, end, name = verdict[1]
                orgs.add(start, end)
                org_names[start] = name
                taken.add(start, end)
                kept.append(self._mention(hit, sentence=sent, role="organisation", in_name=name))
            elif verdict[0] == "person":  # a person's name: none of its words is a place
                taken.add(*verdict[1])
        # Places inside an organisation's name are reported, marked as such.
        inner = _Mask(len(self.doc.clean))
        for m in kept:
            inner.add(m.start, m.end)
        for hit in sorted(nested, key=lambda h: (h.start - h.end, h.start)):
            owner = orgs.containing(hit.start, hit.end)
            if owner is not None and hit.flags & PLACE and not inner.overlaps(hit.start, hit.end):
                inner.add(hit.start, hit.end)
                kept.append(self._mention(hit, role="organisation", in_name=org_names[owner]))
        kept.sort(key=lambda m: m.start)
        return kept

    def _mention(self, hit: Hit, *, sentence: int | None = None, **extra) -> Mention:
        if sentence is None:
            sentence = self.doc.sentence_of(hit.start)
        end = hit.end
        if "." in self.doc.clean[hit.start:end] and self.doc.clean[end:end + 1] == ".":
            end += 1  # "U.S.", "EE.UU.": the abbreviation's last stop is part of the name
        return Mention(start=hit.start, end=end, text=self.doc.clean[hit.start:end], key=hit.key,
                       strong=hit.strong, sentence=sentence, **extra)

    # -- tests on one hit ----------------------------------------------------

    def _written_as_name(self, hit: Hit) -> bool:
        """Capitalised like a proper name (every content word), or in an all-caps sentence.

        Small words inside a known name stay small: "Vizcatán del Ene",
        "José Crespo y Castillo".
        """
        clean = self.doc.clean
        if not clean[hit.start].isupper():
            return False
        if " " not in hit.key:
            return True  # one word, and it is capitalised
        small = self._small_words
        for m in _WORD.finditer(clean, hit.start, hit.end):
            w = m.group(0)
            if not w[0].isupper() and not w[0].isdigit() and fold(w) not in small:
                return False
        return True

    def _judge(self, hit: Hit, sent: int):
        """``"place"``, None (drop), ("person", (start, end)) or ("organisation", (start, end, name))."""
        doc, words = self.doc, self.words
        sent_start, sent_end = doc.sentences[sent]
        caps = self._caps.get(sent)
        if caps is None:
            caps = self._caps[sent] = _is_caps(doc.clean[sent_start:sent_end])
        # Words of the sentence around the hit, nearest first, read only as far as needed.
        before = doc.iter_before(max(sent_start, hit.start - _CONTEXT_CHARS), hit.start)
        after = doc.iter_after(hit.end, min(sent_end, hit.end + _CONTEXT_CHARS))
        first_before = next(before, None)
        first_after = next(after, None)
        prev = fold(first_before[0]) if first_before else ""
        inner = self._inner(hit)
        chunk = self._chunk(hit, first_before, before, inner, first_after, after, caps=caps)
        person_end = (self._person_caps(hit, chunk) if caps
                      else self._person(hit, chunk, prev, len(inner)))
        if person_end is not None:
            return ("person", (chunk[0], person_end))
        org = self._organisation(hit, chunk, inner) or (self._organisation_caps(hit) if caps else None)
        if org is not None:
            return ("organisation", org)
        if hit.key in self._common and (caps or _sentence_initial(doc, hit.start, sent_start)):
            return None  # "Una patrulla…", "COCA ERADICATION": a word, not the town abroad
        if hit.key in words.cues and first_after is not None and _name_like(first_after[0], caps, self._plain):
            return None  # "Río Santa Rosa": the cue of the name that follows, not a place of its own
        if hit.strong:
            return "place"
        # A hamlet's name: only with a cue, never a known surname or someone speaking.
        if hit.key in self.surnames:
            return None
        if first_after and fold(first_after[0]) in words.roles.get("speech", ()):
            return None
        if _quoted(doc.clean, hit.start, hit.end):
            return None
        if prev in words.roles["locative"] or prev in words.cues or prev in words.roles["cue_filler"]:
            return "place"
        if _APPOSITIVE.match(doc.clean[hit.end:hit.end + 20]) and not caps:
            return "place"
        return None

    def _inner(self, hit: Hit) -> list[tuple[str, int, int]]:
        """The words of the hit, as :meth:`Document.words` gives them."""
        doc = self.doc
        if " " not in hit.key and doc.fold_map is None:
            starts = doc.tokens_for(hit.start, hit.end).starts
            i = bisect_left(starts, hit.start)
            if i < len(starts) and starts[i] == hit.start:
                return [(doc.clean[hit.start:hit.end], hit.start, hit.end)]  # one word, read whole
        return doc.words(hit.start, hit.end)

    def _chunk(self, hit: Hit, first_before, before, inner, first_after, after, *, caps: bool = False
               ) -> tuple[int, int, list[tuple[str, int, int]]]:
        """The run of capitalised words around a hit (connectors allowed inside).

        ``before`` and ``after`` iterate over the words of the sentence on
        each side of the hit, nearest first, after ``first_before`` and
        ``first_after`` (None when there is none). In an all-caps sentence
        (``caps``) a word counts as capitalised unless it is an ordinary word.
        """
        clean = self.doc.clean
        connectors = self.words.roles["connector"]
        def capitalised(w: str) -> bool:
            return _name_like(w, caps, self._plain) and not (caps and (fold(w) in connectors or w.isdigit()))
        start, end = hit.start, hit.end
        toks: list[tuple[str, int, int]] = []
        pending: list[tuple[str, int, int]] = []
        for w, a, b in (chain((first_before,), before) if first_before else ()):
            boundary = pending[-1][1] if pending else start
            if not _gap_ok(clean[b:boundary]):
                break
            if capitalised(w):
                toks = [(w, a, b), *reversed(pending), *toks]
                pending = []
                start = a
            elif fold(w) in connectors:
                pending.append((w, a, b))
            else:
                break
        toks = [*toks, *inner]
        pending = []
        last = hit.end
        for w, a, b in (chain((first_after,), after) if first_after else ()):
            if not _gap_ok(clean[last:a]):
                break
            if capitalised(w):
                toks.extend([*pending, (w, a, b)])
                pending = []
                end = b
            elif fold(w) in connectors:
                pending.append((w, a, b))
            else:
                break
            last = b
        return start, end, toks

    def _person(self, hit: Hit, chunk, prev: str, n_inner: int) -> int | None:
        """End of the person's name the hit belongs to, or None (``n_inner``: words in the hit)."""
        words = self.words
        start, end, toks = chunk
        if not toks:  # the hit is part of a word ("d'Ayacucho"): no name run around it
            return None
        folded = [fold(w) for w, _, _ in toks]
        first = folded[0]
        exact = start == hit.start and end == hit.end
        if prev in words.roles["title"] and start == hit.start:
            self._remember_person(" ".join(folded))
            return end
        if hit.strong and start == hit.start and " " in hit.key:
            return None  # "José Crespo y Castillo", "Víctor Fajardo": a place named after someone
        if first in words.roles["given_name"] and len(toks) > 1 and not (exact and hit.strong):
            if start < hit.start or not hit.strong:
                self._remember_person(" ".join(folded))
                return end
        if hit.strong:
            return None
        if start == hit.start and end > hit.end:
            rest = [f for f in folded[n_inner:] if f]
            if rest and rest[0] in words.roles.get("person_follower", ()):
                return end
        follower = _WORD.search(self.doc.clean, end, end + 40)
        if follower and fold(follower.group(0)) in words.roles.get("person_follower", ()):
            return end
        # Two surnames in a row ("Quispe Palomino"): a person, not two hamlets.
        if len(toks) >= 2 and not any(f in words.roles["connector"] for f in folded):
            return end
        return None

    def _person_caps(self, hit: Hit, chunk) -> int | None:
        """:meth:`_person` for all-caps text, where capitals say nothing: only words are evidence.

        A title right before the name ("PRESIDENT ALAN GARCIA"), a given name
        before the hit in the same name ("VICTOR POLAY CAMPOS", "VICTOR RAUL
        HAYA DE LA TORRE"), or two names and a speech verb ("CASTRO ARENAS
        EXPLAINED") make a person.
        """
        words = self.words
        start, end, toks = chunk
        folded = [fold(w) for w, _, _ in toks]
        before = self.doc.words_before(max(0, start - 30), start, 1)
        if before and fold(before[0][0]) in words.roles["title"]:
            self._remember_person(" ".join(folded))
            return end
        given = words.roles["given_name"]
        if any(f in given for (_, a, _), f in zip(toks, folded) if a < hit.start):
            self._remember_person(" ".join(folded))
            return end
        follower = _WORD.search(self.doc.clean, end, end + 40)
        who = _RELATIVE.match(self.doc.clean, end) is not None  # "CASTRO ARENAS, WHO HAS BEEN"
        speaks = follower is not None and fold(follower.group(0)) in words.roles.get("speech", ())
        if len(toks) >= 2 and (who or speaks and (not hit.strong or start < hit.start)):
            self._remember_person("x " + " ".join(folded))
            return end
        if not hit.strong and hit.key in self.surnames:
            return end
        # "HAYA DE LA TORRE": a weak name joined by "de" to a word that is no place is a compound surname.
        lead = [f for (_, a, _), f in zip(toks, folded) if a < hit.start]
        if (not hit.strong and len(lead) >= 2 and lead[-1] in words.roles["connector"]
                and not any(f in words.cues for f in lead)):
            return end
        return None

    def _organisation_caps(self, hit: Hit) -> tuple[int, int, str] | None:
        """An organisation named after a place, in capitals: "LIMA NATIONAL SECURITY COMMAND".

        The words after the name, up to an organisation's head ("command",
        "enterprise", "zone", "battalion"...), with no function word between.
        """
        words = self.words
        heads = words.roles["org_head"]
        function = words.roles.get("function", frozenset())
        last = hit.end
        for k, (w, a, b) in enumerate(self.doc.words(hit.end, min(len(self.doc.clean), hit.end + 60), 4)):
            f = fold(w)
            if not _gap_ok(self.doc.clean[last:a]) or f in function:
                return None
            if f in heads and (k > 0 or f not in self._common):  # "LIMA POLICE" needs a word between
                return (hit.start, b, self.doc.clean[hit.start:b])
            last = b
        return None

    def _organisation(self, hit: Hit, chunk, inner) -> tuple[int, int, str] | None:
        start, end, toks = chunk
        if self.doc.fold_map is None and not self._suffixes.search(self.doc.folded, end + 1, end + 41):
            tail = ()  # no "consortium", "company"… within reach
        else:
            tail = self.doc.words(end, min(len(self.doc.clean), end + 40), 3)
        for i, (w, _, b) in enumerate(tail):
            if not _gap_ok(self.doc.clean[(tail[i - 1][2] if i else end):tail[i][1]]):
                break
            if fold(w) in self.words.roles.get("org_suffix", ()):
                return (start, b, self.doc.clean[start:b])  # "the Camisea gas consortium"

        if len(toks) == len(inner):
            return None  # no capitalised word around the name
        heads = self.words.roles["org_head"]
        spans = {(a, b) for _, a, b in inner}
        for w, a, b in toks:
            if (a, b) not in spans and w[0].isupper() and fold(w) in heads:
                return (start, end, self.doc.clean[start:end])
        return None

    def _remember_person(self, key: str) -> None:
        parts = key.split()
        if len(parts) > 1:
            self.surnames.update(p for p in parts[1:] if p not in self.words.roles["connector"])
            self.surnames.add(" ".join(parts[1:]))


# -- cues ---------------------------------------------------------------------

def _add_cues(doc: Document, mentions: list[Mention], words: Lexicon) -> None:
    """Kind cues around each mention, shared along lists ("the Apurímac and Ene rivers")."""
    places = [m for m in mentions if m.role == "place"]
    groups: list[list[Mention]] = []
    for m in places:
        if groups and groups[-1][-1].sentence == m.sentence and _LIST_GAP.match(doc.clean, groups[-1][-1].end, m.start):
            groups[-1].append(m)
        else:
            groups.append([m])
    # Whole-word searches of the folded text rule out most mentions at once.
    plain = doc.fold_map is None
    left_pattern = _word_pattern(words.cue_words)
    right_pattern = _right_cue_pattern(words.cue_words)
    folded = doc.folded
    river_articles = words.roles["river_article"]
    for group in groups:
        for i, m in enumerate(group):
            if plain and not left_pattern.search(folded, max(doc.sentences[m.sentence][0], m.start - 60) + 1,
                                                 m.start + 1):
                left, left_plural = set(), False
            else:
                left, left_plural = _left_cues(doc, m, words)
            if plain and not right_pattern.match(folded, m.end + 1):
                right, right_plural = set(), False
            else:
                right, right_plural = _right_cues(doc, m, words)
            m.cues |= left | right
            if left_plural:
                for other in group[i + 1:]:
                    other.cues |= left
            if right_plural:
                for other in group[:i]:
                    other.cues |= right
        for m in group:
            if m.start and doc.clean[m.start - 1].isspace():
                before = doc.clean[max(0, m.start - 5):m.start].split()
                m.article = bool(before) and fold(before[-1]) in river_articles
            if _is_dateline(doc, m):
                m.dateline = True
                if not m.cues:
                    m.cues.add("town")


def _left_cues(doc: Document, m: Mention, words: Lexicon) -> tuple[set[str], bool]:
    """A cue before the name: "province of", "the town of", "bases at", "la base militar de", "río".

    A plural cue followed by "of"/"de" names what the place *contains*
    ("31 districts of Ayacucho"), not what it is.
    """
    s0 = doc.sentences[m.sentence][0]
    raw = doc.words_before(max(s0, m.start - 60), m.start, 6)
    toks = [fold(w) for w, _, _ in raw]
    link = None
    if toks and toks[-1] in words.roles["article"]:
        toks.pop()
    if toks and toks[-1] in words.roles["cue_link"]:
        link = toks.pop()
    while toks and toks[-1] in words.roles["cue_filler"]:
        toks.pop()
    if not toks or toks[-1] not in words.cues:
        return set(), False
    cue = toks[-1]
    owner = raw[len(toks) - 2][0] if len(toks) >= 2 else ""
    if owner[:1].isupper() and fold(owner) not in words.roles["article"]:
        return set(), False  # "the Huancayo province of Junín": the cue is Huancayo's
    plural = cue in words.plural_cues
    if plural and link in ("of", "de", "del"):
        return set(), False
    return {words.cues[cue]}, plural


def _right_cues(doc: Document, m: Mention, words: Lexicon) -> tuple[set[str], bool]:
    s1 = doc.sentences[m.sentence][1]
    toks = doc.words_after(m.end, min(s1, m.end + 40), 3)
    cues: set[str] = set()
    plural = False
    last = m.end
    for w, a, b in toks:
        if not _gap_ok(doc.clean[last:a]):
            break
        f = fold(w)
        if f in words.cues:
            cues.add(words.cues[f])
            plural = plural or f in words.plural_cues
            last = b
            continue  # "river valley", "military base"
        if f in _RIGHT_FILLERS and not cues:
            last = b
            continue
        break
    return cues, plural


#: Words between a name and its cue: "the Kepashiato military base".
_RIGHT_FILLERS = frozenset({"military", "militar", "army", "police", "policial", "counterinsurgency"})


def _is_dateline(doc: Document, m: Mention) -> bool:
    """``LIMA, Feb 20 -`` or ``AYACUCHO, Peru (Reuters) -`` at the start of a paragraph."""
    line_start = doc.clean.rfind("\n", 0, m.start) + 1
    if _NON_SPACE.search(doc.clean, line_start, m.start):
        return False
    from .dates import dateline_end

    if m.end <= line_start + dateline_end(doc.clean[line_start:line_start + 160]):
        return True  # "Lima, 13 abr (EFE).-", "AYACUCHO, Peru, June 2 (EFE) -", "LIMA, 9 JAN 90 (EFE) --"
    if line_start == 0:
        return False  # the headline
    follow = doc.clean[m.end:m.end + 2].lstrip()[:1]
    if m.text.isupper():
        return follow in (",", "(", "-", "—", "–", ".")
    # "Huancayo. Doce soldados…": the regional press's dateline.
    return doc.clean[m.end:m.end + 1] == "." and doc.clean[m.end + 1:m.end + 3].strip()[:1].isupper()


def sentence_hint(doc: Document, m: Mention, words: Lexicon) -> str | None:
    """``"valley"`` or ``"river"``: what the mention's sentence says a bare name shared by both is.

    "He led the Huallaga faction", "coca growers of the Huallaga" speak of
    the valley; "bodies found on the banks of the Huallaga" of the river.
    The hint word nearest the name decides; None when the sentence has none.
    """
    area = words.roles.get("area_hint", frozenset())
    river = words.roles.get("river_hint", frozenset())
    s0, s1 = doc.sentences[m.sentence]
    best: tuple[int, str] | None = None
    for w, a, b in doc.words(s0, s1):
        f = fold(w)
        hint = "valley" if f in area else "river" if f in river else None
        if hint is not None:
            distance = m.start - b if b <= m.start else a - m.end
            if best is None or distance < best[0]:
                best = (distance, hint)
    return best[1] if best else None


# -- helpers ------------------------------------------------------------------

@lru_cache(maxsize=8)
def _word_pattern(folded_words: frozenset[str]) -> re.Pattern:
    """A pattern finding any of ``folded_words`` as whole words of a folded text."""
    if not folded_words:
        return re.compile(r"(?!)")
    return re.compile(r"(?<![^ ])(?:" + "|".join(map(re.escape, sorted(folded_words))) + r")(?![^ ])")


@lru_cache(maxsize=8)
def _right_cue_pattern(cues: frozenset[str]) -> re.Pattern:
    """What must follow a name in the folded text for :func:`_right_cues` to find a cue."""
    options = sorted(cues | _RIGHT_FILLERS)
    return re.compile(r" {1,3}(?:" + "|".join(map(re.escape, options)) + r")(?![^ ])")


def _gap_ok(gap: str) -> bool:
    """Words of one name are separated by spaces or a hyphen only."""
    return len(gap) <= 3 and not gap.strip(_NAME_GAP)


_NAME_GAP = " -‐–'’"


_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]+")
_LOWER = re.compile(r"[a-zß-öø-ÿ]+")


def _name_like(word: str, caps: bool, plain: frozenset[str]) -> bool:
    """Whether ``word`` can start a name: capitalised (in all-caps text: not an ordinary word)."""
    return fold(word) not in plain if caps else word[:1].isupper()


#: ", who" / ", quien" after a name: a person is being described.
_RELATIVE = re.compile(r",\s+(?:WHO|who|QUIEN|quien|QUIENES|quienes)\b")


def _is_caps(sentence: str) -> bool:
    """Whether a sentence is written in capitals (at least four capitals to one small letter)."""
    lower = sum(map(len, _LOWER.findall(sentence)))
    if 5 * lower > len(sentence):
        return False  # too many small letters for the capitals to outnumber them four to one
    upper = sum(map(len, _UPPER.findall(sentence)))
    return upper + lower >= 4 and upper >= 4 * lower


def _sentence_initial(doc: Document, start: int, sent_start: int) -> bool:
    return not _WORD.search(doc.clean, sent_start, start)


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1] in _QUOTES and text[end] in _QUOTES


class _Mask:
    """Characters of a text taken by a span already accepted."""

    __slots__ = ("bits",)

    def __init__(self, size: int) -> None:
        self.bits = bytearray(size)

    def add(self, start: int, end: int) -> None:
        self.bits[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self.bits.find(1, start, end) != -1


class _Intervals:
    """Disjoint [start, end) intervals, sorted, with overlap and containment tests."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)  # intervals starting before ``end``
        return i > 0 and self.ends[i - 1] > start or (i > 1 and self.ends[i - 2] > start)

    def containing(self, start: int, end: int) -> int | None:
        i = bisect_right(self.starts, start)
        if i and self.ends[i - 1] >= end:
            return self.starts[i - 1]
        return None
