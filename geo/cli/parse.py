"""``geo parse``: the place mentions of a text, as a GeoJSON FeatureCollection."""

from __future__ import annotations

import sys

import click

from ._common import data_dir_option, emit_json, handle_errors, load_gazetteer, no_datapack_option


@click.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--geometry", type=click.Choice(["point", "full"]), default="point", show_default=True,
              help="The place's point, or its full geometry (district/valley polygon, river line).")
@click.option("--lang", type=click.Choice(["auto", "en", "es"]), default="auto", show_default=True,
              help="Language of the text (the parser reads English and Spanish cues together; informative only).")
@click.option("--html/--no-html", "html", default=None,
              help="Strip HTML tags (default: when the text looks like HTML).")
@data_dir_option
@no_datapack_option
@handle_errors
def parse(file, geometry: str, lang: str, html: bool | None, data_dir, no_datapack: bool) -> None:
    """Print one GeoJSON feature per place mention in FILE ('-' for stdin), in text order.

    Offsets (start, end) count characters of the decoded text, HTML tags
    included. Ambiguous and unresolved mentions have a null geometry, a
    status, a reason and their candidates.

    \b
    Examples:
      geo parse report.txt
      curl -s URL | geo parse - --geometry full
    """
    from geo.parse import parse_text

    text = file.read()
    gaz = load_gazetteer(data_dir, no_datapack)
    result = parse_text(text, gaz=gaz, geometry=geometry, strip_html=html)
    bad = sum(f["properties"]["status"] != "ok" for f in result["features"])
    if bad:
        click.echo(f"{bad} of {len(result['features'])} mentions are ambiguous or unresolved", err=True)
    emit_json(result)
    sys.stdout.flush()
