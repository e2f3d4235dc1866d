"""Atomic writes: nothing half-written, readable modes, failures leave the old file."""

import os
import stat

import pytest

from gazetteer.atomic import replacing, write_bytes, write_text


def test_write_then_replace(tmp_path):
    path = tmp_path / "sub" / "out.txt"
    write_text(path, "first")
    write_text(path, "second")
    assert path.read_text() == "second"
    assert list(path.parent.iterdir()) == [path]


def test_new_files_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_bytes(tmp_path / "map.html", b"<html></html>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "events.gpkg"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with replacing(path) as tmp:
            tmp.write_text("half")
            raise RuntimeError("GDAL failed")
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]
