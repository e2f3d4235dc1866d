"""From raw cells to typed event fields, flagging every bad cell.

:func:`normalise` turns a :class:`~geo.events.readers.RawTable` into a
DataFrame of the event fields (dates with their precision, integer
fatalities, float coordinates) and records, per row, what was wrong in a
:class:`RowReport`. A bad cell never removes its row: the value becomes
missing, the row's status becomes ``invalid`` and the reason names the
column and the value.

Coordinates are checked here for what needs no map (numbers, range, a
missing half, the 0/0 placeholder, a latitude beyond 90 that is a swapped
longitude); :mod:`geo.events.geocode` checks them against the stated country
and department.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from gazetteer.names import fold

from .columns import ACLED_COLUMNS, INPUT_FIELDS, UCDP_COLUMNS, detect_columns
from .dates import PRECISION_WORDS, DateError, coarser, parse_date
from .readers import RawTable

__all__ = ["RowReport", "normalise", "MAX_WARNINGS", "parse_coordinate"]

#: Rows reported one by one in warnings; the rest are summed up in one more.
MAX_WARNINGS = 20
_SEVERITY = {"ok": 0, "ambiguous": 1, "unresolved": 2, "invalid": 3}
_STATUS = np.array(["ok", "ambiguous", "unresolved", "invalid"], dtype=object)
_STRING_FIELDS = ("event_id", "event_type", "sub_event_type", "actor1", "actor2", "location",
                  "admin1", "admin1_code", "admin2", "admin2_code", "admin3", "admin3_code", "country",
                  "source", "source_url", "source_quote", "notes")
# UCDP type_of_violence -> ACLED event type and sub-type.
_UCDP_TYPES = {"1": ("Battles", "Armed clash"), "2": ("Battles", "Armed clash"),
               "3": ("Violence against civilians", "Attack")}
_UCDP_SUFFIX = re.compile(r"\s+(department|province|district|region|municipality|town|village)$", re.I)
_DMS = re.compile(r"^\s*(-)?\s*(\d+(?:\.\d+)?)\s*[°º:\s]\s*(?:(\d+(?:\.\d+)?)\s*['′:\s]\s*)?"
                  r"(?:(\d+(?:\.\d+)?)\s*(?:\"|″|''|\s)?\s*)?([NSEWO])?\s*$", re.I)


class RowReport:
    """Status and reasons per row, worst status wins.

    Parameters
    ----------
    n : int
        Number of rows.
    path : str
        Where the rows come from, for warnings.
    first : int
        Rows before these in the file (a chunk), so warnings number rows as in the whole file.
    summarise : bool
        Warn the summary lines (rows not located); a chunked job gives its own totals.
    """

    def __init__(self, n: int, path: str = "<data>", first: int = 0, summarise: bool = True) -> None:
        self.path = path
        self.first = first
        self.summarise = summarise
        self.severity = np.zeros(n, dtype=np.int8)
        self.reasons: dict[int, list[str]] = {}
        self.input_problems: dict[int, list[str]] = {}
        self.summary: list[str] = []

    def flag(self, pos: int, status: str, reason: str, *, input_problem: bool = True) -> None:
        """Record ``reason`` for row position ``pos`` and raise its status to at least ``status``."""
        self.severity[pos] = max(self.severity[pos], _SEVERITY[status])
        self.reasons.setdefault(pos, []).append(reason)
        if input_problem:
            self.input_problems.setdefault(pos, []).append(reason)

    def flag_many(self, positions, status: str, reasons) -> None:
        """Flag many rows; ``reasons`` is one string or one per position."""
        if isinstance(reasons, str):
            reasons = [reasons] * len(positions)
        for pos, reason in zip(positions, reasons):
            self.flag(int(pos), status, reason)

    def statuses(self) -> np.ndarray:
        return _STATUS[self.severity]

    def reason_column(self) -> np.ndarray:
        out = np.full(len(self.severity), "", dtype=object)
        for pos, reasons in self.reasons.items():
            out[pos] = "; ".join(reasons)
        return out

    def warn(self, stacklevel: int = 3) -> None:
        """One warning per row with bad input (the first :data:`MAX_WARNINGS`), then a count."""
        rows = sorted(self.input_problems)
        for pos in rows[:MAX_WARNINGS]:
            warnings.warn(f"{self.path}: row {self.first + pos + 1}: {'; '.join(self.input_problems[pos])}",
                          UserWarning, stacklevel=stacklevel)
        if len(rows) > MAX_WARNINGS:
            warnings.warn(f"{self.path}: {len(rows) - MAX_WARNINGS} more rows have bad input; "
                          "see the status and reason columns", UserWarning, stacklevel=stacklevel)
        for line in self.summary if self.summarise else ():
            warnings.warn(f"{self.path}: {line}", UserWarning, stacklevel=stacklevel)


def normalise(table: RawTable, *, input_format: str = "table", mapping: Mapping[str, str] | None = None,
              dayfirst: bool = True, report: RowReport) -> pd.DataFrame:
    """Typed event fields from raw cells.

    Parameters
    ----------
    table : RawTable
    input_format : {"table", "acled", "ucdp"}
    mapping : mapping, optional
        ``{input column: field}`` overrides.
    dayfirst : bool
        See :func:`geo.events.dates.parse_date`.
    report : RowReport
        Receives one entry per bad cell or malformed row.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~geo.events.columns.INPUT_FIELDS` plus ``row`` (1-based),
        index 0..n-1.
    """
    raw = table.frame
    n = len(raw)
    for pos, problem in table.problems.items():
        report.flag(pos, "invalid", problem)
    columns = _columns(raw, input_format, mapping)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    for name in _STRING_FIELDS:
        out[name] = _control_characters(_strings(raw, columns.get(name), n), columns.get(name), report)
    if input_format == "ucdp":
        _ucdp_fields(raw, out, columns)
    elif input_format == "table":
        _acled_types(out)
    out["event_date"], out["date_precision"] = _dates(raw, columns, input_format, dayfirst, report)
    out["fatalities"] = _integers(raw, columns.get("fatalities"), report, "fatalities", high=MAX_FATALITIES)
    out["geo_precision"] = _integers(raw, columns.get("geo_precision"), report, "geo_precision", 1, 3)
    out["where_prec"] = _integers(raw, columns.get("where_prec"), report, "where_prec", 1, 7)
    out["latitude"], out["longitude"] = _coordinates(raw, columns, report)
    out["row"] = np.arange(1, n + 1)
    missing_id = out["event_id"].isna()
    if missing_id.any():
        out.loc[missing_id, "event_id"] = out.loc[missing_id, "row"].astype(str)
    for pos in table.problems:
        # A malformed record's cells may be shifted: keep its text, not its numbers.
        out.loc[pos, ["latitude", "longitude"]] = np.nan
    return out[[*INPUT_FIELDS, "row"]]


# -- columns ------------------------------------------------------------------

def _columns(raw: pd.DataFrame, input_format: str, mapping) -> dict[str, str]:
    if input_format == "acled":
        base = {field: col for col, field in ACLED_COLUMNS.items() if col in raw.columns}
    elif input_format == "ucdp":
        base = {field: col for col, field in UCDP_COLUMNS.items() if col in raw.columns}
    else:
        return detect_columns(raw.columns, mapping)
    if mapping:
        base.update(detect_columns(raw.columns, mapping))
    return base


#: ACLED's event types (an analyst's column may already use them).
ACLED_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
                         "Strategic developments"})


@lru_cache(maxsize=1)
def _type_words() -> dict[str, tuple[str, str]]:
    """Folded type word -> (ACLED type, sub-type), from ``event_types.csv``."""
    path = Path(__file__).with_name("event_types.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        return {fold(r["word"]): (r["event_type"], r["sub_event_type"]) for r in csv.DictReader(fh)}


def _acled_types(out: pd.DataFrame) -> None:
    """Map an analyst's type words ("emboscada", "coche bomba", "secuestro") to ACLED types and sub-types.

    A value already an ACLED type stays; a mapped one keeps the word as
    written in ``notes`` ("type as written: emboscada"); an unknown one stays
    as it is.
    """
    words = _type_words()
    mapped = {}
    for value in out["event_type"].dropna().unique():
        if value not in ACLED_TYPES and fold(value) in words:
            mapped[value] = words[fold(value)]
    if not mapped:
        return
    hit = out["event_type"].isin(list(mapped))
    written = out.loc[hit, "event_type"]
    out.loc[hit, "event_type"] = written.map(lambda v: mapped[v][0])
    no_sub = hit & out["sub_event_type"].isna()
    out.loc[no_sub, "sub_event_type"] = out.loc[no_sub, "event_type"].index.map(
        lambda i: mapped[written[i]][1])
    note = "type as written: " + written
    out.loc[hit, "notes"] = [f"{n}; {w}" if isinstance(n, str) and n else w
                             for n, w in zip(out.loc[hit, "notes"], note)]


#: Control characters other than tab and line breaks: GIS formats cut a cell at NUL, and none is text.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def _control_characters(values: pd.Series, column: str | None, report: RowReport) -> pd.Series:
    """``values`` with control characters replaced by U+FFFD, each row that had one said."""
    if column is None:
        return values
    bad = values.str.contains(_CONTROL, regex=True, na=False).to_numpy(dtype=bool)
    for pos in np.flatnonzero(bad):
        found = sorted({f"U+{ord(c):04X}" for c in re.findall(_CONTROL, values.iat[pos])})
        report.flag(int(pos), "ok", f"{column!r} holds control characters ({', '.join(found)}); "
                                    "each was replaced with U+FFFD")
    return values.str.replace(_CONTROL, "\ufffd", regex=True) if bad.any() else values


def _strings(raw: pd.DataFrame, column: str | None, n: int) -> pd.Series:
    if column is None:
        return pd.Series(pd.NA, index=pd.RangeIndex(n), dtype="string")
    values = raw[column]
    text = values.map(_to_text, na_action="ignore") if values.dtype == object else values.astype(str)
    text = pd.Series(text, index=pd.RangeIndex(n), dtype="string").str.strip()
    return text.mask(text == "")


def _to_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _ucdp_fields(raw: pd.DataFrame, out: pd.DataFrame, columns: dict[str, str]) -> None:
    if "type_of_violence" in raw.columns:
        codes = raw["type_of_violence"].map(lambda v: _to_text(n) if (n := _maybe_number(v)) is not None else "")
        out["event_type"] = pd.array([_UCDP_TYPES.get(c, (None, None))[0] for c in codes], dtype="string")
        out["sub_event_type"] = pd.array([_UCDP_TYPES.get(c, (None, None))[1] for c in codes], dtype="string")
    for name in ("admin1", "admin2"):  # "Ayacucho department" -> "Ayacucho"; the location stays as written
        out[name] = out[name].str.replace(_UCDP_SUFFIX, "", regex=True)


# -- dates --------------------------------------------------------------------

def _dates(raw, columns, input_format, dayfirst, report):
    n = len(raw)
    if input_format == "ucdp" and "date_start" in raw.columns:
        return _ucdp_dates(raw, dayfirst, report)
    column = columns.get("event_date")
    dates = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    precision = np.full(n, None, dtype=object)
    if column is None:
        return dates, pd.array(precision, dtype="string")
    given = _given_precision(raw, columns.get("date_precision"), input_format, report)
    codes, uniques = pd.factorize(raw[column], use_na_sentinel=True)
    parsed: list = []
    for value in uniques:
        try:
            parsed.append(parse_date(value, dayfirst=dayfirst))
        except DateError as exc:
            parsed.append(exc)
    for code, result in enumerate(parsed):
        rows = np.flatnonzero(codes == code) if isinstance(result, Exception) or result is not None else ()
        if isinstance(result, Exception):
            report.flag_many(rows, "invalid", f"{column!r} = {show_value(uniques[code])}: {result}")
        elif result is not None:
            dates[rows] = result[0].to_datetime64()
            precision[rows] = result[1]
    if given is not None:
        for pos in np.flatnonzero(pd.notna(given) & pd.notna(precision)):
            wanted = coarser(given[pos], precision[pos])
            if wanted != precision[pos]:
                stamp = pd.Timestamp(dates[pos])
                dates[pos] = (stamp.replace(day=1) if wanted == "month" else stamp.replace(month=1, day=1)).to_datetime64()
            precision[pos] = wanted
    return dates, pd.array(precision, dtype="string")


def _given_precision(raw, column, input_format, report):
    if column is None:
        return None
    out = np.full(len(raw), None, dtype=object)
    for pos, value in enumerate(raw[column]):
        if value is None or str(value).strip() == "":
            continue
        if input_format == "acled":
            # ACLED time_precision: 1 the day, 2 within a week, 3 within a month.
            code = _maybe_number(value)
            word = {1: "day", 2: "day", 3: "month"}.get(int(code) if code is not None and code == int(code) else 0)
        else:
            word = PRECISION_WORDS.get(fold(str(value)))
        if word is None:
            report.flag(pos, "invalid", f"{column!r} = {show_value(value)}: not a date precision "
                                        "(use day, month or year)")
        out[pos] = word
    return out


def _ucdp_dates(raw, dayfirst, report):
    n = len(raw)
    dates = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    precision = np.full(n, None, dtype=object)
    ends = raw["date_end"] if "date_end" in raw.columns else raw["date_start"]
    for pos, (start, end) in enumerate(zip(raw["date_start"], ends)):
        try:
            first, last = parse_date(start, dayfirst=dayfirst), parse_date(end, dayfirst=dayfirst)
        except DateError as exc:
            report.flag(pos, "invalid", f"'date_start'/'date_end' = {show_value(start)}/{show_value(end)}: {exc}")
            continue
        if first is None:
            continue
        a, b = first[0], (last or first)[0]
        # UCDP gives a range; report the finest calendar unit that holds it.
        if (b - a).days <= 6:
            dates[pos], precision[pos] = a.to_datetime64(), "day"
        elif (a.year, a.month) == (b.year, b.month):
            dates[pos], precision[pos] = a.replace(day=1).to_datetime64(), "month"
        else:
            dates[pos], precision[pos] = a.replace(month=1, day=1).to_datetime64(), "year"
    return dates, pd.array(precision, dtype="string")


# -- numbers ------------------------------------------------------------------

def _number(value) -> float | None:
    """A finite float, None for an empty cell; ValueError for anything else (text, inf, 10**400)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = _finite(value)
    else:
        text = str(value).strip().replace("\u2212", "-")
        if not text:
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # decimal comma, as Spanish-locale spreadsheets write it
        number = _finite(text)
    return number


def _finite(value) -> float:
    try:
        number = float(value)
    except OverflowError:
        raise ValueError("too large a number") from None
    if not np.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _maybe_number(value) -> float | None:
    """:func:`_number`, or None for a cell that is not a number."""
    try:
        return _number(value)
    except ValueError:
        return None


#: More deaths than any single event has had: a unit error, an id or a typo, not a toll.
MAX_FATALITIES = 100_000


def _integers(raw, column, report, name, low: int = 0, high: int | None = None) -> pd.array:
    n = len(raw)
    out = pd.array([pd.NA] * n, dtype="Int64")
    if column is None:
        return out
    codes, uniques = pd.factorize(raw[column], use_na_sentinel=True)
    values: list = []
    for value in uniques:
        try:
            number = _number(value)
        except (ValueError, OverflowError):
            values.append("not a number")
            continue
        if number is None:
            values.append(None)
        elif not number.is_integer():
            values.append("not a whole number")
        elif number < low or number > (high if high is not None else 2 ** 53):
            values.append(f"out of range ({low}-{high if high is not None else 2 ** 53})")
        else:
            values.append(int(number))
    numbers = np.array([v if isinstance(v, int) else -1 for v in values] + [-1], dtype=np.int64)
    good = np.array([isinstance(v, int) for v in values] + [False])
    take = codes.copy()
    take[take < 0] = len(values)
    out = pd.array(np.where(good[take], numbers[take], 0), dtype="Int64")
    out[~good[take]] = pd.NA
    for code, value in enumerate(values):
        if isinstance(value, str):
            report.flag_many(np.flatnonzero(codes == code), "invalid",
                             f"{column!r} = {show_value(uniques[code])}: {value}")
    return out


# -- coordinates --------------------------------------------------------------

def parse_coordinate(value) -> float | None:
    """A latitude or longitude from a number, a decimal-comma string or degrees-minutes-seconds.

    Examples
    --------
    >>> parse_coordinate("-12,5")
    -12.5
    >>> parse_coordinate("12°38'S")
    -12.633333333333333
    """
    try:
        return _number(value)
    except ValueError:
        pass
    m = _DMS.match(str(value))
    if not m or m[2] is None:
        raise ValueError("not a number")
    degrees = float(m[2]) + float(m[3] or 0) / 60 + float(m[4] or 0) / 3600
    negative = bool(m[1]) or (m[5] or "").upper() in ("S", "W", "O")  # O: oeste
    return -degrees if negative else degrees


def _coordinates(raw, columns, report):
    n = len(raw)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    lat_col, lon_col = columns.get("latitude"), columns.get("longitude")
    if lat_col is None and lon_col is None:
        return lat, lon
    lat_cells = raw[lat_col] if lat_col else pd.Series([None] * n)
    lon_cells = raw[lon_col] if lon_col else pd.Series([None] * n)
    lat = _parse_axis(lat_cells, lat_col, report)
    lon = _parse_axis(lon_cells, lon_col, report)
    one = np.isnan(lat) != np.isnan(lon)
    for pos in np.flatnonzero(one):
        given, missing = (lat_col, lon_col) if np.isnan(lon[pos]) else (lon_col, lat_col)
        report.flag(pos, "invalid", f"{given!r} is given but {missing or 'the other coordinate'!r} is empty")
    lat[one] = lon[one] = np.nan
    both = ~np.isnan(lat)
    zero = both & (lat == 0) & (lon == 0)
    report.flag_many(np.flatnonzero(zero), "invalid", "coordinates 0, 0 are a placeholder, not a location")
    lat[zero] = lon[zero] = np.nan
    swapped = both & (np.abs(lat) > 90) & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    for pos in np.flatnonzero(swapped):
        report.flag(pos, "ok", f"{lat_col!r} = {lat[pos]:g} is beyond ±90: read the pair as longitude, latitude")
    lat[swapped], lon[swapped] = lon[swapped], lat[swapped].copy()
    bad = both & ~swapped & ~zero & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    for pos in np.flatnonzero(bad):
        report.flag(pos, "invalid", f"{lat_col!r}, {lon_col!r} = {lat[pos]:g}, {lon[pos]:g}: out of range "
                                    "(latitude -90 to 90, longitude -180 to 180)")
    lat[bad] = lon[bad] = np.nan
    return lat, lon


def _parse_axis(cells: pd.Series, column: str | None, report) -> np.ndarray:
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    values = np.full(len(uniques) + 1, np.nan)
    for code, value in enumerate(uniques):
        try:
            number = parse_coordinate(value)
        except ValueError:
            report.flag_many(np.flatnonzero(codes == code), "invalid", f"{column!r} = {show_value(value)}: not a number")
            continue
        if number is not None and not np.isfinite(number):
            report.flag_many(np.flatnonzero(codes == code), "invalid", f"{column!r} = {show_value(value)}: not a finite number")
            continue
        values[code] = np.nan if number is None else number
    take = codes.copy()
    take[take < 0] = len(uniques)
    return values[take]


def show_value(value, limit: int = 60) -> str:
    """A cell's value for a message: its repr, cut to ``limit`` characters."""
    text = repr(value if not isinstance(value, float) or not value.is_integer() else value)
    return text if len(text) <= limit else text[:limit] + "…'"
