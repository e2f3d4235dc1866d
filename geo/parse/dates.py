"""Dates in news text, made absolute against the publication date.

Recognised, in English and Spanish: weekdays ("on Monday", "el lunes", "late
on Tuesday", "la noche del sábado"), "yesterday"/"ayer", "today"/"hoy",
"the day before yesterday"/"anteayer", "the next day"/"al día siguiente"/"un
día después" (relative to the date of the previous event), day and month
("17 de febrero", "February 17", "March 1, 2008", "el lunes 17 de febrero"),
month alone ("In April", "en marzo de 2008": month precision) and years
("in 2009": year precision). A date without a year takes the publication's
year, or the year before when that would put it after publication.

"Last night"/"anoche" is the day before the reference date; "early today",
"this morning", "esta madrugada" the reference date itself. Expressions that
place a sentence in the past ("last year", "el año pasado", "years ago", "in
the 1980s", "en los años ochenta") are found with ``kind="past"``: what they
date is background, not news.

Expressions that date the *report* rather than the event are skipped: the
dateline and a date right after a speech verb ("officials said on Monday",
"informó hoy"). :func:`read_dateline` recognises datelines of wire, radio,
FBIS and Spanish agency styles ("LIMA, 9 JAN 90 (EFE) -- [TEXT]", "LIMA, March
14, 2024 (Reuters) -", "Lima, 14 mar (EFE).-", "HUANCAYO (Peru), May 2 (AFP) -",
"Huancayo.-"); its date is the reference that relative dates resolve against.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from gazetteer.names import fold

from .lexicon import Lexicon, lexicon

__all__ = ["DateMention", "Dateline", "dateline_end", "find_dates", "parse_published", "read_dateline"]

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


#: Publication dates a report can have: relative dates ("last year") stay within what dates can hold.
PUBLISHED_RANGE = (dt.date(1800, 1, 1), dt.date(2200, 12, 31))


def parse_published(value: str | dt.date | None) -> dt.date | None:
    """``YYYY-MM-DD`` (or a date) → date; None stays None.

    Raises
    ------
    InvalidInputError
        Not a date, or outside :data:`PUBLISHED_RANGE`.
    """
    from gazetteer.errors import InvalidInputError

    if value is None:
        return None
    if isinstance(value, dt.date):
        date = value.date() if isinstance(value, dt.datetime) else value
    else:
        try:
            date = dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise InvalidInputError(f"published date {value!r} is not a valid YYYY-MM-DD date") from exc
    low, high = PUBLISHED_RANGE
    if not low <= date <= high:
        raise InvalidInputError(f"published date {date.isoformat()} is outside {low.year}-{high.year}; "
                                "is it the report's date?")
    return date


def _patterns(words: Lexicon) -> list[tuple[str, re.Pattern]]:
    months = "|".join(sorted(words.months, key=len, reverse=True))
    days = "|".join(sorted(words.days, key=len, reverse=True))
    return [
        ("dmy", re.compile(rf"\b{_NUM}\s+(?:de\s+)?({months})\.?(?:\s+(?:de|del)\s+{_YEAR}|,?\s+{_YEAR})?\b")),
        ("mdy", re.compile(rf"\b({months})\.?\s+{_NUM}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR})?")),
        ("my", re.compile(rf"\b(?:in|en|de|since|desde|early|late|mid|fines de|inicios de|mediados de)\s+"
                          rf"({months})(?:\s+(?:de|del|of)?\s*{_YEAR})?\b")),
        ("weekday", re.compile(rf"\b({days})\b")),
        ("last_night", re.compile(r"\b(?:last night|late last night|overnight|anoche|la noche de ayer|"
                                  r"ayer por la noche|la noche anterior)\b")),
        ("yesterday", re.compile(r"\b(?:yesterday|ayer)\b")),
        ("before_yesterday", re.compile(r"\b(?:the day before yesterday|anteayer|antier)\b")),
        ("today", re.compile(r"\b(?:early today|today|hoy|this morning|this afternoon|tonight|esta manana|"
                             r"esta madrugada|esta tarde|esta noche|la madrugada de hoy|en horas de la madrugada|"
                             r"(?:over|in|during) the (?:past|last) (?:few |\d+ |twenty-four )?hours|"
                             r"en las (?:ultimas|pasadas) (?:\d+ |veinticuatro )?horas)\b")),
        ("days_ago", re.compile(r"\b(?:(\w+) days? ago|hace (\w+) dias?)\b")),
        ("few_days", re.compile(r"\b(?:a few days ago|some days ago|hace (?:unos|pocos|algunos) dias|"
                                r"dias atras)\b")),
        ("past", re.compile(r"\b(?:last year|a year ago|years? ago|the previous year|in the (?:19|20)?\d0'?s|"
                            r"(?:in|during|over) the (?:past|last) (?:\w+ )?(?:decades?|years|months)|recently|"
                            r"recientemente|en (?:los|las) ultim[oa]s (?:\w+ )?(?:anos|decadas|meses)|el ano pasado|"
                            r"hace (?:\w+ )?anos?|"
                            r"(?:en )?los anos (?:ochenta|noventa|setenta|\d0)|en la decada de|years later|"
                            r"anos despues|\w+ years earlier)\b")),
        ("next_day", re.compile(r"\b(?:the next day|the following day|a day later|next day|al dia siguiente|"
                                r"un dia despues|el dia siguiente|al otro dia)\b")),
        ("same_day", re.compile(r"\b(?:hours later|later that day|the same day|horas despues|ese mismo dia|"
                                r"el mismo dia)\b")),
        ("year", re.compile(rf"\b(?:in|en|since|desde|de)\s+{_YEAR}\b")),
    ]


#: Lexicon id -> (its date patterns, the words one of which every match holds unless it has a digit).
_CACHE: dict[int, tuple[list[tuple[str, re.Pattern]], frozenset[str]]] = {}
#: The words of the patterns of :func:`_patterns` besides months, days and digits (keep the two in step).
_KEYWORDS = frozenset({
    "night", "overnight", "anoche", "noche", "yesterday", "ayer", "anteayer", "antier", "today", "hoy",
    "morning", "afternoon", "tonight", "manana", "madrugada", "tarde", "ago", "hace", "dias", "dia", "days",
    "day", "atras", "year", "years", "decade", "decades", "months", "recently", "recientemente", "ultimos",
    "ultimas", "anos", "ano", "decadas", "meses", "decada", "ochenta", "noventa", "setenta", "later",
    "despues", "earlier", "next", "following", "siguiente", "otro", "same", "mismo", "hours", "horas",
})
_LOWER_WORD = re.compile(r"[a-z]+")
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|announced|reported|added|dijo|informo|informaron|senalo|"
                            r"indico|afirmo|anuncio|declaro|reporto)\s+(?:on\s+|el\s+|este\s+)?$")
_LETTERS = "A-Za-zÁÉÍÓÚÑÜáéíóúñü"
#: CITY [(COUNTRY)] [, Country] [, DATE] [(AGENCY)] SEPARATOR [[TEXT]] [[REPORT]] ...
_DATELINE = re.compile(
    rf"(?P<city>[{_LETTERS}][{_LETTERS}'’]*(?:[ -][{_LETTERS}][{_LETTERS}'’]*){{0,3}})"
    rf"(?:\s*\((?P<country>[{_LETTERS} .]{{2,30}})\))?"
    rf"(?:,\s*(?P<country2>[{_LETTERS}]+(?: [{_LETTERS}]+)?)(?=,))?"
    rf"(?:,\s*(?P<date>[{_LETTERS}0-9 .,]{{1,30}}?))?"
    r"\s*(?:\((?P<agency>[^()\n]{1,40})\))?"
    r"(?P<sep>\s*\.?\s*(?:--|[-–—]|\.[-–—]|\|)\s+|(?<=\))\.\s+|\.-\s*|\s*:\s+(?=\[))"
    r"(?P<tags>(?:\[[^\]\n]{1,80}\]\s*)*)"
)
_DATE_IN_DATELINE = re.compile(r"^(?:(\d{1,2})\s+(?:de\s+)?([a-z]+)\.?(?:,?\s+(\d{2}|\d{4}))?|"
                               r"([a-z]+)\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?|no date|sin fecha)$")
#: Lines at the top that are not the story: corpus ids, "(INTEL TEXT PROC)".
_HEADER_LINE = re.compile(r"^[A-Z0-9-]+(?:\s+\([^)\n]*\))?\s*$")


@dataclass(frozen=True)
class Dateline:
    """The dateline of a report: its span (tags included), the city as written, its date.

    ``date`` is None when the dateline gives none ("LIMA, NO DATE --"), and
    the publication date is then the reference for relative dates.
    """

    start: int
    end: int
    city: str
    city_start: int
    date: dt.date | None
    agency: str | None = None


def read_dateline(text: str, published: dt.date, *, words: Lexicon | None = None,
                  search_lines: int = 4) -> Dateline | None:
    """The dateline at the start of ``text`` (or of one of its first lines), or None.

    A line counts as a dateline when a city of at most four words is followed
    by a date, an agency in parentheses, or a separator that only datelines
    use ("--", ".-", "|", a dash after an all-capitals city), then the story.
    """
    words = words or lexicon()
    pos = 0
    for _ in range(search_lines):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end == -1 else line_end
        found = _dateline_at(text, pos, published, words)
        if found is not None:
            return found
        line = text[pos:line_end]
        if not _HEADER_LINE.match(line) and len(line) > 160:
            return None  # the story has begun
        pos = line_end + 1
        if pos >= len(text):
            return None
    return None


def _dateline_at(text: str, pos: int, published: dt.date, words: Lexicon) -> Dateline | None:
    m = _DATELINE.match(text, pos)
    if m is None or m.end() >= len(text):
        return None
    city = m.group("city")
    if city.split()[0].lower() in ("the", "el", "la", "los", "las", "a", "un", "una", "in", "en"):
        return None
    date_text = (m.group("date") or "").strip(" ,.")
    sep = m.group("sep").strip()
    strong_sep = sep in ("--", ".-", ".–", ".—", "|", ":") or bool(m.group("tags"))
    date = None
    if date_text:
        parsed = _dateline_date(_fold_keep(date_text), published, words)
        if parsed is False and not (strong_sep and re.fullmatch(rf"[{_LETTERS} ]+", date_text)):
            return None  # ", and then" or other words: the comma was not a dateline's
        date = parsed or None
        date_text = date_text if parsed is not False else ""
    capitals = city.isupper() and len(city) > 2
    if not (date_text or m.group("agency") or strong_sep or (capitals and sep)):
        return None
    if m.group("country") and not date_text and not m.group("agency") and not strong_sep:
        return None
    return Dateline(start=pos, end=m.end(), city=city, city_start=m.start("city"), date=date,
                    agency=m.group("agency"))


def _dateline_date(folded: str, published: dt.date, words: Lexicon):
    """The date of a dateline ("9 jan 90", "march 14, 2024", "14 mar", "no date"); False if not a date."""
    m = _DATE_IN_DATELINE.match(folded.strip())
    if m is None:
        return False
    if m.group(0) in ("no date", "sin fecha"):
        return None
    if m.group(1):
        day, month, year = m.group(1), m.group(2), m.group(3)
    else:
        month, day, year = m.group(4), m.group(5), m.group(6)
    if month not in words.months:
        return False
    if year and len(year) == 2:
        year = str((1900 if int(year) > 30 else 2000) + int(year))
    value = _date(int(day), words.months[month], year, published, "day")
    return value[0] if value else False


def dateline_end(paragraph: str, published: dt.date | None = None) -> int:
    """Length of the dateline at the start of a paragraph ("LIMA, Feb 20 (AP) - "), 0 when none."""
    found = _dateline_at(paragraph, 0, published or dt.date.today(), lexicon())
    return found.end if found else 0


def find_dates(text: str, published: dt.date, *, words: Lexicon | None = None,
               include_speech: bool = False, folded: str | None = None) -> list[DateMention]:
    """Date expressions in ``text`` (a sentence), in text order.

    A date right after a speech verb dates the report ("said today"): left out,
    or, with ``include_speech``, kept with ``kind="speech"``.

    ``text`` is searched folded (lower case, no accents), which keeps offsets;
    pass ``folded`` when the caller has it already.
    """
    words = words or lexicon()
    cached = _CACHE.get(id(words))
    if cached is None:  # built once per lexicon (not on every call)
        cached = _CACHE[id(words)] = (_patterns(words), frozenset(words.months) | frozenset(words.days) | _KEYWORDS)
    pats, keywords = cached
    folded = _fold_keep(text) if folded is None else folded
    # Every pattern needs a digit, a month or day name, or one of the keywords: most sentences have none,
    # and a set lookup of their words is far cheaper than trying the patterns.
    if not any(c.isdigit() for c in folded) and keywords.isdisjoint(_LOWER_WORD.findall(folded)):
        return []
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for name, pat in pats:
        for m in pat.finditer(folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            speech = bool(_SPEECH_BEFORE.search(folded[max(0, m.start() - 30):m.start()]))
            if speech and not include_speech:
                continue
            if name == "weekday" and re.search(r"\b(?:santo|san)\s+$", folded[max(0, m.start() - 8):m.start()]):
                continue  # Santo Domingo de Acobamba is a place, not a Sunday
            value = _value(name, m, published, words)
            if value is None:
                continue
            taken.append((m.start(), m.end()))
            kind = "speech" if speech else "explicit" if name in ("dmy", "mdy") else name
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
    if name in ("yesterday", "last_night"):
        return published - dt.timedelta(days=1), "day"
    if name == "before_yesterday":
        return published - dt.timedelta(days=2), "day"
    if name == "today":
        return published, "day"
    if name == "days_ago":
        n = words.numbers.get(m.group(1) or m.group(2))
        if n is None and (m.group(1) or m.group(2) or "").isdecimal():
            n = int(m.group(1) or m.group(2))
        return (published - dt.timedelta(days=n), "day") if n is not None and n < 60 else None
    if name == "few_days":
        return published.replace(day=1), "month"
    if name == "past":
        return None, "year"
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


class _KeepTable(dict):
    """``str.translate`` table for :func:`_fold_keep`, filled on demand."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        f = fold(ch) if not ch.isascii() else ch.lower()
        out = f if len(f) == 1 else (" " if not f else f[0])
        self[code] = out
        return out


_KEEP = _KeepTable()


def _fold_keep(text: str) -> str:
    """Lower case without accents, one character per character."""
    return text.translate(_KEEP)
