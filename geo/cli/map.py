"""``geo map``: render events (and the gazetteer's layers) as a layered HTML map."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import click

from gazetteer.errors import DownloadError

from ._common import check_output, data_dir_option, handle_errors, load_gazetteer, no_datapack_option
from .export import open_events


@click.command("map")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .html file to write (e.g. maps/attacks.html).")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--self-contained/--cdn", "self_contained", default=True, show_default=True,
              help="Inline Leaflet and its plugins so the file opens with no network (fetched once from npm, "
                   "hash-checked and cached; the default), or link them from a CDN for a smaller file.")
@click.option("--seed", is_flag=True, help="Map the project's seed events (seeds/events.csv); no INPUT needed.")
@click.option("--title", default=None, help="Title shown over the map.")
@click.option("--choropleth", type=click.Choice(["district", "province", "department", "none"]), default=None,
              help="Count events per unit (needs the data pack). Default: district when the pack is loaded.")
@click.option("--cluster-threshold", type=click.IntRange(0), default=None,
              help="Cluster markers above this many events (default 500).")
@click.option("--events-only", is_flag=True, help="Leave out bases, coca zones, regions and boundaries.")
@data_dir_option
@no_datapack_option
@handle_errors
def map_command(inputs: tuple[Path, ...], output: Path, overwrite: bool, self_contained: bool, seed: bool,
                title: str | None, choropleth: str | None, cluster_threshold: int | None, events_only: bool,
                data_dir, no_datapack: bool) -> None:
    """Render INPUT event files as one HTML map.

    INPUT is a raw table (CSV, Excel, JSON; ACLED or UCDP exports) or a layer
    `geo geocode`, `geo parse`, `geo extract` or `geo query` wrote (.geojson,
    .gpkg, .parquet, .csv, or a batch job's output folder).

    Events get one layer per type, a heat map and a time slider; bases,
    coca zones (hectares by year), the VRAEM and other regions come from the
    gazetteer, and boundaries with a choropleth when the data pack is loaded.
    The path of the written map goes to stdout.

    \b
    Examples:
      geo map --seed -o maps/vraem.html
      geo map attacks.csv -o maps/attacks.html --cdn        (smaller; needs a network to open)
      geo map acled_peru.csv ucdp_peru.csv -o maps/peru.html --choropleth province
    """
    import geopandas as gpd
    import pandas as pd

    from geo.maps import make_map, save_map
    from geo.maps.seed import SEED_TITLE, context_layers, seed_map

    if seed == bool(inputs):
        raise click.UsageError("give INPUT files or --seed (not both)")
    if seed and events_only:
        raise click.UsageError("--events-only does not apply to --seed")
    if str(output) == "-":
        raise click.UsageError("a map is an HTML page: give -o a file (e.g. maps/attacks.html)")
    check_output(output, overwrite)
    gaz = load_gazetteer(data_dir, no_datapack)
    options: dict = {}
    if choropleth is not None:
        options["choropleth"] = None if choropleth == "none" else choropleth
    if cluster_threshold is not None:
        options["cluster_threshold"] = cluster_threshold
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if seed:
            events_log = logging.getLogger("geo.events")
            level = events_log.level
            events_log.setLevel(logging.WARNING)  # the project's own seed file: its columns need no report
            try:
                m = seed_map(gaz, title=title or SEED_TITLE, **options)
            finally:
                events_log.setLevel(level)
        else:
            frames = [open_events(str(path), gaz_loader=lambda: gaz) for path in inputs]
            events = frames[0] if len(frames) == 1 else gpd.GeoDataFrame(pd.concat(frames, ignore_index=True),
                                                                          crs="EPSG:4326")
            layers = {"choropleth": None} if events_only else context_layers(gaz)
            m = make_map(events, title=title, **{**layers, **options})
    for warning in caught:  # bad rows (row, column, value), layers left out
        click.echo(f"warning: {warning.message}", err=True)
    try:
        path = save_map(m, output, overwrite=overwrite, self_contained=self_contained)
    except DownloadError as exc:
        raise DownloadError(f"{exc}; or pass --cdn to link the scripts instead (the map then needs a network "
                            "to open)") from exc
    click.echo(str(path))
