"""The batch options of ``geo parse`` and ``geo geocode``, and what they run.

The subcommands add :func:`batch_options` (``--engine``, ``--scheduler``,
``--chunk-size``) and hand a big input to :func:`parse_batch` or
:func:`geocode_batch`; :func:`is_document_source` and :func:`wants_batch`
say when to. Results go to the output (a directory of GeoParquet parts, or
one file) or, without one, to stdout as a GeoJSON FeatureCollection
streamed chunk by chunk; the progress bar and a summary line go to stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import ENGINES, check_engine, geocode_table, parse_documents
from .writers import FILE_SUFFIXES, STDOUT

__all__ = ["batch_options", "is_document_source", "wants_batch", "parse_batch", "geocode_batch", "resolve_engine",
           "OUTPUT_HELP"]

_DOCUMENT_SUFFIXES = (".jsonl", ".ndjson", ".parquet")
#: Help text for the subcommands' ``--output`` in batch mode.
OUTPUT_HELP = (f"A directory (one GeoParquet part per chunk) or one {', '.join(FILE_SUFFIXES)} file; "
               "default: a GeoJSON FeatureCollection on stdout.")


#: Tables this large are geocoded chunk by chunk (a progress bar, bounded memory) even into one file.
LARGE_INPUT_BYTES = 8 * 1024 * 1024


def batch_options(func: Callable) -> Callable:
    """Add ``--engine``, ``--scheduler`` and ``--chunk-size`` to a command."""
    func = click.option("--chunk-size", type=click.IntRange(1), default=None, metavar="N",
                        help="Records per chunk: what one process holds in memory "
                             "(default 500 documents, 100,000 rows).")(func)
    func = click.option("--scheduler", metavar="ADDRESS", default=None,
                        help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --engine dask).")(func)
    func = click.option("--engine", type=click.Choice(ENGINES), default=None,
                        help="local: one process, chunk after chunk (default); dask: a local cluster with one "
                             "worker per core, or the --scheduler.")(func)
    return func


def resolve_engine(engine: str | None, scheduler: str | None) -> str:
    """The engine to use: ``--scheduler`` alone means Dask."""
    engine = engine or ("dask" if scheduler else "local")
    check_engine(engine, scheduler)
    return engine


def is_document_source(path: str | Path) -> bool:
    """True for what ``geo parse`` reads in batch: a directory, a JSON lines or a Parquet file."""
    path = Path(path)
    return str(path) != "-" and (path.is_dir() or path.suffix.lower() in _DOCUMENT_SUFFIXES)


def wants_batch(path: str | Path, output: str | Path | None, *, engine: str | None = None,
                scheduler: str | None = None, chunk_size: int | None = None) -> bool:
    """True when ``geo geocode`` should stream ``path`` in chunks rather than read it whole.

    That is: a batch option was given, the input is Parquet, the output
    is a directory (no file suffix), or the input is a CSV or JSON lines file
    of at least :data:`LARGE_INPUT_BYTES` (streamed with a progress bar and
    bounded memory into the same single output file).
    """
    if engine == "dask" or scheduler or chunk_size:
        return True
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        return True
    if suffix in (".csv", ".tsv", ".jsonl", ".ndjson") and Path(path).is_file() \
            and Path(path).stat().st_size >= LARGE_INPUT_BYTES:
        return True
    return output is not None and str(output) != STDOUT and (Path(output).is_dir() or not Path(output).suffix)


def parse_batch(source: str | Path, *, output: str | Path | None, gaz, engine: str | None = None,
                scheduler: str | None = None, chunk_size: int | None = None, geometry: str = "point",
                overwrite: bool = False) -> None:
    """``geo parse DIR|file.jsonl|file.parquet``: mentions of every document."""
    _report(parse_documents(source, out=output or STDOUT, gaz=gaz, engine=resolve_engine(engine, scheduler),
                            scheduler=scheduler, geometry=geometry, overwrite=overwrite,
                            **_chunk(chunk_size)))


def geocode_batch(path: str | Path, *, output: str | Path | None, gaz, engine: str | None = None,
                  scheduler: str | None = None, chunk_size: int | None = None, mapping: Any = None,
                  input_format: str = "auto", dayfirst: bool = True, overwrite: bool = False) -> None:
    """``geo geocode big.csv -o out/``: every row, chunk by chunk."""
    _report(geocode_table(path, out=output or STDOUT, gaz=gaz, engine=resolve_engine(engine, scheduler),
                          scheduler=scheduler, mapping=mapping, input_format=input_format, dayfirst=dayfirst,
                          overwrite=overwrite, **_chunk(chunk_size)))


def _chunk(chunk_size: int | None) -> dict[str, int]:
    return {"chunk_size": chunk_size} if chunk_size else {}


def _report(summary) -> None:
    click.echo(summary.line().replace(f"; wrote {STDOUT}", ""), err=True)
