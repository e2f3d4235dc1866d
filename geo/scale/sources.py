"""Big inputs cut into chunks that any process can read on its own.

A *plan* lists the chunks of a source: a directory of ``.txt`` files, a JSON
lines file, a Parquet file or a CSV file. Each :class:`Chunk` is a small
description (file names, a byte range, a row range) rather than the data,
so the single-process runner reads one chunk at a time (memory is bounded
by the chunk size) and Dask ships chunk descriptions to its workers, which
read the bytes themselves. Both engines read the same chunks with the same
functions, so they number documents and rows the same way.

Records are numbered from 0 across the whole source (``Chunk.first``); the
documents' fallback ids and the event rows (1-based, header not counted)
come from that number, not from a position inside a chunk.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gazetteer.errors import InvalidInputError

__all__ = ["Chunk", "Document", "Plan", "plan_source", "read_documents", "read_rows", "iter_documents",
           "DOCUMENT_KINDS", "TABLE_KINDS", "DEFAULT_DOC_CHUNK", "DEFAULT_ROW_CHUNK"]

#: Documents per chunk by default: a few MB of news text.
DEFAULT_DOC_CHUNK = 500
#: Table rows per chunk by default: tens of MB of cells.
DEFAULT_ROW_CHUNK = 100_000
#: Source kinds that hold documents, and those that hold event rows.
DOCUMENT_KINDS = ("txt-dir", "jsonl", "parquet", "csv")
TABLE_KINDS = ("csv", "jsonl", "parquet")
_SUFFIX_KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".geoparquet": "parquet",
                 ".csv": "csv", ".tsv": "csv"}
_TEXT_SUFFIXES = (".txt", ".text", ".html", ".htm")
_DELIMITERS = ",;\t|"
_BLOCK = 1 << 22  # bytes read at a time when scanning for record boundaries


@dataclass(frozen=True)
class Document:
    """One document of a source.

    Attributes
    ----------
    doc_id : str
        The source's own id (``id`` field), else the file's relative path or
        ``"<file name>:<line or row>"``.
    text : str
        The decoded text ("" when the record could not be read).
    meta : dict
        Other fields of the record (``published``, ``outlet``, ``url``...).
    problem : str
        Why the record could not be read ("" when it was).
    """

    doc_id: str
    text: str
    meta: dict = field(default_factory=dict)
    problem: str = ""


@dataclass(frozen=True)
class Chunk:
    """A piece of a source, readable on its own.

    ``start``/``stop`` are byte offsets for JSON lines and CSV, row numbers
    for Parquet and positions in ``files`` for a directory; ``first`` is the
    number of records before this chunk in the whole source.
    """

    kind: str
    path: str
    number: int
    start: int
    stop: int
    first: int
    count: int
    files: tuple[str, ...] = ()
    header: bytes = b""
    delimiter: str = ","
    encoding: str = "utf-8"
    text_field: str = "text"
    id_field: str = "id"

    @property
    def rows(self) -> range:
        """Source record numbers (0-based) held by this chunk."""
        return range(self.first, self.first + self.count)


@dataclass(frozen=True)
class Plan:
    """The chunks of one source, in order."""

    kind: str
    path: str
    chunks: tuple[Chunk, ...]

    @property
    def total(self) -> int:
        """Number of records (documents or rows) in the source."""
        return sum(c.count for c in self.chunks)

    @property
    def nbytes(self) -> int:
        """Size of the input in bytes."""
        if self.kind == "txt-dir":
            return sum(os.path.getsize(os.path.join(self.path, f)) for c in self.chunks for f in c.files)
        return os.path.getsize(self.path)

    def __len__(self) -> int:
        return len(self.chunks)

    def __iter__(self) -> Iterator[Chunk]:
        return iter(self.chunks)


def plan_source(source: str | os.PathLike, *, chunk_size: int, text_field: str = "text",
                id_field: str = "id") -> Plan:
    """Cut a source into chunks of at most ``chunk_size`` records.

    Parameters
    ----------
    source : path-like
        A directory (its ``.txt``/``.html`` files, recursively, in name
        order), or a ``.jsonl``/``.ndjson``, ``.parquet`` or ``.csv``/``.tsv``
        file.
    chunk_size : int
        Most records per chunk.
    text_field, id_field : str
        Fields holding a document's text and id (JSON lines, Parquet, CSV).

    Returns
    -------
    Plan

    Raises
    ------
    InvalidInputError
        For an unknown kind of source or a chunk size below 1.
    FileNotFoundError
        When ``source`` does not exist.
    """
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidInputError(f"chunk_size must be a positive integer, not {chunk_size!r}")
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or directory")
    common = {"text_field": text_field, "id_field": id_field}
    if path.is_dir():
        return _plan_dir(path, chunk_size, common)
    kind = _SUFFIX_KINDS.get(path.suffix.lower())
    if kind == "parquet":
        return _plan_parquet(path, chunk_size, common)
    if kind in ("jsonl", "csv"):
        return _plan_lines(path, kind, chunk_size, common)
    raise InvalidInputError(
        f"{path}: cannot read documents or rows from a {path.suffix or 'suffix-less'} file; give a directory "
        "of .txt files, or a .jsonl, .parquet or .csv file")


def iter_documents(source: str | os.PathLike, *, chunk_size: int = DEFAULT_DOC_CHUNK,
                   text_field: str = "text", id_field: str = "id") -> Iterator[list[Document]]:
    """Yield the documents of ``source`` one chunk (a list) at a time.

    Examples
    --------
    >>> for docs in iter_documents("archive/", chunk_size=200):  # doctest: +SKIP
    ...     print(len(docs), docs[0].doc_id)
    """
    for chunk in plan_source(source, chunk_size=chunk_size, text_field=text_field, id_field=id_field):
        yield read_documents(chunk)


# -- planning -------------------------------------------------------------------

def _plan_dir(path: Path, chunk_size: int, common: dict) -> Plan:
    files = sorted(p.relative_to(path).as_posix() for p in path.rglob("*")
                   if p.suffix.lower() in _TEXT_SUFFIXES and p.is_file())
    chunks = tuple(
        Chunk("txt-dir", str(path), n, i, min(i + chunk_size, len(files)), i, min(chunk_size, len(files) - i),
              files=tuple(files[i:i + chunk_size]), **common)
        for n, i in enumerate(range(0, len(files), chunk_size)))
    return Plan("txt-dir", str(path), chunks)


def _plan_parquet(path: Path, chunk_size: int, common: dict) -> Plan:
    import pyarrow.parquet as pq

    total = pq.ParquetFile(path).metadata.num_rows
    chunks = tuple(Chunk("parquet", str(path), n, i, min(i + chunk_size, total), i, min(chunk_size, total - i),
                         **common)
                   for n, i in enumerate(range(0, total, chunk_size)))
    return Plan("parquet", str(path), chunks)


def _plan_lines(path: Path, kind: str, chunk_size: int, common: dict) -> Plan:
    """Chunks of whole records: a CSV record ends at a line break outside quotes."""
    header, encoding, delimiter = b"", "utf-8", ","
    with open(path, "rb") as fh:
        encoding = _file_encoding(fh)
        if encoding != "utf-8":
            warnings.warn(f"{path} is not UTF-8; read it as {encoding}. Save the file as UTF-8 to silence this "
                          "warning.", UserWarning, stacklevel=3)
        fh.seek(0)
        if kind == "csv":
            header = _read_header(fh)
            delimiter = _delimiter(header.decode(encoding, errors="replace"))
        bounds = list(_record_bounds(fh, quoted=kind == "csv"))
    chunks = []
    for n, i in enumerate(range(0, len(bounds), chunk_size)):
        part = bounds[i:i + chunk_size]
        chunks.append(Chunk(kind, str(path), n, part[0][0], part[-1][1], i, len(part), header=header,
                            delimiter=delimiter, encoding=encoding, **common))
    return Plan(kind, str(path), tuple(chunks))


def _read_header(fh) -> bytes:
    header = b""
    while True:
        line = fh.readline()
        if not line:
            return header
        header += line
        if header.count(b'"') % 2 == 0 and header.strip():
            return header


def _record_bounds(fh, *, quoted: bool) -> Iterator[tuple[int, int]]:
    """(start, stop) byte offsets of each non-blank record from the current position."""
    pos = fh.tell()
    start = pos
    open_quote = False
    blank = True
    pending = b""
    while True:
        block = fh.read(_BLOCK)
        if not block:
            break
        data = pending + block
        base = pos - len(pending)
        line_start = 0
        while True:
            nl = data.find(b"\n", line_start)
            if nl < 0:
                break
            line = data[line_start:nl + 1]
            if quoted and line.count(b'"') % 2:
                open_quote = not open_quote
            if blank and line.strip():
                blank = False
            if not open_quote:
                if not blank:
                    yield start, base + nl + 1
                start, blank = base + nl + 1, True
            line_start = nl + 1
        pending = data[line_start:]
        pos += len(block)
    if pending.strip() or not blank:
        yield start, pos


def _file_encoding(fh) -> str:
    """UTF-8 when the whole file decodes as UTF-8, else cp1252 (a cp1252 byte far into the file counts)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    while block := fh.read(_BLOCK):
        try:
            decoder.decode(block)
        except UnicodeDecodeError:
            return "cp1252"
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


