"""Options and error handling shared by the subcommands."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from gazetteer.errors import GeoError, InvalidInputError, OutputExistsError

__all__ = ["handle_errors", "data_dir_option", "emit_json", "check_output", "is_stdout", "read_document",
           "load_gazetteer"]

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
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:
            # The last line of defence: a bug still gets one line, not a traceback.
            if os.environ.get("GEO_DEBUG"):
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise click.ClickException(f"unexpected {type(exc).__name__}: {first} "
                                       "(a bug: please report it; GEO_DEBUG=1 shows the traceback)") from exc

    return wrapper


def emit_json(value: Any) -> None:
    """Write ``value`` as JSON on stdout.

    A GeoJSON FeatureCollection goes out one feature per line, each encoded
    by the C encoder and written in blocks (indented JSON is encoded in
    pure Python, which cost more than parsing); other values are indented.
    """
    if isinstance(value, dict) and value.get("type") == "FeatureCollection" and set(value) == {"type", "features"}:
        dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
        write = sys.stdout.write
        write('{"type": "FeatureCollection", "features": [')
        features = value["features"]
        for i in range(0, len(features), 1000):
            block = features[i:i + 1000]
            write(("," if i else "") + "\n" + ",\n".join(map(dumps, block)))
        write("\n]}\n")
        return
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write("\n")


def read_document(path: Path | str) -> str:
    """The text of a file (or ``-`` for stdin) exactly as written: line endings kept, so offsets slice it.

    UTF-8 (a byte-order mark is dropped); other bytes are read as cp1252 with a warning.
    """
    data = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        click.echo(f"warning: {path} is not UTF-8 (byte {exc.start}); read it as cp1252", err=True)
        return data.decode("cp1252", errors="replace")


def is_stdout(path: Path | str | None) -> bool:
    """Whether an ``-o`` value means standard output (none given, or ``-``)."""
    return path is None or str(path) == "-"


def check_output(path: Path | None, overwrite: bool) -> None:
    """Refuse an output path that cannot be written, before any work is done.

    An existing file (or a symlink, even a dangling one) is kept unless
    ``overwrite``; a missing folder or one we cannot write to is named.
    """
    if is_stdout(path):
        return
    if os.path.lexists(path) and not overwrite:
        raise OutputExistsError(f"{path} exists; pass --overwrite to replace it")
    parent = Path(path).absolute().parent
    if not parent.is_dir():
        raise InvalidInputError(f"cannot write {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InvalidInputError(f"cannot write {path}: the folder {parent} is not writable")
