"""Dates as analysts write them, with the precision they carry.

``"2014-02-17"``, ``"17/02/2014"``, ``"17 de febrero de 2014"`` and
``"February 17, 2014"``, ``"Monday 17th February 2014"``, ``"20140217"``,
``"17/02/14"``, an Excel serial (``41687``) and an ISO week day
(``"2014-W08-1"``) are days; ``"2014-02"``, ``"febrero 2014"`` and
``"02/2014"`` are months; ``"2014"`` is a year. An imprecise date is stored
as the first day of its period, with its precision beside it, so nothing is
claimed that the source did not say.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import pandas as pd

from gazetteer.names import fold

__all__ = ["parse_date", "DateError", "PRECISION_WORDS", "coarser"]

_MONTHS = {
    "january": 1, "jan": 1, "enero": 1, "ene": 1,
    "february": 2, "feb": 2, "febrero": 2,
    "march": 3, "mar": 3, "marzo": 3,
    "april": 4, "apr": 4, "abril": 4, "abr": 4,
    "may": 5, "mayo": 5,
    "june": 6, "jun": 6, "junio": 6,
    "july": 7, "jul": 7, "julio": 7,
    "august": 8, "aug": 8, "agosto": 8, "ago": 8,
    "september": 9, "sep": 9, "sept": 9, "septiembre": 9, "setiembre": 9, "set": 9,
    "october": 10, "oct": 10, "octubre": 10,
    "november": 11, "nov": 11, "noviembre": 11,
    "december": 12, "dec": 12, "diciembre": 12, "dic": 12,
}
#: Words accepted in a date-precision column, folded -> precision.
PRECISION_WORDS = {
    "day": "day", "dia": "day", "d": "day", "exact": "day", "exacta": "day",
    "month": "month", "mes": "month", "m": "month",
    "year": "year", "ano": "year", "anio": "year", "y": "year",
}
_ORDER = {"day": 0, "month": 1, "year": 2}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_NUMERIC_MONTH = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # 20140217
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{2})-?([1-7])$", re.IGNORECASE)  # 2014-W08-1
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th|ro|do|er|o|º|°)\b", re.IGNORECASE)
_FILLER = {"de", "del", "of", "the", "th", "st", "nd", "rd", "el", "on"}
_WEEKDAYS = {
    "monday": 0, "mon": 0, "lunes": 0, "lun": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "martes": 1, "mar.": 1,
    "wednesday": 2, "wed": 2, "miercoles": 2, "mie": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "jueves": 3, "jue": 3,
    "friday": 4, "fri": 4, "viernes": 4, "vie": 4,
    "saturday": 5, "sat": 5, "sabado": 5, "sab": 5,
    "sunday": 6, "sun": 6, "domingo": 6, "dom": 6,
}
#: Excel stores a day as its count from 1899-12-30; serials of 1950-2100 are read as such.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_SERIALS = (18_264, 73_051)


class DateError(ValueError):
    """A cell that is not a date; the message says why."""


def coarser(a: str, b: str) -> str:
    """The coarser of two precisions (``coarser("day", "month") == "month"``)."""
    return a if _ORDER[a] >= _ORDER[b] else b


def parse_date(value, *, dayfirst: bool = True) -> tuple[pd.Timestamp, str] | None:
    """Parse one date cell.

    Parameters
    ----------
    value : str, datetime, date, int or float
        The cell. Empty strings and None give None.
    dayfirst : bool
        Read ``03/04/2014`` as 3 April (the Peruvian way) rather than
        March 4. A first number above 12 always means the day.

    Returns
    -------
    (Timestamp, str) or None
        The first day of the period and ``"day"``, ``"month"`` or ``"year"``.

    Raises
    ------
    DateError
        When the cell is not a date, or names a day that does not exist.

    Examples
    --------
    >>> parse_date("17 de febrero de 2014")
    (Timestamp('2014-02-17 00:00:00'), 'day')
    >>> parse_date("2014-02")
    (Timestamp('2014-02-01 00:00:00'), 'month')
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        if value is pd.NaT:
            return None
        return pd.Timestamp(value.year, value.month, value.day), "day"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            raise DateError("a number that is not a date")
        if float(value).is_integer() and 1000 <= value <= 9999:
            return _make(int(value), 1, 1), "year"
        if float(value).is_integer() and _EXCEL_SERIALS[0] <= value <= _EXCEL_SERIALS[1]:
            return _excel(int(value)), "day"
        raise DateError("a number that is neither a year nor an Excel date")
    text = str(value).strip()
    if not text:
        return None
    return _parse_text(text, dayfirst)


