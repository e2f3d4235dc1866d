"""One event per incident: later tellings of an incident add to it instead of repeating it."""

from __future__ import annotations

import math

from .dates import _fold_keep
from .eventrules import STRONG_PRIORITY, Event, cue

__all__ = ["merge", "absorb", "MERGE_KM", "FINE"]

#: Events of one date and type closer than this (km) are one event told twice.
MERGE_KM = 15.0
#: Precisions that locate an incident (a town, a base, a district).
FINE = frozenset({"point", "near", "district"})


def merge(events: list[Event]) -> list[Event]:
    """One event per date and place: later sentences that describe it again add to it.

    Two locations are one place when they lie within :data:`MERGE_KM` or one
    is the admin unit holding the other ("the district of Llochegua" … "between
    Llochegua and Canayre").
    """
    out: list[Event] = []
    for ev in events:
        twin = next((e for e in out if e.date == ev.date and e.sentence != ev.sentence and not ev.distinct
                     and (e.event_type == ev.event_type or min(e.priority, ev.priority) < STRONG_PRIORITY + 20)
                     and (_same_place(e, ev) or not ev.dated_here and
                     e.location is not None and ev.location is not None
                     and e.location.mention.key == ev.location.mention.key)), None)
        if twin is None:
            out.append(ev)
            continue
        absorb(twin, ev)
        if _finer(ev, twin):
            twin.location = ev.location  # "in this capital" … "in the San Borja district"
    return out


def absorb(twin: Event, ev: Event) -> None:
    """What a second telling of ``twin`` adds: a toll, the attackers, a more specific type."""
    if not twin.fatalities and ev.fatalities:
        twin.fatalities = ev.fatalities
    if twin.attackers is None:
        twin.attackers = ev.attackers
    if (ev.event_type == "Explosions/Remote violence" and twin.priority < STRONG_PRIORITY + 20
            and not twin.fatalities and not cue("fight").search(_fold_keep(twin.quote))):
        # "two attacks in Lima last night … a powerful bomb exploded": the telling with the weapon types it;
        # an ambush with explosives stays a clash
        twin.event_type, twin.sub_event_type, twin.priority = ev.event_type, ev.sub_event_type, ev.priority


def _finer(a: Event, b: Event) -> bool:
    """Whether ``a`` is placed more finely than ``b`` (a district over its department, a town over its city)."""
    order = {"point": 0, "near": 1, "district": 2, "province": 3, "department": 4, "region": 5, "country": 6}
    pa, pb = _place(a), _place(b)
    if pa is None or pb is None:
        return pa is not None
    return order.get(pa.precision.value, 9) < order.get(pb.precision.value, 9) or (
        b.location is not None and b.location.mention.dateline and not a.location.mention.dateline)


def _same_place(a: Event, b: Event) -> bool:
    pa, pb = _place(a), _place(b)
    if pa is None or pb is None:
        return pa is pb
    if pa.id == pb.id:
        return True
    for x, y in ((pa, pb), (pb, pa)):
        code = {"district": x.admin3_code, "province": x.admin2_code, "department": x.admin1_code}.get(x.kind.value)
        if code and code in (y.admin1_code, y.admin2_code, y.admin3_code):
            return True
    if (pa.admin3_code and pb.admin3_code and pa.admin3_code != pb.admin3_code
            and pa.precision.value in FINE and pb.precision.value in FINE
            and "capital" not in (pa.kind.value, pb.kind.value)):
        return False  # two districts of one city (Breña, San Isidro) are two locations
    return _km(pa, pb) < MERGE_KM


def _place(ev: Event):
    best = ev.location.resolution.best if ev.location is not None else None
    return best.place if best is not None else None


def _km(a, b) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
