"""Ranking candidates for a place mention, with context.

Scores are shares of belief: a softmax over the raw scores of the distinct
candidates, times the quality of the name match (1 for the exact spelling,
less for a variant or a corrected typo). They sum to at most 1 over all
candidates, so a lone exact match scores 1 and two equal readings 0.5 each.

A mention is looked up under its folded spelling, its identity key and its
phonetic key (see :mod:`gazetteer.names`), then by fuzzy matching when none
of those hits. Every candidate is scored from how well the name matched, the
kind cues in the mention ("province of Huanta", "the Apurímac river"), the
context (admin names, places nearby, the focus country), the source and the
population. Entries from different sources that describe one place are
merged; when the two best distinct places score within :data:`MARGIN`, the
result is ``ambiguous`` and says who the runners-up are.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from .context import Context, cues_around, text_evidence, unit_name
from .distance import haversine_np
from .errors import InvalidInputError
from .index import PlaceIndex
from .names import MAX_NAME_LENGTH, clean_name, fold, phonetic, split_key
from .place import Kind
from .results import Candidate, Resolution, describe

__all__ = ["Context", "Candidate", "Resolution", "Resolver", "MARGIN", "FUZZY_CUTOFF"]

#: Two distinct places closer than this in raw score make a result ambiguous.
MARGIN = 0.1
#: rapidfuzz ratio (0–100) below which a spelling is not considered a typo.
FUZZY_CUTOFF = 88
#: Keys shorter than this are never fuzzy-matched ("Santa" is not "Santo").
FUZZY_MIN_LENGTH = 6
#: Names of this many letters (inclusive) are checked for a single typo when nothing else matches.
TYPO_LENGTHS = (6, 10)
#: Score lost by a place the query names only through an alias when another place bears it as its
#: own name: GeoNames gives Juli the alias "Juliaca", which is the city of Juliaca.
ALIAS_PENALTY = 0.1
#: Match quality of a one-typo reading: read as a correction ("fuzzy"), and only with context.
TYPO_MATCH = 0.6
#: Entries of one place from different sources lie within this distance (km).
MERGE_KM = 6.0
#: Entries compared for merging, best first (Peru has 362 places named Santa Rosa).
MERGE_LIMIT = 80
#: Temperature of the softmax that turns raw scores into shares of belief:
#: a raw gap of MARGIN gives the leader about 7 times the runner-up's share.
_TEMPERATURE = 0.05
_DASHED = re.compile(r"\s+[-–—]\s+")
#: Results kept per resolver (cleared when full); documents repeat names.
_MEMO_SIZE = 100_000

_CUE_KINDS = {
    "river": {Kind.RIVER},
    "valley": {Kind.VALLEY, Kind.REGION, Kind.COCA_ZONE},
    "district": {Kind.DISTRICT},
    "province": {Kind.PROVINCE},
    "department": {Kind.DEPARTMENT, Kind.REGION},
    "town": {Kind.POPULATED_PLACE, Kind.CAPITAL},
    "base": {Kind.MILITARY_BASE, Kind.POLICE_BASE},
    "country": {Kind.COUNTRY},
}
_SETTLEMENT = {Kind.POPULATED_PLACE, Kind.CAPITAL, Kind.DISTRICT}
_ADMIN = {"department", "province", "district"}
_WORLD_KINDS = {Kind.COUNTRY, Kind.CAPITAL}  # never penalised for lying outside the focus


class Resolver:
    """Scores candidates from a :class:`~gazetteer.index.PlaceIndex`."""

    def __init__(self, index: PlaceIndex) -> None:
        self.index = index
        # Fuzzy matching compares a key only with keys of the same first letter:
        # typos rarely hit it, and spelling variants of it are phonetic matches.
        self._keys_by_initial: dict[str, list[str]] = {}
        for k in index.by_key:
            self._keys_by_initial.setdefault(k[:1], []).append(k)
        self._memo: dict[tuple, Resolution] = {}
        self._lookup_memo: dict[str, tuple[list[int], list[float]]] = {}
        self._lat = np.asarray(index.table["lat"], dtype=float)
        self._lon = np.asarray(index.table["lon"], dtype=float)
        kinds = index.table["kind"].to_numpy()
        self._kind = np.array([Kind(k) for k in kinds], dtype=object)
        pop = np.array([p if p is not None and p == p else 0 for p in index.table["population"]], dtype=float)
        self._pop_bonus = np.minimum(0.05, 0.01 * np.log10(1 + pop))
        self._admin_rows = np.isin(kinds, list(_ADMIN)) & (index.table["country"].to_numpy() == "PE")

    # -- public --------------------------------------------------------------

    def resolve(self, name: str, context: Any = None, *, limit: int = 5,
                kinds: Iterable[Kind | str] | None = None, focus: str | None = "PE") -> Resolution:
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type(name).__name__}")
        if limit < 1:
            raise InvalidInputError(f"limit must be at least 1, not {limit}")
        query = clean_name(name)
        if not query or not fold(query):
            return Resolution(name, "invalid", reason="empty name")
        if len(query) > MAX_NAME_LENGTH:
            return Resolution(name[:80] + "…", "invalid",
                              reason=f"name is {len(query)} characters long; place names are at most {MAX_NAME_LENGTH}")
        ctx = Context.coerce(context, focus=focus)
        kinds = tuple(kinds) if kinds is not None else None
        memo_key = (query, ctx, limit, kinds, focus)
        try:
            cached = self._memo.get(memo_key)
        except TypeError:  # an unhashable context value
            memo_key, cached = None, None
        if cached is not None:
            return cached
        result = self._resolve(query, ctx, limit, kinds)
        if memo_key is not None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[memo_key] = result
        return result

    def _resolve(self, query: str, ctx: Context, limit: int, kinds) -> Resolution:
        rows, match = self._lookup(query)
        if kinds is not None:
            wanted = {Kind(k) for k in kinds}
            keep = [i for i, r in enumerate(rows) if self._kind[r] in wanted]
            rows, match = [rows[i] for i in keep], [match[i] for i in keep]
        if not rows and "," in query:
            # As typed into Nominatim: "Santa Rosa, La Mar, Ayacucho" is a name and the units holding it.
            name, *units = [part.strip() for part in query.split(",")]
            if name and any(units):
                inner = self._resolve(name, dataclasses.replace(ctx, admin=(*ctx.admin, *filter(None, units))),
                                      limit, kinds)
                if inner.status in ("ok", "ambiguous"):
                    note = f"read as {name!r} in {', '.join(filter(None, units))}"
                    return dataclasses.replace(inner, query=query,
                                               reason=f"{note}; {inner.reason}" if inner.reason else note)
        if not rows:
            parts = _DASHED.split(query)
            if len(parts) == 2 and all(parts):
                # ACLED writes "Lima - Ancon": the district of Ancón in Lima.
                inner = self._resolve(parts[1], dataclasses.replace(ctx, admin=(*ctx.admin, parts[0])), limit, kinds)
                if inner.status in ("ok", "ambiguous"):
                    note = f"read as {parts[1]!r} in {parts[0]!r}"
                    return dataclasses.replace(inner, query=query,
                                               reason=f"{note}; {inner.reason}" if inner.reason else note)
            return Resolution(query, "unresolved", reason=f"no place named {query!r} in the gazetteer")
        _, cues = split_key(query)
        if any(fold(unit_name(unit)) == fold(query) for unit in ctx.admin):
            cues = set()  # "Río Tambo | Río Tambo | Satipo": the district's name, "río" is part of it
        if ctx.text:
            cues = cues | cues_around(ctx.text, fold(query))
        scored = self._score(rows, match, cues, ctx, fold(query))
        candidates = self._merge(scored)
        if all(m == TYPO_MATCH for m in match) and not self._agrees(candidates[0][1], ctx, fold(query)):
            # One letter off and nothing around to confirm it: a suggestion, not an answer.
            place = self.index.place(candidates[0][1])
            return Resolution(query, "unresolved", reason=f"no place named {query!r} in the gazetteer; "
                                                          f"did you mean {describe(place)}?")
        return self._verdict(query, candidates, limit)

    def _agrees(self, row: int, ctx: Context, query_fold: str) -> bool:
        """Whether the context places ``row`` (an admin unit holding it, or a place within 25 km)."""
        codes, points, _ = self._context_evidence(ctx, query_fold)
        if codes:
            # The finest unit the context names must hold it: "Mocape | Olmos | Lambayeque" is no Mocupe of
            # another district of Lambayeque.
            # A department is too large to vouch for one letter (it holds hundreds of near-homonyms).
            c = self.index.columns
            finest = max(len(code) for code in codes)
            if finest >= 4:
                return c["admin3_code" if finest >= 6 else "admin2_code"][row] in codes
        return bool(points) and bool(self._near_bonus(np.array([row], dtype=np.int64), points)[0] >= 0.2)

    def cache_clear(self) -> None:
        """Forget memoised results (benchmarks; after editing the index)."""
        self._memo.clear()
        self._lookup_memo.clear()

    # -- lookup --------------------------------------------------------------

    def _lookup(self, query: str) -> tuple[list[int], list[float]]:
        hit = self._lookup_memo.get(query)
        if hit is None:
            if len(self._lookup_memo) >= _MEMO_SIZE:
                self._lookup_memo.clear()
            hit = self._lookup_memo[query] = _lookup(self, query)
        return hit

    def _fuzzy(self, key: str) -> list[tuple[str, float]]:
        from rapidfuzz import fuzz, process

        if len(key) < FUZZY_MIN_LENGTH:
            return []
        keys = self._keys_by_initial.get(key[:1], [])
        hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=8)
        return [(k, s) for k, s, _ in hits]

    def _typos(self, key: str) -> list[str]:
        """Keys one typo away from ``key`` (a letter swapped, missing, doubled or wrong), same first letter.

        Only for names of :data:`TYPO_LENGTHS` letters: shorter ones have too
        many neighbours ("Santa", "Santo"), longer ones the fuzzy ratio catches.
        """
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if not TYPO_LENGTHS[0] <= len(key.replace(" ", "")) <= TYPO_LENGTHS[1]:
            return []
        keys = self._keys_by_initial.get(key[:1], [])
        return [k for k, _, _ in process.extract(key, keys, scorer=OSA.distance, score_cutoff=1, limit=8)]

    # -- scoring -------------------------------------------------------------

    def _score(self, rows, match, cues, ctx: Context, query_fold: str):
        cue_kinds = set().union(*(_CUE_KINDS[c] for c in cues)) if cues else set()
        if "valley" in cues:
            cue_kinds = _CUE_KINDS["valley"]
        soft_kinds = ctx.kinds()
        codes, points, countries = self._context_evidence(ctx, query_fold)
        table = self.index.columns
        near = self._near_bonus(np.asarray(rows, dtype=np.int64), points) if points else None
        # The admin columns name a unit of this very name: the district, or its town, not a river or a namesake.
        own_unit = any(fold(unit_name(unit)) == query_fold for unit in ctx.admin)
        names = table["name"]
        ids = table["id"]
        # Curated aliases are written by hand; only GeoNames' alternate names are this noisy.
        own_name = [m >= 1.0 and (fold(names[row]) == query_fold or ids[row].startswith("cur:"))
                    for row, m in zip(rows, match)]
        alias_only = any(own_name) and not all(own_name)
        stated_departments = {c[:2] for c in codes if len(c) >= 2}
        out = []
        for i, (row, m) in enumerate(zip(rows, match)):
            kind = self._kind[row]
            raw = m + table["importance"][row] + self._pop_bonus[row]
            if kind in (Kind.MILITARY_BASE, Kind.POLICE_BASE) and "base" not in cues:
                raw -= 0.15  # a base named after its town is the town unless the text says "base"
            if kind is Kind.DISTRICT:
                raw -= 0.03  # the town before the district named after it
            if alias_only and m >= 1.0 and not own_name[i]:
                raw -= ALIAS_PENALTY
            if cue_kinds:
                raw += 0.25 if kind in cue_kinds else -0.1
            if soft_kinds:
                raw += 0.1 if kind in soft_kinds else -0.03
            if codes:
                raw += self._admin_bonus(row, codes)
            if own_unit:
                a3 = table["admin3"][row]
                named = kind is Kind.DISTRICT or (a3 is not None and fold(a3) == query_fold)
                a1 = table["admin1_code"][row]
                elsewhere = bool(stated_departments) and a1 is not None and a1 not in stated_departments
                raw += 0.2 if named and not elsewhere else -0.1
            if near is not None:
                raw += near[i]
            country = table["country"][row]
            if countries:
                raw += 0.15 if country in countries else 0.0
            if ctx.focus and country not in countries and country is not None:  # a continent is in no country
                if country == ctx.focus:
                    raw += 0.05
                elif kind in _WORLD_KINDS:
                    raw += 0.05 if kind is Kind.COUNTRY else 0.0
                else:
                    raw -= 0.1
            out.append((raw, row, m))
        out.sort(key=lambda t: (-t[0], -float(table["priority"][t[1]])))
        return out

    def _admin_bonus(self, row: int, codes: set[str]) -> float:
        c = self.index.columns
        bonus = 0.0
        a1, a2, a3 = c["admin1_code"][row], c["admin2_code"][row], c["admin3_code"][row]
        # A unit is not inside itself: the province of Piura gains nothing
        # from "in Piura province", the city of Piura does.
        kind = self._kind[row]
        if kind is Kind.DEPARTMENT:
            a1 = a2 = a3 = None
        elif kind is Kind.PROVINCE:
            a2 = a3 = None
        elif kind is Kind.DISTRICT:
            a3 = None
        if a3 and a3 in codes:
            bonus += 0.3
        if a2 and a2 in codes:
            bonus += 0.2
        if a1 and a1 in codes:
            bonus += 0.12
        elif c["admin1_code"][row] and c["country"][row] == "PE" and any(len(x) == 2 for x in codes) \
                and c["admin1_code"][row] not in codes:
            bonus -= 0.08  # the context names another department
        return min(bonus, 0.5)

    def _near_bonus(self, rows: np.ndarray, points) -> np.ndarray:
        """Bonus of each row for lying near the context's places (vectorised)."""
        pts = np.radians(np.array(sorted(set(points)), dtype=float))
        lon = np.radians(self._lon[rows])[:, None]
        lat = np.radians(self._lat[rows])[:, None]
        d = haversine_np(lon, lat, pts[None, :, 0], pts[None, :, 1]).min(axis=1)
        return np.select([d < 25, d < 75, d < 150, d > 500], [0.2, 0.12, 0.05, -0.05], 0.0)

    def _context_evidence(self, ctx: Context, query_fold: str):
        """Admin codes, nearby points and countries the context names."""
        named: list[set[str]] = []
        points: list[tuple[float, float]] = list(ctx.points)
        for value in ctx.admin:
            value = value.strip()
            if value.isascii() and value.isdigit():
                named.append({_ubigeo(value)})
                continue
            # An admin unit given with the mention may share its name ("Piura,
            # Piura"): the mention lies in it, so the name counts here.
            named.append(self._admin_codes(value, None))
        # A department the row states rules out a district or province of the same name elsewhere:
        # "El Porvenir | Trujillo | La Libertad" gains nothing from El Porvenir of Apurímac.
        departments = {c for found in named for c in found if len(c) == 2 and len(found) == 1}
        codes: set[str] = set()
        for found in named:
            codes |= {c for c in found if not departments or c[:2] in departments}
        for pid in ctx.near:
            row = self.index.id_to_row.get(pid)
            if row is not None:
                points.append((self._lon[row], self._lat[row]))
        countries: set[str] = set()
        if ctx.text:
            text_codes, text_points, countries = text_evidence(self, ctx.text, query_fold)
            codes |= text_codes
            points.extend(text_points)
        return codes, points, countries

    def _admin_codes(self, name: str, query_fold: str | None) -> set[str]:
        f = fold(name)
        if not f or f == query_fold:
            return set()
        k, cues = split_key(name)
        rows = self.index.by_fold.get(f, ()) or self.index.by_key.get(k, ())
        out = set()
        for r in rows:
            if self._admin_rows[r]:
                kind = self._kind[r]
                if cues and kind not in set().union(*(_CUE_KINDS[c] for c in cues)):
                    continue
                code = {Kind.DEPARTMENT: "admin1_code", Kind.PROVINCE: "admin2_code",
                        Kind.DISTRICT: "admin3_code"}[kind]
                value = self.index.columns[code][r]
                if value:
                    out.add(value)
        return out

    # -- merging and verdict -------------------------------------------------

    def _merge(self, scored) -> list[tuple[float, int, str, list[str]]]:
        """Fold entries that describe one place (same family, within MERGE_KM).

        ``scored`` is sorted best first; the first entry of a group keeps the
        group's score and the most authoritative source names it. Only the
        best :data:`MERGE_LIMIT` entries are considered: beyond them a name
        is hopelessly ambiguous anyway.
        """
        scored = scored[:MERGE_LIMIT]
        n = len(scored)
        ids = self.index.columns["id"]
        all_priority = self.index.columns["priority"]
        if n == 1:
            raw, row, m = scored[0]
            return [(raw, row, _match_label(m), [])]
        rows = np.array([r for _, r, _ in scored], dtype=np.int64)
        lat, lon = np.radians(self._lat[rows]), np.radians(self._lon[rows])
        kinds = self._kind[rows]
        settlement = np.array([k in _SETTLEMENT for k in kinds])
        family = (kinds[:, None] == kinds[None, :]) | (settlement[:, None] & settlement[None, :])
        same = family & (haversine_np(lon[:, None], lat[:, None], lon[None, :], lat[None, :]) < MERGE_KM)
        same = same.tolist()  # plain lists: the loop below reads single cells
        leaders: list[int] = []
        group_of = [-1] * n
        kept: list[tuple[float, int, str, list[str]]] = []
        for i, (raw, row, m) in enumerate(scored):
            row_same = same[i]
            hit = next((j for j in leaders if row_same[j]), None)
            if hit is not None:
                g = group_of[hit]
                group_of[i] = g
                graw, grow, gm, galso = kept[g]
                if all_priority[row] > all_priority[grow]:
                    kept[g] = (graw, row, gm, [ids[grow], *galso])
                else:
                    galso.append(ids[row])
                continue
            leaders.append(i)
            group_of[i] = len(kept)
            kept.append((raw, row, _match_label(m), []))
        return kept

    def _verdict(self, query: str, kept, limit: int) -> Resolution:
        raws = np.array([e[0] for e in kept])
        shares = np.exp((raws - raws.max()) / _TEMPERATURE)
        shares /= shares.sum()
        quality = {"exact": 1.0, "name": 0.97, "variant": 0.9, "fuzzy": 0.75}
        candidates = [Candidate(self.index.place(row), round(float(share * quality[m]), 4), m, tuple(also[:5]))
                      for (raw, row, m, also), share in zip(kept[:limit], shares)]
        if len(kept) > 1 and kept[0][0] - kept[1][0] < MARGIN:
            close = [e for e in kept if kept[0][0] - e[0] < MARGIN]
            described = "; ".join(describe(self.index.place(e[1])) for e in close[:4])
            more = f" and {len(close) - 4} more" if len(close) > 4 else ""
            return Resolution(query, "ambiguous", candidates,
                              reason=f"{len(close)} places match {query!r}: {described}{more}; "
                                     "give an admin unit or a nearby place to decide", close=len(close))
        reason = ""
        if candidates[0].match == "fuzzy":
            reason = f"spelling corrected: {query!r} read as {candidates[0].place.name!r}"
        elif candidates[0].match == "variant":
            reason = f"spelling variant: {query!r} read as {candidates[0].place.name!r}"
        return Resolution(query, "ok", candidates, reason=reason, close=1)


