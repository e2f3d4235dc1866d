"""CSV records as spreadsheets really hold them: one reader for whole files and for chunks.

pandas' C parser is fast, but on a hand-edited sheet it fails quietly: a
missing closing quote swallows every following record into one cell, and a
record with one field too many turns the first column into an index and
shifts every cell. So the text is first cut into records line by line. A
quote still open when the next line already looks like a whole record
(balanced quotes, as many fields as the header) is a malformed record on its
own, and that next line starts the following record. When every record has
the header's shape the text goes through pandas at once; otherwise records
are read one by one, each malformed one padded or cut to the header and
reported, so no record is lost or merged into another.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

__all__ = ["read_records"]


def read_records(text: str, delimiter: str, *, first_row: int = 0,
                 line_numbers: bool = True) -> tuple[pd.DataFrame, dict[int, str]]:
    """Cells of a CSV text (header first), and the records that are malformed.

    Parameters
    ----------
    text : str
        The header line followed by the records.
    delimiter : str
    first_row : int
        Records before this text in the file (a chunk), for messages.
    line_numbers : bool
        Name malformed records by their lines in ``text`` (a whole file);
        else by their row number in the file (a chunk, whose lines are not known).

    Returns
    -------
    frame : pandas.DataFrame
        One object column per header field (stripped names), one row per
        record in order, cells as strings ("" when empty).
    problems : dict of int to str
        Row position -> why the record is malformed; the row is still in ``frame``.
    """
    records = _split(text, delimiter)
    if not records:
        return pd.DataFrame(), {}
    header_line, header_text, _ = records[0]
    header = [c.strip() for c in _fields(header_text, delimiter)]
    width = len(header)
    body = records[1:]
    regular = all(reason is None and _count(t, delimiter) == width for _, t, reason in body)
    if regular:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=True, engine="c", index_col=False, header=0)
        frame.columns = header
        frame = frame.astype(object)
        problems: dict[int, str] = {}
    else:
        rows, problems = [], {}
        for line, record, reason in body:
            fields = _fields(record, delimiter)
            where = _where(line, record, first_row + len(rows) + 1, line_numbers)
            if reason is not None:
                problems[len(rows)] = f"malformed record {where}: {reason}"
            elif len(fields) != width:
                problems[len(rows)] = (f"malformed record {where}: {len(fields)} fields where the header has "
                                       f"{width} (an unquoted {delimiter!r} or a missing quote?)")
            rows.append((fields + [""] * width)[:width])
        frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header)
    if len(frame) and width:
        blank = frame.apply(lambda column: column.astype(str).str.strip() == "").all(axis=1).to_numpy()
        for pos in blank.nonzero()[0]:
            problems.setdefault(int(pos), "the record is empty (only delimiters)")
    return frame, problems


def _split(text: str, delimiter: str) -> list[tuple[int, str, str | None]]:
    """(first line number, record text, why it is malformed or None) for each non-blank record."""
    out: list[tuple[int, str, str | None]] = []
    width = 0
    buf: list[str] = []
    start = 0
    open_quote = False
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if buf and open_quote and width > 1 and _whole(line, delimiter, width):
            # The quote opened in this record never closed before a line that is a record of its own.
            out.append((start, "".join(buf), f"a quote opened on line {start} is never closed"))
            buf, open_quote = [], False
        if not buf:
            if not line.strip():
                continue
            start = number
        buf.append(line)
        # A quote opens a quoted field only at a field's start ('5" pipe' is a literal quote, as csv reads it).
        if line.count('"') % 2 and (open_quote or line.startswith('"') or f'{delimiter}"' in line):
            open_quote = not open_quote
        if not open_quote:
            out.append((start, "".join(buf), None))
            if len(out) == 1:
                width = len(_fields(out[0][1], delimiter))
            buf = []
    if buf:
        out.append((start, "".join(buf), f"a quote opened on line {start} is never closed"))
    return out


def _whole(line: str, delimiter: str, width: int) -> bool:
    quoted = line.startswith('"') or f'{delimiter}"' in line
    return (line.count('"') % 2 == 0 or not quoted) and bool(line.strip()) and _count(line, delimiter) == width


def _count(record: str, delimiter: str) -> int:
    if '"' not in record:
        return record.count(delimiter) + 1
    return len(_fields(record, delimiter))


def _fields(record: str, delimiter: str) -> list[str]:
    record = record.rstrip("\r\n")
    if '"' not in record and "\n" not in record and "\r" not in record:
        return record.split(delimiter)
    rows = list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=False))
    if len(rows) == 1:
        return rows[0]
    # An unclosed quote read as several rows: keep every cell, in order.
    return [cell for row in rows for cell in row]


def _where(line: int, record: str, row: int, line_numbers: bool) -> str:
    if not line_numbers:
        return f"(row {row})"
    lines = record.rstrip("\r\n").count("\n") + 1
    return f"on line {line}" if lines == 1 else f"on lines {line}-{line + lines - 1}"
