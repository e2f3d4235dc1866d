"""Write a job's output chunk by chunk: partitioned GeoParquet or one file.

A *directory* receives one GeoParquet file per chunk, ``part-00000.parquet``,
``part-00001.parquet``..., each written to a temporary name and renamed, so
a reader never sees half a file; ``geopandas.read_parquet(directory)`` reads
them all back in order. A *file* (``.parquet``, ``.gpkg``, ``.csv`` or
``.geojson``) is appended to chunk after chunk under a temporary name in the
same folder and moved into place when the job ends, so a failed job leaves no
partial output. ``"-"`` prints one GeoJSON FeatureCollection on standard
output, a feature a line, as the chunks come.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import IO, Any

import geopandas as gpd

from gazetteer.atomic import replacing, write_text
from gazetteer.errors import InvalidInputError, OutputExistsError

__all__ = ["open_writer", "write_part", "part_name", "PartitionedWriter", "FileWriter", "StreamWriter",
           "FILE_SUFFIXES", "MANIFEST", "STDOUT"]

#: Single-file outputs the streaming writer can append to.
FILE_SUFFIXES = (".parquet", ".geoparquet", ".gpkg", ".csv", ".geojson")
#: ``out`` meaning standard output (a GeoJSON FeatureCollection).
STDOUT = "-"
#: Written last in a partitioned output; its leading underscore makes
#: pyarrow and geopandas skip it when reading the directory.
MANIFEST = "_manifest.json"
_PART = re.compile(r"^part-\d{5,}\.parquet$")


def part_name(number: int) -> str:
    """File name of chunk ``number`` in a partitioned output."""
    return f"part-{number:05d}.parquet"


def write_part(out_dir: str | os.PathLike, number: int, frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """Write one chunk's output into ``out_dir`` atomically; returns its summary.

    Dask workers call this themselves, so the directory must be reachable
    from them (a local or shared file system).
    """
    with replacing(Path(out_dir) / part_name(number)) as tmp:
        frame.to_parquet(tmp, index=False)
    return summarise(frame)


def summarise(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """Rows and rows per status of one output chunk."""
    statuses = frame["status"].value_counts(dropna=False) if "status" in frame else {}
    return {"rows": len(frame), "statuses": {str(k): int(v) for k, v in statuses.items()}}


def open_writer(out: str | os.PathLike, *, overwrite: bool = False) -> "PartitionedWriter | FileWriter":
    """A writer for ``out``: a file when its suffix is one of :data:`FILE_SUFFIXES`, else a directory.

    ``"-"`` streams a GeoJSON FeatureCollection to standard output.

    Raises
    ------
    OutputExistsError
        When the output exists (a file, or a directory holding parts) and
        ``overwrite`` is false.
    InvalidInputError
            For a suffix that cannot be streamed (``.shp``, ``.xlsx``...).
    """
    if str(out) == STDOUT:
        return StreamWriter(sys.stdout)
    path = Path(out)
    if path.suffix.lower() in FILE_SUFFIXES:
        return FileWriter(path, overwrite=overwrite)
    if path.suffix and not path.is_dir():
        raise InvalidInputError(
            f"{path}: cannot stream a {path.suffix} file; write a directory of GeoParquet parts, or one "
            f"{', '.join(FILE_SUFFIXES)} file")
    return PartitionedWriter(path, overwrite=overwrite)


class PartitionedWriter:
    """One GeoParquet file per chunk in a directory, and a manifest at the end."""

    partitioned = True

    def __init__(self, out_dir: Path, *, overwrite: bool = False) -> None:
        if out_dir.exists() and not out_dir.is_dir():
            raise OutputExistsError(f"{out_dir} is a file; give a directory for partitioned output")
        old = [p for p in out_dir.iterdir() if _PART.match(p.name) or p.name == MANIFEST] if out_dir.is_dir() else []
        if old and not overwrite:
            raise OutputExistsError(f"{out_dir} already holds {len(old)} output files; pass --overwrite "
                                    "(overwrite=True) to replace them")
        out_dir.mkdir(parents=True, exist_ok=True)
        for p in old:  # only our own parts: other files in the folder are left alone
            p.unlink()
        self.path = out_dir

    def write(self, number: int, frame: gpd.GeoDataFrame) -> dict[str, Any]:
        return write_part(self.path, number, frame)

    def close(self, manifest: dict[str, Any]) -> None:
        write_text(self.path / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))

    def abort(self) -> None:
        """Keep the parts written so far (each is complete) but no manifest."""


class FileWriter:
    """Append chunks to one file, moved into place on :meth:`close`."""

    partitioned = False

    def __init__(self, path: Path, *, overwrite: bool = False) -> None:
        if os.path.lexists(path) and not overwrite:
            raise OutputExistsError(f"{path} exists; pass --overwrite (overwrite=True) to replace it")
        self.path = path
        self.suffix = path.suffix.lower()
        # The temporary file keeps the real name (GDAL checks the suffix of a
        # GeoPackage) and is moved onto ``path`` by close(), removed by abort().
        self._stack = contextlib.ExitStack()
        self._tmp = str(self._stack.enter_context(replacing(path, exclusive=not overwrite)))
        self._geojson = _GeoJSON(open(self._tmp, "w", encoding="utf-8")) if self.suffix == ".geojson" else None
        self._parquet = None
        self._schema = None
        self._count = 0

    def write(self, number: int, frame: gpd.GeoDataFrame) -> dict[str, Any]:
        if self.suffix in (".parquet", ".geoparquet"):
            self._write_parquet(frame)
        elif self._geojson is not None:
            self._geojson.write(frame)
        elif self.suffix == ".gpkg":
            import pyogrio

            pyogrio.write_dataframe(frame, self._tmp, layer=self.path.stem, driver="GPKG",
                                    append=self._count > 0)
        else:
            _with_coordinates(frame).to_csv(self._tmp, mode="a", header=self._count == 0, index=False)
        self._count += 1
        return summarise(frame)

    def _write_parquet(self, frame: gpd.GeoDataFrame) -> None:
        import pyarrow.parquet as pq
        # geopandas' own conversion gives the GeoParquet "geo" metadata (CRS,
        # encoding) that to_parquet writes; there is no public streaming form.
        from geopandas.io.arrow import _geopandas_to_arrow

        table = _geopandas_to_arrow(frame, index=False)
        if self._parquet is None:
            self._schema = _open_schema(table.schema)
            self._parquet = pq.ParquetWriter(self._tmp, self._schema)
        self._parquet.write_table(table.cast(self._schema))

    def close(self, manifest: dict[str, Any]) -> None:
        self._release()
        self._stack.close()

    def abort(self) -> None:
        self._release()
        self._stack.__exit__(RuntimeError, RuntimeError("aborted"), None)

    def _release(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        if self._geojson is not None:
            self._geojson.close()
            self._geojson.fh.close()


class StreamWriter:
    """A GeoJSON FeatureCollection on a text stream (standard output), chunk after chunk."""

    partitioned = False

    def __init__(self, fh: IO[str]) -> None:
        self._geojson = _GeoJSON(fh)
        self.path = fh

    def write(self, number: int, frame: gpd.GeoDataFrame) -> dict[str, Any]:
        self._geojson.write(frame)
        return summarise(frame)

    def close(self, manifest: dict[str, Any]) -> None:
        self._geojson.close()

    def abort(self) -> None:
        """Whatever was printed stays printed; the collection is left unclosed, so readers see the failure."""


class _GeoJSON:
    """One RFC 7946 FeatureCollection written feature by feature (one a line)."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self._first = True
        self._open = False

    def write(self, frame: gpd.GeoDataFrame) -> None:
        from geo.export import to_geojson

        if not self._open:
            self.fh.write('{"type": "FeatureCollection", "features": [')
            self._open = True
        for feature in to_geojson(frame)["features"]:
            self.fh.write("\n" if self._first else ",\n")
            self.fh.write(json.dumps(feature, ensure_ascii=False, allow_nan=False))
            self._first = False

    def close(self) -> None:
        if self._open:
            self.fh.write("\n]}\n")
            self.fh.flush()
            self._open = False


def _open_schema(schema):
    """The first chunk's schema, its GeoParquet bbox and geometry types dropped (later chunks differ)."""
    meta = dict(schema.metadata or {})
    geo = json.loads(meta[b"geo"])
    for column in geo["columns"].values():
        column.pop("bbox", None)
        column["geometry_types"] = []  # an empty list means "any type" (GeoParquet 1.0)
    meta[b"geo"] = json.dumps(geo).encode()
    return schema.with_metadata(meta)


def _with_coordinates(frame: gpd.GeoDataFrame):
    """A plain table for CSV: the geometry becomes longitude/latitude of its representative point."""
    import numpy as np
    import shapely

    out = frame.drop(columns=frame.geometry.name)
    if "longitude" not in out and "latitude" not in out:
        geoms = frame.geometry.values.to_numpy()
        geoms = np.where(shapely.is_empty(geoms), None, geoms)  # None gives NaN below
        point = shapely.point_on_surface(geoms)
        out["longitude"] = shapely.get_x(point)
        out["latitude"] = shapely.get_y(point)
    return out
