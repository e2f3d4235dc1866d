"""``geo export``: convert an events layer between GeoJSON, GeoPackage, GeoParquet and CSV.

Also holds what ``geocode`` and ``query`` share: reading an events file
(geocoded or not, or GeoJSON on stdin) and writing a layer to a file or to
stdout, with the library's warnings echoed on stderr.
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
from pathlib import Path

import click

from ._common import check_output, data_dir_option, handle_errors, is_stdout, load_gazetteer, no_datapack_option

#: Formats that can go to stdout (text).
STDOUT_FORMATS = ("geojson", "csv")
#: Columns that mark a file as already geocoded by this toolkit.
_GEOCODED = {"event_id", "status", "latitude", "longitude"}

output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                             help="Output file; the format follows the extension (.geojson .gpkg .parquet .csv). "
                                  "Default (or -): GeoJSON on stdout.")
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
format_option = click.option("--format", "fmt", type=click.Choice(["geojson", "gpkg", "parquet", "csv"]),
                             default=None, help="Output format, when the extension does not say it.")


@contextlib.contextmanager
def warnings_to_stderr():
    """Echo every warning raised inside the block on stderr, once, as ``warning: ...``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for w in caught:
                click.echo(f"warning: {w.message}", err=True)


def open_events(path: str, *, gaz_loader, mapping=None, input_format: str = "auto"):
    """An events GeoDataFrame from a layer this toolkit wrote (a file or a batch output folder),
    a raw events table, or ``-`` (GeoJSON on stdin)."""
    from geo import export
    from geo.events import read_events
    from geo.events.readers import SUFFIXES

    if path == "-":
        import geopandas as gpd

        data = sys.stdin.buffer.read()
        if not data.strip():
            raise click.ClickException("nothing on stdin (expected GeoJSON)")
        return export.conform(gpd.read_file(io.BytesIO(data), engine="pyogrio"))
    if Path(path).is_dir():
        return export.read(path)  # a batch job's part-*.parquet folder
    suffix = Path(path).suffix.lower()
    if suffix in (".gpkg", ".parquet", ".geoparquet", ".geojson") or (
            suffix in (".csv", ".json") and _geocoded(Path(path))):
        return export.read(path)
    if suffix in SUFFIXES:
        return read_events(path, gaz=gaz_loader(), mapping=mapping, input_format=input_format)
    raise click.BadParameter(f"cannot read {path!r}: unknown extension {suffix!r}", param_hint="INPUT")


def _geocoded(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(65536).decode("utf-8", errors="replace")
    if path.suffix.lower() == ".csv":
        header = {c.strip().strip('"') for c in head.split("\n", 1)[0].split(",")}
        return _GEOCODED <= header
    return '"FeatureCollection"' in head and all(f'"{c}"' in head for c in _GEOCODED)


def check_layer_output(output: Path | None, overwrite: bool, fmt: str | None) -> None:
    """:func:`check_output`, and an extension (or ``--format``) we can write a layer in, before any work."""
    check_output(output, overwrite)
    if not is_stdout(output):
        from geo.export import format_for

        format_for(output, fmt)


def emit_events(frame, output: Path | None, *, fmt: str | None, overwrite: bool) -> None:
    """Write ``frame`` to ``output`` (atomically, never over an existing file unless asked) or to stdout."""
    from geo import export

    if is_stdout(output):
        kind = fmt or "geojson"
        if kind not in STDOUT_FORMATS:
            raise click.UsageError(f"{kind} is a binary format: give an output file with -o")
        if kind == "geojson":
            export.write_geojson(frame, sys.stdout)
        else:
            export.write_csv(frame, sys.stdout)
        return
    check_output(output, overwrite)
    export.write(frame, output, format=fmt, overwrite=overwrite)


def summary(frame) -> str:
    """``8 rows: 5 ok, 1 ambiguous, 1 unresolved, 1 invalid``."""
    counts = frame["status"].value_counts() if "status" in frame else {}
    parts = [f"{int(counts.get(s, 0))} {s}" for s in ("ok", "ambiguous", "unresolved", "invalid")]
    return f"{len(frame)} rows: {', '.join(parts)}"


@click.command()
@click.argument("input", metavar="INPUT")
@output_option
@overwrite_option
@format_option
@data_dir_option
@no_datapack_option
@handle_errors
def export(input: str, output: Path | None, overwrite: bool, fmt: str | None, data_dir, no_datapack: bool) -> None:
    """Convert the events in INPUT to another format (INPUT may be - for GeoJSON on stdin).

    A raw events table (CSV, Excel, JSON) is geocoded first, as by `geo geocode`.

    \b
    Examples:
      geo export events.geojson -o events.gpkg
      geo geocode attacks.csv | geo export - -o attacks.parquet
    """
    check_layer_output(output, overwrite, fmt)
    with warnings_to_stderr():
        frame = open_events(input, gaz_loader=lambda: load_gazetteer(data_dir, no_datapack))
        emit_events(frame, output, fmt=fmt, overwrite=overwrite)
    click.echo(f"{summary(frame)} -> {output or 'stdout'}", err=True)
