"""A backup downloaded from the page: its directory as one tar stream, never whole in memory."""

import tarfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from backups.errors import BackupError
from backups.files import MANIFEST_FILE, backup_path, read_manifest, stored_files

_BLOCK = 512


def _tar_header(name: str, size: int, mtime: float) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o644
    return info.tobuf(format=tarfile.PAX_FORMAT)


def archive_members(name: str) -> list[tuple[str, Path]]:
    """The manifest and the stored files (ciphertext when the backup is encrypted)."""
    path = backup_path(name)
    files = [MANIFEST_FILE, *stored_files(read_manifest(path))]
    return [(f"{name}/{f}", path / f) for f in files if (path / f).is_file()]


def archive_size(name: str) -> int:
    total = 2 * _BLOCK
    for arcname, file in archive_members(name):
        size = file.stat().st_size
        total += len(_tar_header(arcname, size, file.stat().st_mtime)) + -(-size // _BLOCK) * _BLOCK
    return total


def iter_archive(name: str, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The backup directory as one tar stream, produced piece by piece (never whole in memory)."""
    for arcname, file in archive_members(name):
        stat = file.stat()
        yield _tar_header(arcname, stat.st_size, stat.st_mtime)
        sent = 0
        with open(file, "rb") as f:
            while (data := f.read(min(chunk, stat.st_size - sent))) and sent < stat.st_size:
                sent += len(data)
                yield data
        if sent != stat.st_size:
            raise BackupError(_("%(file)s changed while it was downloaded.") % {"file": arcname})
        if sent % _BLOCK:
            yield b"\0" * (_BLOCK - sent % _BLOCK)
    yield b"\0" * (2 * _BLOCK)
