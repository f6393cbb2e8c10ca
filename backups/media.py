"""The uploaded files (MEDIA_ROOT: customer photos, attachments) of a backup: archived when it is
written; when it is verified, counted, and every file the restored database names (file_columns)
found in it; extracted by a restore."""

import io
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext as _

from backups import crypto
from backups.crypto import Identity
from backups.errors import BackupError
from backups.files import ENCRYPTED, MEDIA_FILE


def archive_media(path: Path, report) -> dict:
    """Every file under MEDIA_ROOT, uncompressed (photos are compressed already)."""
    media_root = Path(settings.MEDIA_ROOT)
    report(_("Archiving uploaded files"))
    files = total = 0
    with tarfile.open(path, "w") as tar:
        if media_root.is_dir():
            for file in sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()):
                tar.add(file, arcname=str(file.relative_to(media_root)), recursive=False)
                files += 1
                total += file.stat().st_size
                if files % 200 == 0:
                    report(_("Archiving uploaded files: %(n)s so far") % {"n": files}, quiet=True)
    return {"files": files, "bytes": total}


@contextmanager
def open_media_archive(path: Path, manifest: dict, identity: Identity | None) -> Iterator[tarfile.TarFile]:
    """The media archive opened for reading front to back (decrypted on the fly when encrypted)."""
    if identity is None:
        with tarfile.open(path / MEDIA_FILE, mode="r|") as tar:
            yield tar
        return
    reader = crypto.DecryptingReader(path / (MEDIA_FILE + ENCRYPTED), identity)
    stream = io.BufferedReader(reader, buffer_size=1 << 20)
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            yield tar
        while stream.read(1 << 20):  # read to the end: the last chunk proves the file is whole
            pass
    finally:
        stream.close()


def media_names(tar: tarfile.TarFile, manifest: dict) -> set[str]:
    """The names of the media archive's files, checked against the manifest's count."""
    with tar:
        names = {member.name for member in tar if member.isfile()}
    if len(names) != manifest.get("media", {}).get("files"):
        raise BackupError(_("The media archive holds %(n)s files, the manifest says %(m)s.") % {
            "n": len(names), "m": manifest.get("media", {}).get("files")})
    return names


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field stored on the local disk (customer photos, attachments):
    the names a restored database holds there must all be in the media archive. A field on other
    storage (attachments on S3) is that storage's to keep."""
    return [(model._meta.db_table, field.column)
            for model in django_apps.get_models() for field in model._meta.concrete_fields
            if isinstance(field, models.FileField) and isinstance(field.storage, FileSystemStorage)]


def named_files(conn, columns: list[tuple[str, str]]) -> set[str]:
    """Every file name the database on `conn` holds in `columns`."""
    names = set()
    with conn.cursor() as cur:
        for table, column in columns:
            cur.execute(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" <> \'\'')
            names.update(row[0] for row in cur.fetchall())
    return names


def check_named_files(named: set[str], archived: set[str]) -> None:
    missing = sorted(named - archived)
    if missing:
        raise BackupError(_("%(n)s uploaded files the database names are not in the media archive, e.g. %(name)s.")
                          % {"n": len(missing), "name": missing[0]})


def restore_media(path: Path, manifest: dict, identity: Identity | None, media_root: Path) -> int:
    """Extract every file of the media archive under `media_root`; return how many."""
    media_root.mkdir(parents=True, exist_ok=True)
    media_files = 0
    with open_media_archive(path, manifest, identity) as tar:
        for member in tar:
            if member.isfile():
                tar.extract(member, media_root, filter="data")  # the "data" filter refuses paths outside media_root
                media_files += 1
    return media_files
