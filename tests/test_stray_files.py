"""The watch on what a test run leaves in the system temp dir or var/private (tests/stray_files.py)."""

import os
import shutil
import tempfile
from pathlib import Path

from tests.stray_files import watching


def test_it_names_what_was_created_and_left_and_nothing_else(tmp_path):
    watched, elsewhere = tmp_path / "watched", tmp_path / "elsewhere"
    watched.mkdir(), elsewhere.mkdir()
    (watched / "before.txt").write_text("there already")
    with watching([watched]) as watch:
        (watched / "left.txt").write_text("x")
        descriptor, made = tempfile.mkstemp(dir=watched)
        os.close(descriptor)
        folder = tempfile.mkdtemp(prefix="crm-test-media-", dir=watched)
        Path(folder, "photo.jpg").write_bytes(b"\xff")
        cleaned = tempfile.mkdtemp(dir=watched)
        shutil.rmtree(cleaned)
        with tempfile.TemporaryFile(dir=watched) as scratch:
            scratch.write(b"gone when closed")
        (watched / "before.txt").read_text()
        (elsewhere / "fine.txt").write_text("not watched")
    assert watch.left() == sorted([str(watched / "left.txt"), made, folder])
    (watched / "after.txt").write_text("not watched any more")
    assert str(watched / "after.txt") not in watch.left()