# -- reading ----------------------------------------------------------------------

def read_documents(chunk: Chunk) -> list[Document]:
    """The documents of one chunk, in source order (unreadable ones keep their place)."""
    if chunk.kind == "txt-dir":
        return [_text_file(Path(chunk.path), name) for name in chunk.files]
    name = Path(chunk.path).name
    if chunk.kind == "jsonl":
        records = _jsonl_records(chunk)
    else:
        frame, problems = read_rows(chunk)
        if len(frame) and chunk.text_field not in frame.columns:
            raise InvalidInputError(f"{chunk.path}: no {chunk.text_field!r} column holds the documents' text; "
                                    f"the columns are {', '.join(map(repr, frame.columns))}")
        records = [(row, problems.get(i, "")) for i, row in enumerate(frame.to_dict("records"))]
    return [_document(record, problem, f"{name}:{chunk.first + i + 1}", chunk)
            for i, (record, problem) in enumerate(records)]


def read_rows(chunk: Chunk) -> tuple[pd.DataFrame, dict[int, str]]:
    """The rows of one chunk as a DataFrame of raw cells, and the rows that could not be read.

    Returns
    -------
    frame : pandas.DataFrame
        Object columns, index 0..n-1 (position inside the chunk). CSV cells
        are strings ("" when empty).
    problems : dict of int to str
        Position -> why the record is malformed; such a row is still present.
    """
    if chunk.kind == "parquet":
        return _parquet_rows(chunk), {}
    if chunk.kind == "jsonl":
        records = _jsonl_records(chunk)
        frame = pd.DataFrame.from_records([r for r, _ in records]) if records else pd.DataFrame()
        if len(frame) < len(records):  # only empty records: pandas gives no rows at all
            frame = pd.DataFrame(index=pd.RangeIndex(len(records)))
        frame = frame.astype(object).where(frame.notna(), None)
        return frame, {i: p for i, (_, p) in enumerate(records) if p}
    if chunk.kind == "csv":
        return _csv_rows(chunk)
    raise InvalidInputError(f"{chunk.path}: a directory of text files holds documents, not rows")


