"""The single-process streaming runner, and the bookkeeping both engines share.

:func:`run_local` reads one chunk, processes it, writes its output and
forgets it before reading the next: memory stays bounded by the chunk size
however big the input. A progress bar on stderr counts documents or rows.
:class:`Collector` takes chunk results in source order, from this runner or
from Dask, and writes them (or keeps them when no output is given).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from .sources import Chunk, Plan
from .writers import open_writer, summarise

__all__ = ["run_local", "drain", "Collector", "RunSummary"]


@dataclass
class RunSummary:
    """What a job did: records read, rows written, statuses, time.

    Attributes
    ----------
    job : str
        ``parse`` or ``geocode``.
    engine : str
        ``local`` or ``dask``.
    source, out : str
        Input and output paths (``out`` is "" when the result was returned).
    records : int
        Documents or input rows read.
    rows : int
        Output rows (mentions, or events).
    chunks : int
        Chunks processed.
    input_bytes : int
        Size of the input.
    seconds : float
        Wall time from the first chunk to the last write.
    statuses : dict
        Output rows per status (``ok``, ``ambiguous``, ``unresolved``, ``invalid``).
    """

    job: str
    engine: str
    source: str
    out: str
    records: int = 0
    rows: int = 0
    chunks: int = 0
    input_bytes: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def mb_per_s(self) -> float:
        """Input megabytes (10^6 bytes) per second."""
        return self.input_bytes / 1e6 / self.seconds if self.seconds else 0.0

    @property
    def records_per_s(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"mb_per_s": round(self.mb_per_s, 3), "records_per_s": round(self.records_per_s, 1)}

    def line(self) -> str:
        """One line for stderr."""
        statuses = ", ".join(f"{n:,} {s}" for s, n in sorted(self.statuses.items()))
        return (f"{self.job}: {self.records:,} records in {self.chunks} chunks -> {self.rows:,} rows "
                f"({statuses or 'none'}) in {self.seconds:.1f} s, {self.mb_per_s:.2f} MB/s"
                + (f"; wrote {self.out}" if self.out else ""))


class Collector:
    """Receive chunk results in source order; write them or keep them.

    Parameters
    ----------
    plan : Plan
    job, engine : str
    out : path, optional
        A directory (partitioned GeoParquet) or a ``.parquet``/``.gpkg``/``.csv``
        file; None keeps the frames and :meth:`finish` returns them joined.
    overwrite : bool
    progress : bool
        Show a tqdm bar on stderr.
    empty : callable
        Makes the (empty) frame returned for an input with no records.
    """

    def __init__(self, plan: Plan, *, job: str, engine: str, out=None, overwrite: bool = False,
                 progress: bool = True, empty: Callable[[], gpd.GeoDataFrame]) -> None:
        from tqdm.auto import tqdm

        self.writer = open_writer(out, overwrite=overwrite) if out is not None else None
        self.summary = RunSummary(job=job, engine=engine, source=plan.path, out=str(out or ""),
                                  input_bytes=plan.nbytes)
        self.frames: list[gpd.GeoDataFrame] = []
        self._empty = empty
        self._t0 = time.perf_counter()
        self._bar = tqdm(total=plan.total, unit=" docs" if job == "parse" else " rows",
                         desc=job, file=sys.stderr, disable=not progress, dynamic_ncols=True)

    @property
    def writes_on_workers(self) -> bool:
        """True when chunk outputs are parts a worker can write itself."""
        return self.writer is not None and self.writer.partitioned

    def add(self, chunk: Chunk, result: gpd.GeoDataFrame | dict[str, Any]) -> None:
        """Take the output of ``chunk``: a frame, or the summary of a part already written."""
        if isinstance(result, dict):
            part = result
        elif self.writer is not None:
            part = self.writer.write(chunk.number, result)
        else:
            self.frames.append(result)
            part = summarise(result)
        s = self.summary
        s.records += chunk.count
        s.chunks += 1
        s.rows += part["rows"]
        for status, n in part["statuses"].items():
            s.statuses[status] = s.statuses.get(status, 0) + n
        self._bar.update(chunk.count)

    def finish(self) -> gpd.GeoDataFrame | RunSummary:
        """Close the output; the joined frame when there is no output, else the summary."""
        self._bar.close()
        self.summary.seconds = time.perf_counter() - self._t0
        if self.writer is None:
            if not self.frames:
                return self._empty()
            frame = pd.concat(self.frames, ignore_index=True)
            self.frames = []
            return frame
        if self.summary.chunks == 0:  # an empty input still gives a readable, empty output
            self.writer.write(0, self._empty())
        self.writer.close(self.summary.to_dict())
        return self.summary

    def abort(self) -> None:
        self._bar.close()
        if self.writer is not None:
            self.writer.abort()


def run_local(plan: Plan, task: Callable[[Chunk], gpd.GeoDataFrame], *, job: str, out=None,
              overwrite: bool = False, progress: bool = True,
              empty: Callable[[], gpd.GeoDataFrame]) -> gpd.GeoDataFrame | RunSummary:
    """Run ``task`` on each chunk of ``plan`` in turn, in this process.

    Parameters
    ----------
    plan : Plan
    task : callable
        Chunk -> GeoDataFrame (see :mod:`geo.scale.jobs`).
    job : str
    out, overwrite, progress, empty
        See :class:`Collector`.

    Returns
    -------
    GeoDataFrame or RunSummary
        The joined output when ``out`` is None, else the summary.
    """
    collector = Collector(plan, job=job, engine="local", out=out, overwrite=overwrite, progress=progress,
                          empty=empty)
    return drain(collector, ((chunk, task(chunk)) for chunk in plan))


def drain(collector: Collector, results: Iterable[tuple[Chunk, Any]]):
    """Feed ``(chunk, result)`` pairs to ``collector``; abort the output on any error."""
    try:
        for chunk, result in results:
            collector.add(chunk, result)
    except BaseException:
        collector.abort()
        raise
    return collector.finish()
