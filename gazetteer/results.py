"""What resolving a mention gives back: ranked candidates and a verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .place import Place

__all__ = ["Candidate", "Resolution", "describe"]


@dataclass(frozen=True)
class Candidate:
    """A place that may be meant, with its score in 0..1."""

    place: Place
    score: float
    match: str
    also: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = self.place.to_dict()
        out["score"] = round(self.score, 3)
        out["match"] = self.match
        if self.also:
            out["same_as"] = list(self.also)
        return out


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one mention."""

    query: str
    status: str
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""
    #: How many distinct places are within the ambiguity margin of the best (1 when ok).
    close: int = 0

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates and self.status in ("ok", "ambiguous") else None

    @property
    def confidence(self) -> float:
        """Score of the best candidate, halved when the result is ambiguous."""
        if self.best is None:
            return 0.0
        return self.best.score * (0.5 if self.status == "ambiguous" else 1.0)

    def candidate_list(self, limit: int = 5) -> str:
        """The places too close to call, one line: ``"Santa Rosa [populated_place] (La Mar, Ayacucho) [id]; ..."``.

        Empty when the resolution is not ambiguous.
        """
        if self.status != "ambiguous":
            return ""
        close = self.candidates[:max(self.close, 2)][:limit]
        more = max(self.close, len(close)) - len(close)
        return "; ".join(f"{describe(c.place)} [{c.place.id}]" for c in close) + (
            f"; and {more} more" if more > 0 else "")

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "status": self.status, "reason": self.reason, "close": self.close,
                "candidates": [c.to_dict() for c in self.candidates]}


def describe(place: Place) -> str:
    """``"Santa Rosa [populated_place] (La Mar, Ayacucho)"``: a place as reasons and suggestions name it."""
    chain = ", ".join(x for x in (place.admin3, place.admin2, place.admin1) if x and x != place.name)
    return f"{place.name} [{place.kind.value}] ({chain or place.country})"
