"""The ``geo`` command: one entry point, one module per subcommand.

Results go to stdout (JSON/GeoJSON, so commands compose in pipes); messages,
warnings and progress bars to stderr. Library errors become a one-line
message and exit status 1; usage errors exit 2.
"""

from __future__ import annotations

import difflib
import importlib
import logging
import signal
import threading

import click

__all__ = ["main"]

# subcommand name -> (module, attribute); modules are imported on first use so
# `geo resolve` does not pay for folium or dask.
_COMMANDS = {
    "resolve": ("geo.cli.resolve", "resolve"),
    "data": ("geo.cli.data", "data"),
    "geocode": ("geo.cli.geocode", "geocode"),
    "export": ("geo.cli.export", "export"),
    "query": ("geo.cli.query", "query"),
    "map": ("geo.cli.map", "map_command"),
    "parse": ("geo.cli.parse", "parse"),
    "extract": ("geo.cli.extract", "extract"),
}


class _Stderr(logging.Handler):
    """Log records as plain lines on whatever stderr is now (click's test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(record.getMessage(), err=True)


class _LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name in _COMMANDS if self._load(name) is not None]

    def get_command(self, ctx, name):
        return self._load(name)

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and name not in _COMMANDS and not name.startswith("-"):
            close = difflib.get_close_matches(name, list(_COMMANDS), n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint} Commands: {', '.join(_COMMANDS)}.")
        return super().resolve_command(ctx, args)

    @staticmethod
    def _load(name):
        target = _COMMANDS.get(name)
        if target is None:
            return None
        try:
            module = importlib.import_module(target[0])
        except ModuleNotFoundError as exc:
            if exc.name == target[0]:
                return None  # subcommand not available in this build
            raise
        return getattr(module, target[1])


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="geo-insurgency")
@click.option("-q", "--quiet", is_flag=True, help="Say only warnings and errors on stderr.")
def main(quiet: bool) -> None:
    """Map insurgent activity: resolve places, geocode events, query, export and map them.

    Offline by default: a curated VRAEM gazetteer and GeoNames ship with the
    package; `geo data fetch` adds the Peru data pack (INEI's populated places
    and district polygons), or set GEO_DATA_DIR to a folder that holds it.
    """
    # The library logs what it decided (how columns were read) at INFO; the command says it on stderr.
    log = logging.getLogger("geo")
    if not any(isinstance(h, _Stderr) for h in log.handlers):
        log.addHandler(_Stderr())
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    # SIGTERM ends the command through Python, as Ctrl-C does, so temporary files are removed.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)
