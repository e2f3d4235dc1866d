"""``geo resolve``: candidates for a place name, as JSON."""

from __future__ import annotations

import click

from ._common import data_dir_option, emit_json, handle_errors, load_gazetteer, no_datapack_option


@click.command()
@click.argument("name")
@click.option("--context", "-c", default=None, help="Admin names or text around the mention, e.g. 'Ayna, La Mar'.")
@click.option("--limit", "-n", default=5, show_default=True, type=click.IntRange(1, 100), help="Most candidates.")
@click.option("--kind", "kinds", multiple=True, help="Only these kinds (repeatable): district, military_base, river…")
@click.option("--verbose", "-v", is_flag=True, help="Print the status and reason as well (an object, not an array).")
@data_dir_option
@no_datapack_option
@handle_errors
def resolve(name: str, context: str | None, limit: int, kinds: tuple[str, ...], verbose: bool,
            data_dir, no_datapack: bool) -> None:
    """Print the places NAME may refer to, best first, as a JSON array.

    \b
    Examples:
      geo resolve Kepashiato
      geo resolve Sanabamba --context "district of Ayna, La Mar"
      geo resolve "province of Huanta"
    """
    gaz = load_gazetteer(data_dir, no_datapack)
    try:
        res = gaz.resolve(name, context=context, limit=limit, kinds=kinds or None)
    except ValueError as exc:  # an unknown --kind
        raise click.BadParameter(str(exc), param_hint="--kind") from exc
    if res.status != "ok":
        click.echo(f"{res.status}: {res.reason}", err=True)
    if verbose:
        emit_json(res.to_dict())
    else:
        emit_json([dict(c.to_dict(), status=res.status) for c in res.candidates])
