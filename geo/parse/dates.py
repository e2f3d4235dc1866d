"""Dates in news text, made absolute against the publication date.

Recognised, in English and Spanish: weekdays ("on Monday", "el lunes", "late
on Tuesday", "la noche del sábado"), "yesterday"/"ayer", "today"/"hoy",
"the day before yesterday"/"anteayer", "the next day"/"al día siguiente"/"un
día después" (relative to the date of the previous event), day and month
("17 de febrero", "February 17", "March 1, 2008", "el lunes 17 de febrero"),
month alone ("In April", "en marzo de 2008": month precision) and years
("in 2009": year precision). A date without a year takes the publication's
year, or the year before when that would put it after publication.

Expressions that date the *report* rather than the event are skipped: the
dateline ("LIMA, Feb 20 -", "Bogotá, 7 may (EFE).-") and a date right after a
speech verb ("officials said on Monday", "informó hoy").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from gazetteer.names import fold

from .lexicon import Lexicon, lexicon

__all__ = ["DateMention", "dateline_end", "find_dates", "parse_published"]

_NUM = r"(\d{1,2})"
_YEAR = r"((?:19|20)\d{2})"


@dataclass(frozen=True)
class DateMention:
    """A date expression: offsets in the text searched, the date and its precision.

    ``relative`` is ``"next_day"`` or ``"same_day"`` when the date depends on
    an earlier event; ``date`` is then None until resolved.
    """

    start: int
    end: int
    date: dt.date | None
    precision: str
    relative: str = ""
    kind: str = ""


def parse_published(value: str | dt.date | None) -> dt.date | None:
    """``YYYY-MM-DD`` (or a date) → date; None stays None."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        from gazetteer.errors import InvalidInputError

        raise InvalidInputError(f"published date {value!r} is not a valid YYYY-MM-DD date") from exc


def _patterns(words: Lexicon) -> list[tuple[str, re.Pattern]]:
    months = "|".join(sorted(words.months, key=len, reverse=True))
    days = "|".join(sorted(words.days, key=len, reverse=True))
    return [
        ("dmy", re.compile(rf"\b{_NUM}\s+(?:de\s+)?({months})\.?(?:\s+(?:de|del)\s+{_YEAR}|,?\s+{_YEAR})?\b")),
        ("mdy", re.compile(rf"\b({months})\.?\s+{_NUM}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR})?")),
        ("my", re.compile(rf"\b(?:in|en|de|since|desde|early|late|mid|fines de|inicios de|mediados de)\s+"
                          rf"({months})(?:\s+(?:de|del|of)?\s*{_YEAR})?\b")),
        ("weekday", re.compile(rf"\b({days})\b")),
        ("yesterday", re.compile(r"\b(?:yesterday|ayer)\b")),
        ("before_yesterday", re.compile(r"\b(?:the day before yesterday|anteayer|antier)\b")),
        ("today", re.compile(r"\b(?:today|hoy|this morning|esta manana)\b")),
        ("next_day", re.compile(r"\b(?:the next day|the following day|a day later|next day|al dia siguiente|"
                                r"un dia despues|el dia siguiente|al otro dia)\b")),
        ("same_day", re.compile(r"\b(?:hours later|later that day|the same day|horas despues|ese mismo dia|"
                                r"el mismo dia)\b")),
        ("year", re.compile(rf"\b(?:in|en|since|desde|de)\s+{_YEAR}\b")),
    ]


_CACHE: dict[int, list] = {}
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|announced|reported|added|dijo|informo|informaron|senalo|"
                            r"indico|afirmo|anuncio|declaro|reporto)\s+(?:on\s+|el\s+|este\s+)?$")
_DATELINE = re.compile(r"^\s*[A-Za-zÁÉÍÓÚÑáéíóúñ .'’]{2,40}(?:,\s*[^\n]{1,30}?)?\s*(?:\([^)\n]{1,30}\))?\s*\.?\s*[-–—]+\s")


def dateline_end(paragraph: str) -> int:
    """Length of the dateline at the start of a paragraph ("LIMA, Feb 20 (AP) - "), 0 when none."""
    m = _DATELINE.match(paragraph)
    return m.end() if m else 0


def find_dates(text: str, published: dt.date, *, words: Lexicon | None = None) -> list[DateMention]:
    """Date expressions in ``text`` (a sentence), in text order.

    ``text`` is searched folded (lower case, no accents), which keeps offsets.
    """
    words = words or lexicon()
    pats = _CACHE.setdefault(id(words), _patterns(words))
    folded = _fold_keep(text)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for name, pat in pats:
        for m in pat.finditer(folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if _SPEECH_BEFORE.search(folded[max(0, m.start() - 30):m.start()]):
                continue
            if name == "weekday" and re.search(r"\b(?:santo|san)\s+$", folded[max(0, m.start() - 8):m.start()]):
                continue  # Santo Domingo de Acobamba is a place, not a Sunday
            value = _value(name, m, published, words)
            if value is None:
                continue
            taken.append((m.start(), m.end()))
            kind = "explicit" if name in ("dmy", "mdy") else name
            found.append(DateMention(m.start(), m.end(), *value, kind=kind))
    found.sort(key=lambda d: d.start)
    return found


def _value(name: str, m: re.Match, published: dt.date, words: Lexicon):
    if name == "dmy":
        day, month, year = int(m.group(1)), words.months[m.group(2)], m.group(3) or m.group(4)
        return _date(day, month, year, published, "day")
    if name == "mdy":
        month, day, year = words.months[m.group(1)], int(m.group(2)), m.group(3)
        return _date(day, month, year, published, "day")
    if name == "my":
        month, year = words.months[m.group(1)], m.group(2)
        return _date(1, month, year, published, "month")
    if name == "weekday":
        back = (published.weekday() - words.days[m.group(1)]) % 7
        return published - dt.timedelta(days=back), "day"
    if name == "yesterday":
        return published - dt.timedelta(days=1), "day"
    if name == "before_yesterday":
        return published - dt.timedelta(days=2), "day"
    if name == "today":
        return published, "day"
    if name in ("next_day", "same_day"):
        return None, "day", name
    if name == "year":
        year = int(m.group(1))
        return (dt.date(year, 1, 1), "year") if year <= published.year else None
    return None


def _date(day: int, month: int, year: str | None, published: dt.date, precision: str):
    try:
        if year:
            return dt.date(int(year), month, day), precision
        value = dt.date(published.year, month, day)
        if value > published:
            value = dt.date(published.year - 1, month, day)
        return value, precision
    except ValueError:
        return None  # "31 de febrero": not a date


def _fold_keep(text: str) -> str:
    """Lower case without accents, one character per character."""
    out = []
    for ch in text:
        f = fold(ch) if not ch.isascii() else ch.lower()
        out.append(f if len(f) == 1 else (" " if not f else f[0]))
    return "".join(out)
