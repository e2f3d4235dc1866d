"""Resolving the mentions of one document together.

Three passes, each memoised on the query and its context so that a name
repeated a hundred times is resolved once:

1. every mention alone, with the kind cues written around it;
2. every mention again, with the admin units named in its sentence
   ("Sanabamba, in the district of Ayna" → Ayna's UBIGEO) and the places
   resolved confidently elsewhere in the document (their points): places in
   one report cluster;
3. a bare mention (no cue, no admin unit in its sentence) takes the reading
   of the nearest mention of the same name that has one ("the town of
   Huanta … in Huanta"), while two mentions that carry different cues stay
   two places ("Quillabamba, capital of La Convención … the hamlet of
   Quillabamba in Anco").
"""

from __future__ import annotations

import re

import weakref
from bisect import bisect_left
from dataclasses import dataclass

from gazetteer import Candidate, Context, Gazetteer, Resolution
from gazetteer.place import Kind

from .lexicon import Lexicon, lexicon
from .mentions import Mention, sentence_hint
from .text import Document

__all__ = ["Resolved", "resolve_mentions"]

_ADMIN = {Kind.DEPARTMENT: "admin1_code", Kind.PROVINCE: "admin2_code", Kind.DISTRICT: "admin3_code"}
# Kinds whose point says where a report is: anchors for the other mentions.
_ANCHOR_KINDS = frozenset({Kind.POPULATED_PLACE, Kind.MILITARY_BASE, Kind.POLICE_BASE, Kind.DISTRICT})
#: A dateline's city anchors the report's other places ("LIMA, …: in Miraflores"), after the text's own.
_DATELINE_KINDS = frozenset({Kind.CAPITAL, Kind.POPULATED_PLACE})
_VALLEY_KINDS = frozenset({Kind.VALLEY, Kind.REGION, Kind.COCA_ZONE})
# "the Apurímac", "el Mantaro": a name with the article is a river or a valley.
_WATER = (Kind.RIVER, Kind.VALLEY, Kind.REGION)
_LEVEL = {Kind.DEPARTMENT: 0, Kind.PROVINCE: 1, Kind.DISTRICT: 2}
_CUE_ORDER = ("base", "river", "valley", "district", "province", "department", "town")
#: Most anchor points passed to the resolver for one mention.
MAX_ANCHORS = 12
_APPOSITION = re.compile(r"\s*(?:,|\()\s*")
#: A place this populous is the one a bare name means, against hamlets a tenth its size.
CITY_POPULATION = 100_000
#: A foreign country named this close to a mention (characters) sets the country to look in.
BESIDE_CHARS = 80
#: A confident reading scores at least this (0..1).
ANCHOR_SCORE = 0.6


#: Resolutions remembered per gazetteer, across documents.
MEMO_SIZE = 50_000
_MEMOS: dict[int, tuple[weakref.ref, dict]] = {}


def _memo_for(gaz: Gazetteer) -> dict:
    entry = _MEMOS.get(id(gaz))
    if entry is None or entry[0]() is not gaz:
        entry = _MEMOS[id(gaz)] = (weakref.ref(gaz), {})
    return entry[1]


@dataclass
class Resolved:
    """A mention and what it resolved to."""

    mention: Mention
    resolution: Resolution


