"""Atomic file writes: a crash or an error never leaves half a file.

Everything the toolkit writes (index caches, downloads, maps, exports,
partitions) goes through a temporary file beside its target and is moved
into place with :func:`os.replace` only when complete (as pooch's
``stream_download`` does).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputExistsError

__all__ = ["publish", "replacing", "write_bytes", "write_text"]


def _mode_for(path: Path) -> int:
    """The mode of the file being replaced, else 0666 less the umask (``mkstemp`` would give 0600)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_bytes(path: str | os.PathLike, data: bytes, *, exclusive: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (missing folders are made).

    With ``exclusive``, the file is published only if ``path`` does not
    exist at that moment (see :func:`publish`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        publish(Path(tmp), path, exclusive=exclusive)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8", exclusive: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically."""
    return write_bytes(path, text.encode(encoding), exclusive=exclusive)


def publish(tmp: Path, path: Path, *, exclusive: bool = False) -> None:
    """Move the finished ``tmp`` onto ``path`` in one step.

    ``exclusive`` makes the move fail with :class:`OutputExistsError` when
    ``path`` exists (a hard link is created only if the name is free, so of
    two writers racing for a new file exactly one wins; a dangling symlink
    counts as existing). Otherwise ``path`` is replaced.
    """
    if not exclusive:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputExistsError(f"{path} exists (written meanwhile?); pass --overwrite to replace it") from None
    except OSError:
        # A file system without hard links: the best check there is, just before the move.
        if os.path.lexists(path):
            raise OutputExistsError(f"{path} exists (written meanwhile?); pass --overwrite to replace it") from None
        os.replace(tmp, path)
        return
    tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def replacing(path: str | os.PathLike, *, exclusive: bool = False) -> Iterator[Path]:
    """A temporary path to write ``path``'s new content to, moved onto it if the block succeeds.

    For libraries that write files themselves (GDAL, pyarrow)::

        with replacing("events.gpkg") as tmp:
            frame.to_file(tmp)

    The temporary folder is removed however the block ends (an error, or
    SIGINT/SIGTERM in the command line, which exits through Python).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        yield folder / path.name
        publish(folder / path.name, path, exclusive=exclusive)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
