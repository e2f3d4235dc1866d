"""``geo data``: download, locate and check the Peru data pack."""

from __future__ import annotations

from pathlib import Path

import click

from gazetteer.errors import GeoError
from gazetteer.fetch import default_data_dir, fetch, find_data_dir, info

from ._common import emit_json, handle_errors


@click.group()
def data() -> None:
    """Download, locate and check the Peru data pack.

    The pack holds INEI's ~95,000 populated places, the UBIGEO code tables
    and the department, province and district polygons (mapsPERU). It is
    read from $GEO_DATA_DIR when set, else from the user cache.
    """


@data.command("fetch")
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to build the pack in (default: $GEO_DATA_DIR, else the user cache).")
@click.option("--force", is_flag=True,
              help="Check every download against the registry again and rebuild every file.")
@click.option("--mirror", metavar="URL", default=None,
              help="Download from an HTTP(S) mirror of the pack's layout instead of GitHub.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@handle_errors
def fetch_command(dest: Path | None, force: bool, mirror: str | None, quiet: bool) -> None:
    """Download and convert the data pack; print its folder on stdout.

    Files already in the pack are kept: run it again after a failure and it
    fetches only what is missing. Every download is checked against the
    SHA-256 in the package's registry.

    \b
    Examples:
      geo data fetch
      export GEO_DATA_DIR=$(geo data fetch --dest ./datapack --quiet)
    """
    click.echo(fetch(dest, base_url=mirror, force=force, progress=not quiet))


@data.command("info")
@click.option("--dir", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Describe this folder instead of the pack in use.")
@click.option("--gazetteer/--no-gazetteer", "with_gazetteer", default=True, show_default=True,
              help="Load the pack into the gazetteer and report its place counts.")
@handle_errors
def info_command(data_dir: Path | None, with_gazetteer: bool) -> None:
    """Print, as JSON, where the pack is, its files, sizes and hash checks."""
    report = info(data_dir)
    if with_gazetteer and report["complete"]:
        from gazetteer import Gazetteer

        try:
            report["gazetteer"] = Gazetteer.default(data_dir=report["data_dir"]).info()
        except GeoError as exc:  # a pack that is present but unreadable is worth reporting, not fatal
            report["gazetteer"] = {"error": str(exc).splitlines()[0]}
    emit_json(report)


@data.command("path")
def path_command() -> None:
    """Print the folder of the data pack in use; exit 1 when there is none."""
    path = find_data_dir()
    if path is None:
        raise click.ClickException(f"no data pack found; `geo data fetch` builds one in {default_data_dir()}")
    click.echo(path)