def _match_label(m: float) -> str:
    return "exact" if m >= 1.0 else "name" if m >= 0.95 else "variant" if m >= 0.88 else "fuzzy"


def _ubigeo(code: str) -> str:
    """``"050000"`` → ``"05"``, ``"050400"`` → ``"0504"``, ``"50408"`` → ``"050408"``."""
    if len(code) in (2, 4):
        return code
    code = code.zfill(6)
    if code.endswith("0000"):
        return code[:2]
    return code[:4] if code.endswith("00") else code




def _lookup(resolver: Resolver, query: str) -> tuple[list[int], list[float]]:
    f = fold(query)
    k, _ = split_key(query)
    p = phonetic(query)
    idx = resolver.index
    best: dict[int, float] = {}
    for rows, score in ((idx.by_fold.get(f, ()), 1.0), (idx.by_key.get(k, ()), 0.95),
                        (idx.by_phonetic.get(p, ()), 0.88)):
        for r in rows:
            if score > best.get(r, 0.0):
                best[r] = score
    if not best:
        for hit, ratio in resolver._fuzzy(k):
            for r in idx.by_key[hit]:
                best[r] = max(best.get(r, 0.0), 0.85 * ratio / 100)
    if not best:
        for hit in resolver._typos(k):
            for r in idx.by_key[hit]:
                best[r] = TYPO_MATCH
    return list(best), list(best.values())