def resolve_mentions(gaz: Gazetteer, mentions: list[Mention], *, limit: int = 5, doc: Document | None = None,
                     words: Lexicon | None = None) -> list[Resolved]:
    """Resolve the mentions of one document, in the order given.

    With ``doc`` (and the parser's ``words``), a bare name that is both a
    river and a valley ("the Huallaga") is read by what its sentence speaks
    of (see :func:`~geo.parse.mentions.sentence_hint`).
    """
    memo = _memo_for(gaz)

    def resolve(query: str, ctx: Context | None) -> Resolution:
        key = (query, ctx, limit)
        res = memo.get(key)
        if res is None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()  # bounded: a news archive repeats its names, not its contexts
            res = memo[key] = gaz.resolve(query, context=ctx, limit=limit)
        return res

    fixed = {i: _fixed(gaz, m) for i, m in enumerate(mentions) if m.place_id}
    queries = [_query(m) for m in mentions]
    kinds = [_WATER if m.article and not m.cues else None for m in mentions]
    first = [fixed.get(i) or resolve(q, Context(kind=kinds[i], focus=gaz.focus) if kinds[i] else None)
             for i, q in enumerate(queries)]
    if doc is not None:
        for i, m in enumerate(mentions):
            if i in fixed or m.cues or m.role != "place" or not _water_readings(first[i]):
                continue
            hint = sentence_hint(doc, m, words or lexicon())
            if hint is not None and hint in _water_readings(first[i]):
                m.cues.add(hint)
                queries[i] = _query(m)
                first[i] = resolve(queries[i], None)
    # A unit in apposition ("Carmen Alto, Huamanga", "Moenapampa (Llochegua)") counts as context in the
    # reading news usage gives it even when bare it is ambiguous (Huamanga: the province, not the city).
    apposed = _apposed(mentions, doc) if doc is not None else set()
    admin_by_sentence = _admin_codes(mentions, [_prefer(r) if i in apposed and r.status == "ambiguous" else r
                                                for i, r in enumerate(first)])
    abroad_by_sentence = _units_abroad(mentions, first)
    anchors = _anchors(mentions, first)
    second: list[Resolution] = []
    for i, m in enumerate(mentions):
        if i in fixed:
            second.append(fixed[i])
            continue
        if first[i].status == "ok" and (len(first[i].candidates) == 1
                                        or first[i].best.place.kind in (Kind.COUNTRY, Kind.CAPITAL)):
            # One place of that name, or a country ("Bolivia", whatever hamlets lie near): context cannot change it.
            second.append(first[i])
            continue
        own = first[i].best.place.id if first[i].best else None
        admin = tuple(c for c, j in admin_by_sentence.get(m.sentence, ()) if j != i)
        # Admin units named with the mention decide (a foreign one, which has no
        # UBIGEO code, by its point); other places in the story only cluster.
        abroad = [(u, country) for u, country, j in abroad_by_sentence.get(m.sentence, ()) if j != i]
        near = tuple(u for u, _ in abroad)
        if not near and not admin:
            near = tuple(a for a in anchors[:MAX_ANCHORS + 1] if a != own)[:MAX_ANCHORS]
        # "near Santa Rosa, in Ecuador's Sucumbíos province", "en Angostura, en la selva norte de Ecuador"
        focus = abroad[0][1] if abroad else _country_beside(m, i, mentions, first, gaz.focus) or gaz.focus
        ctx = (Context(admin=admin, near=near, kind=kinds[i], focus=focus)
               if admin or near or kinds[i] or focus != gaz.focus else None)
        res = resolve(queries[i], ctx)
        if "valley" in m.cues and res.best is not None and res.best.place.kind not in _VALLEY_KINDS:
            # "the Apurímac valley": with no valley of that name, the river's.
            river = resolve(queries[i].replace("valley", "river"), ctx)
            if river.best is not None and river.best.place.kind is Kind.RIVER:
                res = river
        second.append(res)
    _inherit(mentions, second, admin_by_sentence)
    second = [_prefer(r) if r.status == "ambiguous" else r for r in second]
    return [Resolved(m, r) for m, r in zip(mentions, second)]


def _apposed(mentions: list[Mention], doc: Document) -> set[int]:
    """Indices of mentions that follow another one after only a comma or an opening parenthesis."""
    out = set()
    for j in range(1, len(mentions)):
        if _APPOSITION.fullmatch(doc.clean[mentions[j - 1].end:mentions[j].start]):
            out.add(j)
    return out


def _water_readings(res: Resolution) -> set[str]:
    """The cues ("river", "valley") that could settle a name read as a river or valley and something else.

    Empty when the name has a single reading, or when none of its leading
    readings is a river or a valley.
    """
    kinds = {c.place.kind for c in res.candidates[:3]}
    if len(kinds) < 2:
        return set()
    out = set()
    if Kind.RIVER in kinds:
        out.add("river")
    if not kinds.isdisjoint(_VALLEY_KINDS):
        out.add("valley")
    return out


def _query(m: Mention) -> str:
    cues = [c for c in _CUE_ORDER if c in m.cues]
    return " ".join([*cues, m.text]) if cues else m.text


def _fixed(gaz: Gazetteer, m: Mention) -> Resolution:
    if m.place_id in gaz:
        return Resolution(m.text, "ok", [Candidate(gaz.get(m.place_id), 1.0, "demonym")])
    return Resolution(m.text, "unresolved", reason=f"demonym of {m.place_id}, which is not in the gazetteer")


def _admin_codes(mentions: list[Mention], res: list[Resolution]) -> dict[int, list[tuple[str, int]]]:
    """UBIGEO codes of the admin units named in each sentence, with the mention index."""
    out: dict[int, list[tuple[str, int]]] = {}
    for i, (m, r) in enumerate(zip(mentions, res)):
        if m.role not in ("place", "demonym") or r.best is None or r.status != "ok":
            continue
        place = r.best.place
        code = getattr(place, _ADMIN[place.kind]) if place.kind in _ADMIN else None
        if code:
            out.setdefault(m.sentence, []).append((code, i))
    return out