@lru_cache(maxsize=65_536)
def _parse_text(text: str, dayfirst: bool) -> tuple[pd.Timestamp, str]:
    if m := _ISO.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := _ISO_MONTH.match(text):
        return _make(int(m[1]), int(m[2]), 1), "month"
    if m := _YEAR.match(text):
        return _make(int(m[1]), 1, 1), "year"
    if m := _COMPACT.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := _ISO_WEEK.match(text):
        try:
            return pd.Timestamp(dt.date.fromisocalendar(int(m[1]), int(m[2]), int(m[3]))), "day"
        except ValueError as exc:
            raise DateError(f"no such week day ({exc})") from None
    if text.isascii() and text.isdigit() and _EXCEL_SERIALS[0] <= int(text) <= _EXCEL_SERIALS[1]:
        return _excel(int(text)), "day"
    if m := _NUMERIC.match(text):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            year = _century(year)
        day, month = (a, b) if (dayfirst and b <= 12) or a > 12 else (b, a)
        return _make(year, month, day), "day"
    if m := _NUMERIC_MONTH.match(text):
        return _make(int(m[2]), int(m[1]), 1), "month"
    return _parse_words(text)


def _parse_words(text: str) -> tuple[pd.Timestamp, str]:
    text = _ORDINAL.sub("", text)  # 17th, 1ro, 2º
    words = [w.strip(".") for w in re.split(r"[\s,]+", fold(text)) if w.strip(".")]
    weekdays = [_WEEKDAYS[w] for w in words if w in _WEEKDAYS and w not in _MONTHS]
    words = [w for w in words if w not in _FILLER and (w not in _WEEKDAYS or w in _MONTHS)]
    months = [w for w in words if w in _MONTHS]
    numbers = [w for w in words if w.isascii() and w.isdigit()]
    others = [w for w in words if w not in _MONTHS and not (w.isascii() and w.isdigit())]
    if len(months) != 1 or others or not numbers:
        raise DateError("not a date (write YYYY-MM-DD, YYYY-MM or YYYY)")
    month = _MONTHS[months[0]]
    years = [int(n) for n in numbers if len(n) == 4]
    days = [int(n) for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) > 1:
        raise DateError("not a date (write YYYY-MM-DD, YYYY-MM or YYYY)")
    if days:
        day = _make(years[0], month, days[0])
        if weekdays and weekdays[0] != day.weekday():
            raise DateError(f"{day:%d %B %Y} was a {day:%A}, not the weekday the cell names")
        return day, "day"
    return _make(years[0], month, 1), "month"


def _excel(serial: int) -> pd.Timestamp:
    return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=serial))


def _century(yy: int) -> int:
    """A two-digit year: this century up to next year, else the last (14 -> 2014, 89 -> 1989)."""
    pivot = (dt.date.today().year + 1) % 100
    return 2000 + yy if yy <= pivot else 1900 + yy


def _make(year: int, month: int, day: int) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(dt.date(year, month, day))
    except ValueError as exc:
        raise DateError(f"no such date ({exc})") from None
    if not pd.Timestamp.min <= stamp <= pd.Timestamp.max:
        raise DateError("year out of the supported range (1678-2261)")
    return stamp
