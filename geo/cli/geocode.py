"""``geo geocode``: an events table (CSV, Excel, JSON, ACLED, UCDP) into a located layer."""

from __future__ import annotations

from pathlib import Path

import click

from geo.scale.cli import OUTPUT_HELP, batch_options, geocode_batch, wants_batch

from ._common import check_output, data_dir_option, handle_errors, load_gazetteer, no_datapack_option
from .export import (check_layer_output, emit_events, format_option, overwrite_option, summary,
                     warnings_to_stderr)


@click.command()
@click.argument("input", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output file; the format follows the extension (.geojson .gpkg .parquet .csv). "
                   "In batch mode: " + OUTPUT_HELP)
@overwrite_option
@format_option
@click.option("--mapping", "-m", multiple=True, metavar="COLUMN=FIELD",
              help="Read COLUMN as FIELD (repeatable), e.g. -m 'Lugar del ataque=location'.")
@click.option("--input-format", type=click.Choice(["auto", "table", "acled", "ucdp"]), default="auto",
              show_default=True, help="Force the input format instead of detecting it from the columns.")
@click.option("--sheet", default=None, help="Excel sheet name or number (default: the first).")
@click.option("--monthfirst", is_flag=True, help="Read 03/04/2014 as March 4 (default: 3 April).")
@batch_options
@data_dir_option
@no_datapack_option
@handle_errors
def geocode(input: Path, output: Path | None, overwrite: bool, fmt: str | None, mapping: tuple[str, ...],
            input_format: str, sheet: str | None, monthfirst: bool, engine: str | None, scheduler: str | None,
            chunk_size: int | None, data_dir, no_datapack: bool) -> None:
    """Geocode the events in INPUT: one output row per input row, with status and reason.

    Rows with coordinates keep them after a check; the others are located
    through the gazetteer with their admin columns as context. Bad rows stay
    in the output (status invalid) and are reported on stderr.

    \b
    Examples:
      geo geocode attacks.csv -o attacks.gpkg
      geo geocode acled_export.csv > events.geojson
      geo geocode hoja.xlsx -m "Lugar del ataque=location" -o eventos.parquet
      geo geocode big.csv -o events/ --chunk-size 200000     (GeoParquet parts, bounded memory)
      geo geocode big.csv -o events/ --scheduler tcp://10.0.0.5:8786
    """
    from geo.events import read_events

    batch = wants_batch(input, output, engine=engine, scheduler=scheduler, chunk_size=chunk_size)
    if batch:
        check_output(output, overwrite)  # a folder, or one file the batch writer knows
    else:
        check_layer_output(output, overwrite, fmt)
    gaz = load_gazetteer(data_dir, no_datapack)
    if batch:
        with warnings_to_stderr():
            geocode_batch(input, output=output, gaz=gaz, engine=engine, scheduler=scheduler, chunk_size=chunk_size,
                          mapping=list(mapping), input_format=input_format, dayfirst=not monthfirst,
                          overwrite=overwrite)
        return
    if sheet is not None and sheet.isdigit():
        sheet = int(sheet)
    with warnings_to_stderr():
        frame = read_events(input, gaz=gaz, mapping=list(mapping), input_format=input_format, sheet=sheet,
                            dayfirst=not monthfirst)
        emit_events(frame, output, fmt=fmt, overwrite=overwrite)
    click.echo(f"{summary(frame)} -> {output or 'stdout'}", err=True)