def _units_abroad(mentions: list[Mention], res: list[Resolution]) -> dict[int, list[tuple[str, str, int]]]:
    """Foreign admin units ("Ecuador's Sucumbíos province") named in each sentence: id, country, mention index."""
    out: dict[int, list[tuple[str, int]]] = {}
    for i, (m, r) in enumerate(zip(mentions, res)):
        if m.role != "place" or r.best is None or r.status != "ok":
            continue
        place = r.best.place
        if place.kind in _ADMIN and not getattr(place, _ADMIN[place.kind]):
            out.setdefault(m.sentence, []).append((place.id, place.country, i))
    return out


def _country_beside(m: Mention, i: int, mentions: list[Mention], res: list[Resolution], home: str | None) -> str | None:
    """The foreign country named next to a mention in its sentence (within :data:`BESIDE_CHARS`), if any."""
    best: tuple[int, str] | None = None
    for j in range(max(0, i - 3), min(len(mentions), i + 4)):
        other = mentions[j]
        if j == i or other.sentence != m.sentence or other.role != "place" or res[j].status != "ok":
            continue
        place = res[j].best.place
        if place.kind is not Kind.COUNTRY or place.country == home:
            continue
        gap = other.start - m.end if other.start >= m.end else m.start - other.end
        if gap <= BESIDE_CHARS and (best is None or gap < best[0]):
            best = (gap, place.country)
    return best[1] if best else None


def _anchors(mentions: list[Mention], res: list[Resolution]) -> list[str]:
    """Ids of places read confidently, most often named first."""
    counts: dict[str, int] = {}
    for m, r in zip(mentions, res):
        if m.role != "place" or r.status != "ok" or r.best is None:
            continue
        if r.best.place.kind in _ANCHOR_KINDS | _DATELINE_KINDS and m.dateline:
            counts.setdefault(r.best.place.id, 0)  # the dateline's city: a weak anchor, listed after the others
        elif r.best.place.kind in _ANCHOR_KINDS and r.best.score >= ANCHOR_SCORE:
            counts[r.best.place.id] = counts.get(r.best.place.id, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])


def _inherit(mentions: list[Mention], res: list[Resolution], admin_by_sentence) -> None:
    """Bare mentions left ambiguous take the reading of the nearest same-name mention that has a cue."""
    told: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        if m.role == "place" and (m.cues or admin_by_sentence.get(m.sentence)) and res[i].best is not None:
            told.setdefault(m.key, []).append(i)
    for i, m in enumerate(mentions):
        if m.role != "place" or m.cues or m.key not in told or res[i].status == "ok":
            continue
        if any(j != i for _, j in admin_by_sentence.get(m.sentence, ())):
            continue
        donors = told[m.key]
        k = bisect_left(donors, i)
        before = [j for j in donors[max(0, k - 3):k] if not mentions[j].dateline]
        after = [j for j in donors[k:k + 4] if j != i and not mentions[j].dateline]
        if not before and not after:
            continue
        j = before[-1] if before else after[0]
        res[i] = res[j]


def _prefer(res: Resolution) -> Resolution:
    """Settle the ambiguities news usage settles.

    A national capital beats the hamlets named after it ("Lima", "Quito");
    nested units of one name read as the largest ("Cusco" is the
    department, not its province, district or city), as analysts do when a
    report names only the region.
    """
    close = res.candidates[:max(res.close, 1)]  # the places the resolver found too close to call
    pick = next((c for c in close if c.place.kind is Kind.CAPITAL), None)
    why = "a national capital"
    if pick is None and not any(c.place.kind in _LEVEL for c in close):
        # A city beats the hamlets named after it ("the city of Trujillo"): ten times their size at least.
        sizes = [c.place.population or 0 for c in close]
        big = max(sizes, default=0)
        second = sorted(sizes)[-2] if len(sizes) > 1 else 0
        if big >= CITY_POPULATION and second * 10 <= big:
            pick = close[sizes.index(big)]
            why = f"a city of {big:,} people"
    if pick is None:
        admin = [c for c in close if c.place.kind in _LEVEL]
        if admin:
            pick = min(admin, key=lambda c: _LEVEL[c.place.kind])
            why = f"the largest admin unit of {len(close)} places of that name"
    if pick is None:
        return res
    ordered = [pick, *(c for c in res.candidates if c is not pick)]
    return Resolution(res.query, "ok", ordered, reason=f"read as {pick.place.name} [{pick.place.kind.value}]: {why}")
