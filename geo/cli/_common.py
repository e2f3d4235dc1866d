"""Options and error handling shared by the subcommands."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from gazetteer.errors import GeoError, OutputExistsError

__all__ = ["handle_errors", "data_dir_option", "emit_json", "check_output", "load_gazetteer"]

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Peru data pack folder (default: $GEO_DATA_DIR, then the user cache).",
)
no_datapack_option = click.option(
    "--no-datapack", is_flag=True, help="Use only the embedded gazetteer (curated + GeoNames).",
)


def load_gazetteer(data_dir: Path | None, no_datapack: bool = False):
    from gazetteer import Gazetteer

    return Gazetteer.default(data_dir=False if no_datapack else data_dir)


def handle_errors(func: Callable) -> Callable:
    """Turn library errors into one line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            return func(*args, **kwargs)
        except BrokenPipeError:
            # The reader of stdout went away (`geo ... | head`): not an error.
            # Point stdout at devnull so the interpreter's last flush is quiet.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(0)
        except GeoError as exc:
            raise click.ClickException(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc

    return wrapper


def emit_json(value: Any) -> None:
    """Write ``value`` as JSON on stdout."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write("\n")


def check_output(path: Path, overwrite: bool) -> None:
    """Refuse to overwrite an existing output unless asked to."""
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists; pass --overwrite to replace it")
