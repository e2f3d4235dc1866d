"""``geo query``: filter events by type, actor, date, area and distance; nearest bases; counts."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (check_output, data_dir_option, emit_json, handle_errors, is_stdout, load_gazetteer,
                      no_datapack_option)
from .export import (check_layer_output, emit_events, format_option, open_events, output_option, overwrite_option,
                     warnings_to_stderr)


def _point_or_place(value: str | None):
    """``"-73.9,-12.4"`` -> (lon, lat); anything else is a place name or id."""
    if value is None:
        return None
    parts = value.split(",")
    if len(parts) == 2:
        try:
            return float(parts[0]), float(parts[1])
        except ValueError:
            pass
    return value


def _check_types(events, column: str, wanted) -> None:
    """A type that matches no event is named, with the types the input has (a typo, not an empty result)."""
    if not wanted or column not in events:
        return
    from gazetteer.names import fold

    present = sorted(set(events[column].dropna().astype(str)))
    folded = {fold(p) for p in present}
    missing = [w for w in wanted if fold(w) not in folded]
    if not missing:
        return
    from geo.events.validate import ACLED_TYPES

    option = "--type" if column == "event_type" else "--sub-type"
    message = (f"{option} {', '.join(map(repr, missing))} matches no event; "
               f"the input has: {'; '.join(present) if present else 'none'}")
    known = {fold(t) for t in ACLED_TYPES}
    if column == "event_type" and any(fold(w) not in known for w in missing):
        raise click.ClickException(message)  # not an ACLED type: a typo, not an empty answer
    click.echo(f"warning: {message}", err=True)


@click.command()
@click.argument("input", metavar="INPUT")
@click.option("--type", "types", multiple=True, help="ACLED event type (repeatable), e.g. Battles.")
@click.option("--sub-type", "sub_types", multiple=True, help="ACLED sub-event type (repeatable), e.g. 'Armed clash'.")
@click.option("--actor", default=None, help="Text in actor1 or actor2, e.g. 'Sendero'.")
@click.option("--since", default=None, help="First date, inclusive (YYYY-MM-DD).")
@click.option("--until", default=None, help="Last date, inclusive (YYYY-MM-DD).")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["ok", "ambiguous", "unresolved", "invalid"]),
              help="Keep rows of this status (repeatable).")
@click.option("--min-precision", default=None,
              type=click.Choice(["point", "near", "district", "province", "department", "region", "country"]),
              help="Keep events located at least this finely "
                   "(district: drop rows placed at a province or coarser).")
@click.option("--within", "area", default=None,
              help="Region or admin unit: a name (VRAEM, Huanta), a place id or a UBIGEO code (0504).")
@click.option("--near", default=None, metavar="PLACE|LON,LAT", help="Keep events within --km of a place or point.")
@click.option("--km", type=float, default=None, help="Radius for --near, in kilometres.")
@click.option("--geodesic", is_flag=True, help="Measure --near distances on the ellipsoid (default: UTM 18S).")
@click.option("--nearest-base", is_flag=True, help="Add the nearest military or police base and its distance.")
@click.option("--max-km", type=float, default=None, help="With --nearest-base: leave bases farther than this empty.")
@click.option("--count-by", type=click.Choice(["district", "province", "department"]), default=None,
              help="Print counts per admin unit instead of events.")
@click.option("--per", "period", type=click.Choice(["month", "year"]), default=None,
              help="With --count-by: also per month or year.")
@output_option
@overwrite_option
@format_option
@data_dir_option
@no_datapack_option
@handle_errors
def query(input: str, types, sub_types, actor, since, until, statuses, min_precision, area, near, km, geodesic,
          nearest_base, max_km, count_by, period, output: Path | None, overwrite: bool, fmt, data_dir,
          no_datapack) -> None:
    """Select events from INPUT (a layer, a raw events table, or - for GeoJSON on stdin).

    Filters apply in this order: type, actor, dates, status, --within,
    --near; then --nearest-base adds columns and --count-by summarises.
    Events go out as GeoJSON (or to -o); counts as JSON records (or -o .csv/.json).

    \b
    Examples:
      geo query events.gpkg --within VRAEM --since 2014-01-01 --until 2014-12-31
      geo query events.gpkg --near Pichari --km 30 --nearest-base -o near.geojson
      geo query events.gpkg --type Battles --count-by district --per year
    """
    from geo import export
    from geo import query as q

    if near is not None and km is None:
        raise click.UsageError("--near needs --km")
    if km is not None and near is None:
        raise click.UsageError("--km needs --near")
    if period and not count_by:
        raise click.UsageError("--per needs --count-by")
    if count_by:
        check_output(output, overwrite)  # a table: .csv or .json, checked when written
    else:
        check_layer_output(output, overwrite, fmt)
    gaz_cache = []

    def gaz():
        if not gaz_cache:
            gaz_cache.append(load_gazetteer(data_dir, no_datapack))
        return gaz_cache[0]

    with warnings_to_stderr():
        events = open_events(input, gaz_loader=gaz)
        _check_types(events, "event_type", types)
        _check_types(events, "sub_event_type", sub_types)
        events = q.filter_events(events, event_type=types or None, sub_event_type=sub_types or None,
                                 actor=actor, start=since, end=until, status=statuses or None,
                                 min_precision=min_precision)
        if area:
            events = q.within(events, area, gaz=gaz())
        if near is not None:
            events = q.within_distance(events, _point_or_place(near), km, gaz=gaz(),
                                       method="geodesic" if geodesic else "utm")
        if nearest_base:
            events = q.nearest_base(events, gaz=gaz(), max_km=max_km)
        if count_by:
            table = q.counts(events, by=count_by, period=period)
            if is_stdout(output):
                emit_json(export.table_records(table))
            else:
                export.write_table(table, output, overwrite=overwrite)
            click.echo(f"{len(table)} {count_by} rows from {len(events)} events -> {output or 'stdout'}", err=True)
            return
        emit_events(events, output, fmt=fmt, overwrite=overwrite)
    click.echo(f"{len(events)} events -> {output or 'stdout'}", err=True)