def _read_range(chunk: Chunk) -> str:
    with open(chunk.path, "rb") as fh:
        fh.seek(chunk.start)
        data = fh.read(chunk.stop - chunk.start)
    try:
        return data.decode(chunk.encoding)
    except UnicodeDecodeError as exc:
        warnings.warn(f"{chunk.path}: bytes {chunk.start + exc.start}-{chunk.start + exc.end} are not "
                      f"{chunk.encoding}; replaced with U+FFFD", UserWarning, stacklevel=3)
        return data.decode(chunk.encoding, errors="replace")


def _text_file(root: Path, name: str) -> Document:
    data = (root / name).read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return Document(name, data.decode(encoding), {"encoding": encoding.replace("-sig", "")})
        except UnicodeDecodeError:
            continue
    return Document(name, data.decode("latin-1"), {"encoding": "latin-1"})


def _jsonl_records(chunk: Chunk) -> list[tuple[dict, str]]:
    text = _read_range(chunk).lstrip("\ufeff")
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(({}, f"record {chunk.first + len(out) + 1} is not valid JSON: {exc.msg}"))
            continue
        if not isinstance(record, dict):
            out.append(({}, f"record {chunk.first + len(out) + 1} is a JSON {type(record).__name__}, "
                            "not an object"))
            continue
        out.append((record, ""))
    return out


def _csv_rows(chunk: Chunk) -> tuple[pd.DataFrame, dict[int, str]]:
    from geo.events.csvrecords import read_records

    header = chunk.header.decode(chunk.encoding, errors="replace").lstrip("\ufeff")
    return read_records(header + _read_range(chunk), chunk.delimiter, first_row=chunk.first, line_numbers=False)


def _parquet_rows(chunk: Chunk) -> pd.DataFrame:
    """Rows ``start:stop``, reading only the row groups that hold them."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(chunk.path)
    groups, offset, first_offset = [], 0, None
    for g in range(pf.metadata.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if offset + n > chunk.start and offset < chunk.stop:
            groups.append(g)
            first_offset = offset if first_offset is None else first_offset
        offset += n
    if not groups:
        return pd.DataFrame()
    table = pf.read_row_groups(groups)
    table = table.slice(chunk.start - first_offset, chunk.stop - chunk.start)
    # Geometry columns (GeoParquet) stay as WKB bytes: rows are raw cells here.
    frame = table.to_pandas()
    return frame.astype(object).where(frame.notna(), None)


def _document(record: dict[str, Any], problem: str, fallback_id: str, chunk: Chunk) -> Document:
    if problem:
        return Document(fallback_id, "", {}, problem)
    text = record.get(chunk.text_field)
    doc_id = record.get(chunk.id_field)
    doc_id = fallback_id if doc_id is None or doc_id == "" else str(doc_id)
    meta = {k: v for k, v in record.items() if k not in (chunk.text_field, chunk.id_field)}
    if text is None or (isinstance(text, float) and text != text):
        return Document(doc_id, "", meta, f"no {chunk.text_field!r} field")
    if not isinstance(text, str):
        return Document(doc_id, "", meta, f"the {chunk.text_field!r} field is a {type(text).__name__}, not text")
    return Document(doc_id, text, meta)
