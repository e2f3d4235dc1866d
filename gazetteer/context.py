"""What is known around a mention: admin names, nearby places, text.

:class:`Context` is what callers give; :func:`cues_around` and
:func:`text_evidence` read free text for the resolver.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .distance import haversine_km
from .names import fold, split_key
from .place import Kind

if TYPE_CHECKING:
    from .resolver import Resolver

__all__ = ["Context", "cues_around", "text_evidence"]

# Mapping keys accepted as admin context, with the generic word that names their level.
_LEVEL_OF_FIELD = {
    "admin3": "district of", "district": "district of",
    "admin2": "province of", "province": "province of",
    "admin1": "department of", "department": "department of",
    "admin3_code": "", "admin2_code": "", "admin1_code": "",
}


@dataclass(frozen=True)
class Context:
    """What is known around a mention.

    Parameters
    ----------
    admin : tuple of str
        Admin unit names or UBIGEO codes given with the mention
        (``("Ayna", "La Mar")``, ``("05",)``).
    near : tuple of str
        Ids of places mentioned in the same document or row.
    points : tuple of (lon, lat)
        Coordinates known to be near the mention.
    kind : str, Kind or iterable, optional
        A soft preference for kinds (``"populated_place"``); weaker than a cue
        written in the mention itself.
    focus : str or None
        ISO country code preferred when nothing else decides (default Peru).
    text : str, optional
        Free text (a sentence or a whole document); admin names and places in
        it are used as context.
    """

    admin: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    kind: Any = None
    focus: str | None = "PE"
    text: str | None = None

    @classmethod
    def coerce(cls, value: Any, *, focus: str | None = "PE") -> "Context":
        """Build a Context from a string, a mapping, an iterable of names or None."""
        if value is None:
            return cls(focus=focus)
        if isinstance(value, Context):
            return value
        if isinstance(value, str):
            return cls(text=value, focus=focus)
        if isinstance(value, Mapping):
            # The field says the level: "San Martín" as admin1 is the department,
            # not the province or the district of that name.
            admin = tuple(f"{_LEVEL_OF_FIELD[k]} {value[k]}".strip() for k in _LEVEL_OF_FIELD
                          if value.get(k) not in (None, "") and value.get(k) == value.get(k))
            kind = value.get("kind")
            kind = tuple(kind) if isinstance(kind, (list, set, frozenset)) else kind
            return cls(admin=admin, near=tuple(value.get("near", ())), kind=kind,
                       focus=value.get("focus", focus), text=value.get("text"))
        if isinstance(value, Iterable):
            return cls(admin=tuple(str(v) for v in value if v), focus=focus)
        raise TypeError(f"context must be a str, Mapping, Context or iterable of names, not {type(value).__name__}")

    def kinds(self) -> frozenset[Kind]:
        if self.kind is None:
            return frozenset()
        values = [self.kind] if isinstance(self.kind, (str, Kind)) else list(self.kind)
        return frozenset(Kind(v) for v in values)


def unit_name(value: str) -> str:
    """The name in an admin context entry: ``"district of Río Tambo"`` → ``"Río Tambo"``."""
    for prefix in ("district of ", "province of ", "department of "):
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def cues_around(text: str, query_fold: str) -> frozenset[str]:
    """Kind cues written next to the mention in the context ("the province of Huanta").

    A short context made only of generic words ("river", "the department")
    is a cue by itself.
    """
    words = fold(text[:20_000]).split()
    if len(words) <= 3:
        rest, own = split_key(" ".join(words) + " x")
        if rest == "x":
            return own
    q = query_fold.split()
    cues: set[str] = set()
    for i in range(len(words) - len(q) + 1):
        if words[i:i + len(q)] == q:
            before = " ".join(words[max(0, i - 3):i])
            after = " ".join(words[i + len(q):i + len(q) + 1])
            for side in (before, after):
                if side:
                    cues |= split_key(f"{side} x")[1]
    return frozenset(cues)


@lru_cache(maxsize=4096)
def _ngrams(text_fold: str, max_n: int = 5) -> tuple[str, ...]:
    words = text_fold.split()
    out = []
    for n in range(1, max_n + 1):
        for i in range(len(words) - n + 1):
            out.append(" ".join(words[i:i + n]))
    return tuple(out)


def text_evidence(resolver: Resolver, text: str, query_fold: str):
    """Admin codes, nearby points and countries named in free text.

    Admin names count wherever they appear; other places only when every
    entry of that name lies within 50 km of the others (one place, not many).
    """
    idx = resolver.index
    text_fold = fold(text[:20_000])
    query_words = set(query_fold.split())
    codes: set[str] = set()
    countries: set[str] = set()
    points: list[tuple[float, float]] = []
    for gram in _ngrams(text_fold):
        if len(gram) < 4 or gram == query_fold or set(gram.split()) <= query_words:
            continue
        rows = idx.by_fold.get(gram)
        if not rows:
            continue
        countries.update(idx.columns["country"][r] for r in rows if resolver._kind[r] is Kind.COUNTRY)
        admin = [r for r in rows if resolver._admin_rows[r]]
        if admin:
            codes |= resolver._admin_codes(gram, query_fold)
        others = [r for r in rows if not resolver._admin_rows[r]
                  and resolver._kind[r] not in (Kind.COUNTRY, Kind.RIVER, Kind.REGION, Kind.VALLEY, Kind.COCA_ZONE)]
        if others and len(others) <= 6:
            lons, lats = resolver._lon[others], resolver._lat[others]
            spread = max(haversine_km(lons[0], lats[0], lo, la) for lo, la in zip(lons, lats))
            if spread < 50:
                points.append((float(lons.mean()), float(lats.mean())))
    return codes, points, countries
