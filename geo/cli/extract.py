"""``geo extract``: the events a report describes, as GeoJSON."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (check_output, data_dir_option, emit_json, handle_errors, is_stdout, load_gazetteer,
                      no_datapack_option, read_document)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--published", required=True, help="Publication date, YYYY-MM-DD (relative dates resolve against it).")
@click.option("--source", default=None, help="Outlet or citation written to the 'source' column.")
@click.option("--url", "source_url", default=None, help="URL written to the 'source_url' column.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the GeoJSON here instead of stdout.")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
@data_dir_option
@no_datapack_option
@handle_errors
def extract(file, published: str, source: str | None, source_url: str | None, output: Path | None,
            overwrite: bool, data_dir, no_datapack: bool) -> None:
    """Extract events (date, ACLED type, actors, fatalities, place) from the report in FILE ('-' for stdin).

    \b
    Examples:
      geo extract report.txt --published 2014-02-20
      geo extract report.html --published 2017-03-19 -o events.geojson
    """
    import json

    from geo.parse import extract_events
    from geo.parse.events import events_geojson
    from gazetteer.atomic import write_text

    if output is not None:
        check_output(output, overwrite)
    gaz = load_gazetteer(data_dir, no_datapack)
    events = extract_events(read_document(file), published=published, gaz=gaz, source=source, source_url=source_url)
    click.echo(f"{len(events)} events", err=True)
    collection = events_geojson(events)
    if is_stdout(output):
        emit_json(collection)
    else:
        write_text(output, json.dumps(collection, ensure_ascii=False, indent=2), exclusive=not overwrite)
