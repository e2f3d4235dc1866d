"""Read event files into a table of raw cells, keeping every row.

A reader does not interpret values: it returns the cells as the file holds
them (strings for CSV, Python values for Excel and JSON) together with the
rows it could not read cleanly, so that :mod:`geo.events.validate` can give
each bad row a status and a reason instead of dropping it.

Rows are numbered from 1, not counting the header: row 1 is the first event.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gazetteer.errors import InvalidInputError

from .csvrecords import read_records

__all__ = ["RawTable", "read_table", "SUFFIXES"]

#: File suffix -> reader kind.
SUFFIXES = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel",
    ".json": "json", ".geojson": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
#: Encodings tried, in order, when a file is not UTF-8. cp1252 is what Excel
#: on Windows writes for Spanish; latin-1 decodes any byte, so it comes last.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")
_DELIMITERS = ",;\t|"


@dataclass
class RawTable:
    """Cells of an event file, one row per input record, in order.

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per input column, object dtype, index 0..n-1.
    problems : dict of int to str
        Row position -> why the row could not be read cleanly (a malformed
        CSV record, a JSON record that is not an object).
    path : str
        Where the table came from (for messages).
    encoding : str
        The text encoding the file was read with (``""`` for Excel).
    first : int
        Rows of the file before this table (a chunk of a larger file), so
        messages number rows as in the whole file.
    chunk : bool
        One chunk of a streamed file: how the columns were read is said for
        the first chunk only, and per-table summaries are left to the job's.
    """

    frame: pd.DataFrame
    problems: dict[int, str] = field(default_factory=dict)
    path: str = "<data>"
    encoding: str = "utf-8"
    first: int = 0
    chunk: bool = False


def read_table(path: str | os.PathLike, *, sheet: str | int | None = None) -> RawTable:
    """Read a CSV, Excel or JSON file of events without interpreting its cells.

    Parameters
    ----------
    path : path-like
        ``.csv``/``.tsv``/``.txt`` (delimiter detected among ``, ; tab |``),
        ``.xlsx``/``.xls``, ``.json`` (a list of objects, an object holding
        one such list, or a GeoJSON FeatureCollection of points) or
        ``.jsonl``/``.ndjson`` (one object per line).
    sheet : str or int, optional
        Excel sheet (default: the first).

    Returns
    -------
    RawTable

    Raises
    ------
    InvalidInputError
        For an unknown suffix or a JSON document that holds no records.
    FileNotFoundError
        When ``path`` does not exist.

    Warns
    -----
    UserWarning
        When the file is empty, or is not UTF-8 and was decoded as cp1252 or
        latin-1.
    """
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InvalidInputError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; "
            f"use one of {', '.join(sorted(SUFFIXES))}")
    if kind == "excel":
        return _read_excel(path, sheet)
    if sheet is not None:
        raise InvalidInputError(f"{path}: sheet {sheet!r} given, but only Excel files have sheets")
    text, encoding = _decode(path)
    if not text.strip():
        warnings.warn(f"{path}: the file is empty; no events read", UserWarning, stacklevel=2)
        return RawTable(pd.DataFrame(), path=str(path), encoding=encoding)
    if kind == "csv":
        return _read_csv(text, str(path), encoding)
    if kind == "jsonl":
        return _read_jsonl(text, str(path), encoding)
    return _read_json(text, str(path), encoding)


# -- text ---------------------------------------------------------------------

def _decode(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # UTF-16 with its byte-order mark, as Excel's "Unicode text" writes.
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"{path}: starts as UTF-16 but byte {exc.start} is not UTF-16") from None
    if len(data) >= 4 and data[1:200:2].count(0) > 0.9 * len(data[1:200:2]) and data[0:200:2].count(0) == 0:
        return _utf16(path, data, "utf-16-le")
    if len(data) >= 4 and data[0:200:2].count(0) > 0.9 * len(data[0:200:2]) and data[1:200:2].count(0) == 0:
        return _utf16(path, data, "utf-16-be")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        line = data.count(b"\n", 0, bad) + 1
        warnings.warn(
            f"{path} is not UTF-8 (byte {data[bad:bad + 1]!r} on line {line}); read it as {encoding}. "
            "Save the file as UTF-8 to silence this warning.", UserWarning, stacklevel=3)
        return text, encoding
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _utf16(path: Path, data: bytes, encoding: str) -> tuple[str, str]:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: looks like UTF-16 without a byte-order mark but does not decode as "
                                f"{encoding}; save it as UTF-8") from None
    warnings.warn(f"{path}: read as {encoding} (no byte-order mark); save the file as UTF-8 to be sure",
                  UserWarning, stacklevel=4)
    return text, encoding


def _delimiter(text: str) -> str:
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


# -- CSV ----------------------------------------------------------------------

def _read_csv(text: str, path: str, encoding: str) -> RawTable:
    frame, problems = read_records(text, _delimiter(text))
    _check_header(frame.columns, path)
    return RawTable(frame, problems=problems, path=path, encoding=encoding)


def _check_header(columns, path: str) -> None:
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise InvalidInputError(f"{path}: the header names column {column!r} twice; rename one of them")
        seen.add(column)


# -- Excel --------------------------------------------------------------------

def _read_excel(path: Path, sheet: str | int | None) -> RawTable:
    if path.stat().st_size == 0:
        warnings.warn(f"{path}: the file is empty; no events read", UserWarning, stacklevel=3)
        return RawTable(pd.DataFrame(), path=str(path), encoding="")
    try:
        book = pd.ExcelFile(path)
    except Exception as exc:  # openpyxl and xlrd raise many kinds for a file that is not a workbook
        raise InvalidInputError(f"{path}: not a readable Excel workbook ({type(exc).__name__}: "
                                f"{str(exc).splitlines()[0] if str(exc) else 'unreadable'}); "
                                "if it is CSV or HTML, give it that extension") from None
    with book:
        names = book.sheet_names
        if isinstance(sheet, int) and not 0 <= sheet < len(names) or isinstance(sheet, str) and sheet not in names:
            raise InvalidInputError(f"{path}: no sheet {sheet!r}; the sheets are "
                                    f"{', '.join(map(repr, names))} (or a number from 0 to {len(names) - 1})")
        frame = pd.read_excel(book, sheet_name=0 if sheet is None else sheet, dtype=object)
    frame = frame.dropna(how="all").reset_index(drop=True)  # Excel pads sheets with empty rows
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.loc[:, [not c.startswith("Unnamed: ") or frame[c].notna().any() for c in frame.columns]]
    frame = frame.astype(object).where(frame.notna(), None)
    return RawTable(frame, path=str(path), encoding="")


# -- JSON ---------------------------------------------------------------------

def _read_json(text: str, path: str, encoding: str) -> RawTable:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    except RecursionError:
        raise InvalidInputError(f"{path}: JSON nested too deeply to be a table of events") from None
    records, problems = _records(doc, path)
    table = _from_records(records, path, encoding)
    table.problems.update(problems)
    return table


def _read_jsonl(text: str, path: str, encoding: str) -> RawTable:
    records: list = []
    problems: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            problems[len(records)] = f"line {number} is not valid JSON: {exc.msg}"
            records.append({})
        except RecursionError:
            problems[len(records)] = f"line {number} is JSON nested too deeply to be an event"
            records.append({})
    table = _from_records(records, path, encoding)
    table.problems.update(problems)
    return table


def _records(doc, path: str) -> tuple[list, dict[int, str]]:
    """The records of a JSON document, and why some of them are not events."""
    if isinstance(doc, list):
        return doc, {}
    if isinstance(doc, dict):
        if doc.get("type") == "FeatureCollection":
            features = doc.get("features") or []
            if not isinstance(features, list):
                raise InvalidInputError(f"{path}: a FeatureCollection whose 'features' is not a list")
            records, problems = [], {}
            for i, feature in enumerate(features):
                record, problem = _feature_record(feature)
                records.append(record)
                if problem:
                    problems[i] = problem
            return records, problems
        lists = [v for v in doc.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0], {}
    raise InvalidInputError(
        f"{path}: expected a list of event objects, an object holding one such list, "
        "or a GeoJSON FeatureCollection")


def _feature_record(feature) -> tuple[dict | object, str]:
    """A GeoJSON feature's properties plus its point's coordinates, and what is wrong with it."""
    if not isinstance(feature, dict):
        return feature, ""  # reported by _from_records as a record that is not an object
    properties = feature.get("properties")
    problems = []
    if properties is not None and not isinstance(properties, dict):
        problems.append(f"the feature's properties are a JSON {type(properties).__name__}, not an object")
        properties = {}
    record = dict(properties or {})
    geometry = feature.get("geometry")
    if geometry is not None and not isinstance(geometry, dict):
        problems.append(f"the feature's geometry is a JSON {type(geometry).__name__}, not an object")
        geometry = None
    geometry = geometry or {}
    coords = geometry.get("coordinates")
    if geometry.get("type") == "Point" and isinstance(coords, list) and len(coords) >= 2:
        # GeoJSON is longitude first (RFC 7946, section 3.1.1).
        record.setdefault("longitude", coords[0])
        record.setdefault("latitude", coords[1])
    return record, "; ".join(problems)


def _from_records(records: list, path: str, encoding: str) -> RawTable:
    problems: dict[int, str] = {}
    rows = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            problems[i] = f"record is a JSON {type(record).__name__}, not an object"
            record = {}
        rows.append({str(k): (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                     for k, v in record.items()})
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    if len(frame) < len(rows):  # only empty records: pandas gives no rows at all
        frame = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    frame = frame.astype(object).where(frame.notna(), None)
    return RawTable(frame, problems=problems, path=path, encoding=encoding)
