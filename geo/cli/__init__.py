"""The ``geo`` command: one entry point, one module per subcommand.

Results go to stdout (JSON/GeoJSON, so commands compose in pipes); messages,
warnings and progress bars to stderr. Library errors become a one-line
message and exit status 1; usage errors exit 2.
"""

from __future__ import annotations

import importlib

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


class _LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name in _COMMANDS if self._load(name) is not None]

    def get_command(self, ctx, name):
        return self._load(name)

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
def main() -> None:
    """Map insurgent activity: resolve places, geocode events, query, export and map them.

    Offline by default: a curated VRAEM gazetteer and GeoNames ship with the
    package; `geo data fetch` adds the Peru data pack (INEI's populated places
    and district polygons), or set GEO_DATA_DIR to a folder that holds it.
    """
