"""``geo parse``: the place mentions of a text, as a GeoJSON FeatureCollection."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from gazetteer.atomic import write_text

from geo.scale.cli import OUTPUT_HELP, batch_options, is_document_source, parse_batch

from ._common import (check_output, data_dir_option, emit_json, handle_errors, is_stdout, load_gazetteer,
                      no_datapack_option, read_document)


@click.command()
@click.argument("file", type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="For a batch of documents: " + OUTPUT_HELP)
@click.option("--overwrite", is_flag=True, help="Replace the output if it exists.")
@batch_options
@click.option("--geometry", type=click.Choice(["point", "full"]), default="point", show_default=True,
              help="The place's point, or its full geometry (district/valley polygon, river line).")
@click.option("--lang", type=click.Choice(["auto", "en", "es"]), default="auto", show_default=True,
              help="Language of the text (the parser reads English and Spanish cues together; informative only).")
@click.option("--html/--no-html", "html", default=None,
              help="Strip HTML tags (default: when the text looks like HTML).")
@data_dir_option
@no_datapack_option
@handle_errors
def parse(file: Path, output: Path | None, overwrite: bool, engine: str | None, scheduler: str | None,
          chunk_size: int | None, geometry: str, lang: str, html: bool | None, data_dir, no_datapack: bool) -> None:
    """Print one GeoJSON feature per place mention in FILE ('-' for stdin), in text order.

    FILE may also be a batch of documents — a directory of .txt/.html files,
    a JSON lines or a Parquet file with a `text` column — streamed in chunks
    with bounded memory, on one process or on Dask (--engine dask,
    --scheduler ADDRESS).

    Offsets (start, end) count characters of the decoded text, HTML tags
    included. Ambiguous and unresolved mentions have a null geometry, a
    status, a reason and their candidates.

    \b
    Examples:
      geo parse report.txt
      curl -s URL | geo parse - --geometry full
      geo parse archive/ -o mentions/ --engine dask
    """
    from geo.parse import parse_text

    if output is not None:
        check_output(output, overwrite)  # before any work is done
    gaz = load_gazetteer(data_dir, no_datapack)
    if is_document_source(file) or engine or scheduler or chunk_size:
        parse_batch(file, output=output, gaz=gaz, engine=engine, scheduler=scheduler, chunk_size=chunk_size,
                    geometry=geometry, overwrite=overwrite)
        return
    text = read_document(file)  # line endings kept: offsets slice the file's own text
    result = parse_text(text, gaz=gaz, geometry=geometry, strip_html=html)
    bad = sum(f["properties"]["status"] != "ok" for f in result["features"])
    if bad:
        click.echo(f"{bad} of {len(result['features'])} mentions are ambiguous or unresolved", err=True)
    if not is_stdout(output):
        write_text(output, json.dumps(result, ensure_ascii=False, allow_nan=False), exclusive=not overwrite)
    else:
        emit_json(result)
        sys.stdout.flush()
