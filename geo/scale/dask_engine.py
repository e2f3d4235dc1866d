"""The same jobs on Dask: a local cluster by default, or any scheduler by address.

Documents go through :mod:`dask.bag` and table rows through
:mod:`dask.dataframe` (``from_map`` over the chunks of :mod:`geo.scale.sources`,
so rows are cut at real record boundaries and numbered as in the
single-process runner); :func:`attribute_points` joins the partitions of a
:mod:`dask_geopandas` frame of points to the district polygons.

The gazetteer index is built (or loaded from the on-disk cache) once, on the
client. A :class:`distributed.WorkerPlugin` then gives it to every worker
process once — the path of the cache file when the workers can read it,
else the pickled index itself — and each task takes the worker's copy from a
per-process memo, so no task rebuilds or re-ships it. Workers that join the
cluster later receive the plugin too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import uuid
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from gazetteer import Gazetteer
from gazetteer.errors import DataPackError

from .jobs import geocode_chunk, parse_chunk
from .runner import Collector, drain
from .sources import Chunk, Plan
from .writers import write_part

__all__ = ["connect", "share_gazetteer", "worker_gazetteer", "run_dask", "attribute_points",
           "GazetteerRef", "DEFAULT_CONNECT_TIMEOUT"]

#: How long to wait for a remote scheduler to answer.
DEFAULT_CONNECT_TIMEOUT = "30s"
_PLUGIN_PREFIX = "geo-gazetteer-"
# Per worker process: gazetteers by key, and how often each was loaded (tests
# check it is once).
_LOADED: dict[str, Gazetteer] = {}
_LOADS: dict[str, int] = {}
# On the client: keys of shared gazetteers that have no cache file.
_MEMORY_KEYS: "weakref.WeakKeyDictionary[Gazetteer, str]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class GazetteerRef:
    """A small, picklable handle to a gazetteer shared with the workers."""

    key: str
    path: str | None
    focus: str | None


class _GazetteerPlugin(WorkerPlugin):
    """Loads the shared gazetteer into a worker process when the worker starts (or joins)."""

    def __init__(self, ref: GazetteerRef, payload: bytes | None) -> None:
        self.ref = ref
        self.payload = payload
        self.name = _PLUGIN_PREFIX + ref.key

    def setup(self, worker) -> None:
        _load(self.ref, self.payload)
        self.payload = None  # the loaded index is all the worker needs


@contextlib.contextmanager
def connect(scheduler: Any = None, *, n_workers: int | None = None) -> Iterator[Any]:
    """A :class:`distributed.Client`: on a new local cluster, a scheduler's address, or as given.

    Parameters
    ----------
    scheduler : str, distributed.Client or None
        ``None`` starts a ``LocalCluster`` with one single-threaded worker
        process per core (parsing is pure Python: processes, not threads,
        give parallelism) and shuts it down afterwards; an address such as
        ``"tcp://10.0.0.5:8786"`` connects to a running scheduler; a
        ``Client`` is used as is and left open.
    n_workers : int, optional
        Workers of the local cluster (default: the number of cores).
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler is None:
        with LocalCluster(n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    with Client(str(scheduler), timeout=DEFAULT_CONNECT_TIMEOUT) as client:
        yield client


def share_gazetteer(client, gaz: Gazetteer) -> GazetteerRef:
    """Load ``gaz`` once in every worker process of ``client``'s cluster.

    The workers read the index cache file when they see it (same path, same
    size: a local cluster or a shared file system); otherwise the pickled
    index travels once to each worker inside the plugin.

    Returns
    -------
    GazetteerRef
        Pass it to tasks; :func:`worker_gazetteer` turns it into the worker's copy.
    """
    cache = gaz.info().get("cache")
    path = Path(cache) if cache else None
    if path is not None and path.is_file():
        st = path.stat()
        ref = GazetteerRef(f"{path.stem}-{st.st_size}-{st.st_mtime_ns}", str(path), gaz.focus)
        sizes = client.run(_file_size, str(path))
        payload = None if set(sizes.values()) == {st.st_size} else path.read_bytes()
    else:
        # No cache file: the same gazetteer object keeps one key, so workers that
        # hold it already do not load it again.
        key = _MEMORY_KEYS.setdefault(gaz, uuid.uuid4().hex)
        ref = GazetteerRef(key, None, gaz.focus)
        payload = pickle.dumps(gaz.index, protocol=pickle.HIGHEST_PROTOCOL)
    client.register_plugin(_GazetteerPlugin(ref, payload), name=_PLUGIN_PREFIX + ref.key)
    return ref


def worker_gazetteer(ref: GazetteerRef) -> Gazetteer:
    """This process's copy of a shared gazetteer (loaded by the worker plugin)."""
    gaz = _LOADED.get(ref.key)
    return gaz if gaz is not None else _load(ref, None)


def worker_loads() -> dict[str, int]:
    """How many times this process loaded each shared gazetteer (run it on workers with ``client.run``)."""
    return dict(_LOADS)


def _load(ref: GazetteerRef, payload: bytes | None) -> Gazetteer:
    if ref.key in _LOADED:
        return _LOADED[ref.key]
    if payload is not None:
        index = pickle.loads(payload)
    elif ref.path is not None:
        with open(ref.path, "rb") as fh:
            index = pickle.load(fh)
    else:
        raise DataPackError(f"gazetteer {ref.key} was not shipped to this worker")
    gaz = Gazetteer(index, cache_path=Path(ref.path) if ref.path else None, focus=ref.focus)
    _LOADED[ref.key] = gaz
    _LOADS[ref.key] = _LOADS.get(ref.key, 0) + 1
    return gaz


def _file_size(path: str) -> int:
    return os.path.getsize(path) if os.path.isfile(path) else -1


# -- jobs ----------------------------------------------------------------------

def _parse_task(chunk: Chunk, ref: GazetteerRef, geometry: str):
    return parse_chunk(chunk, worker_gazetteer(ref), geometry=geometry)


def _geocode_task(chunk: Chunk, ref: GazetteerRef, options: dict[str, Any]):
    return geocode_chunk(chunk, worker_gazetteer(ref), **options)


def _first(items: Sequence):
    return items[0]


def _write_task(frame, out_dir: str, number: int) -> dict[str, Any]:
    return write_part(out_dir, number, frame)


def _partitions(plan: Plan, job: str, ref: GazetteerRef, options: dict[str, Any], meta) -> list:
    """One delayed object per chunk, in order: a bag for documents, a dataframe for rows."""
    from dask import delayed

    if job == "parse":
        import dask.bag as db

        bag = db.from_sequence(plan.chunks, npartitions=len(plan.chunks))
        bag = bag.map(_parse_task, ref=ref, geometry=options["geometry"])
        return [delayed(_first)(part) for part in bag.to_delayed()]
    import dask.dataframe as dd
    import dask_geopandas  # noqa: F401  (registers GeoDataFrame partitions with dask.dataframe)

    frame = dd.from_map(_geocode_task, list(plan.chunks), args=(ref, options), meta=meta,
                        label="geocode-chunk", enforce_metadata=False)
    return list(frame.to_delayed())


def run_dask(plan: Plan, *, job: str, gaz: Gazetteer, options: dict[str, Any], scheduler: Any = None,
             out=None, overwrite: bool = False, progress: bool = True, empty,
             window: int | None = None) -> Any:
    """Run a job's chunks on Dask and collect them in order.

    Parameters
    ----------
    plan : Plan
    job : {"parse", "geocode"}
    gaz : Gazetteer
        Built on the client; shared with the workers by :func:`share_gazetteer`.
    options : dict
        Keyword options of :func:`~geo.scale.jobs.parse_chunk` or
        :func:`~geo.scale.jobs.geocode_chunk`.
    scheduler : str, Client or None
        See :func:`connect`.
    out, overwrite, progress, empty
        See :class:`~geo.scale.runner.Collector`. With a directory output,
        each worker writes its own parts (the directory must be reachable
        from the workers); a single file is written by the client.
    window : int, optional
        Most chunks in flight at once (default: twice the cluster's
        threads), which bounds the memory results take while they wait to
        be written in order.
    """
    with connect(scheduler) as client:
        ref = share_gazetteer(client, gaz)
        collector = Collector(plan, job=job, engine="dask", out=out, overwrite=overwrite, progress=progress,
                              empty=empty)
        parts = _partitions(plan, job, ref, options, empty()) if len(plan) else []
        if collector.writes_on_workers:
            from dask import delayed

            target = str(collector.writer.path)
            parts = [delayed(_write_task)(part, target, chunk.number) for part, chunk in zip(parts, plan)]
        window = window or 2 * max(1, sum(client.nthreads().values()))
        return drain(collector, zip(plan.chunks, _in_order(client, parts, window)))


def _in_order(client, parts: list, window: int) -> Iterator[Any]:
    """Results of ``parts`` in order, with at most ``window`` computed ahead."""
    futures: dict[int, Any] = {}
    submitted = 0
    try:
        for i in range(len(parts)):
            while submitted < len(parts) and submitted < i + window:
                futures[submitted] = client.compute(parts[submitted])
                submitted += 1
            future = futures.pop(i)
            yield future.result()
            future.release()
    finally:
        client.cancel(list(futures.values()))


# -- spatial joins ---------------------------------------------------------------

def attribute_points(points, gaz: Gazetteer, *, client, npartitions: int | None = None):
    """Department, province and district of each point, on the cluster.

    The points are a dask-geopandas frame (e.g. ``dask_geopandas.read_parquet``
    on the workers) or an in-memory GeoDataFrame cut into partitions; each
    partition is joined to the district polygons by
    :func:`geo.events.attribute_points` with the worker's copy of the
    gazetteer (shared once, see :func:`share_gazetteer`), so the result is
    the single-process one.

    Parameters
    ----------
    points : geopandas.GeoDataFrame or dask_geopandas.GeoDataFrame
        Points in EPSG:4326.
    gaz : Gazetteer
        With the data pack loaded (the district polygons).
    client : distributed.Client
        See :func:`connect`.
    npartitions : int, optional
        Partitions of an in-memory frame (default: twice the cluster's threads).

    Returns
    -------
    pandas.DataFrame or dask.dataframe.DataFrame
        In memory for an in-memory input, else lazy (write it with
        ``to_parquet`` on the workers). Same index as ``points``; columns
        ``admin1``, ``admin1_code``, ``admin2``, ``admin2_code``, ``admin3``,
        ``admin3_code`` (missing outside Peru).

    Examples
    --------
    >>> with connect() as client:                                   # doctest: +SKIP
    ...     points = dask_geopandas.read_parquet("points/")
    ...     attribute_points(points, gaz, client=client).to_parquet("admin/")
    """
    import dask_geopandas
    import pandas as pd

    gaz.boundaries("district")  # fail here, not on the workers, when there is no data pack
    ref = share_gazetteer(client, gaz)
    lazy = isinstance(points, dask_geopandas.GeoDataFrame)
    if not lazy:
        n = npartitions or 2 * max(1, sum(client.nthreads().values()))
        points = dask_geopandas.from_geopandas(points[[points.geometry.name]], npartitions=n)
    meta = pd.DataFrame({c: pd.Series(dtype="string") for c in _ADMIN_COLUMNS})
    admin = points[[points.geometry.name]].map_partitions(_attribute_task, ref, meta=meta)
    return admin if lazy else admin.compute()


_ADMIN_COLUMNS = ("admin1", "admin1_code", "admin2", "admin2_code", "admin3", "admin3_code")


def _attribute_task(points, ref: GazetteerRef):
    from geo.events import attribute_points as attribute

    return attribute(points, worker_gazetteer(ref))
