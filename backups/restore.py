"""Verify a backup (checksums, then a real restore into a scratch database) and restore one."""

import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from backups import crypto
from backups.crypto import CryptoError, Identity
from backups.errors import BackupError
from backups.files import (
    backup_path,
    check_files,
    identity_for,
    is_encrypted,
    plaintext_dump,
    read_manifest,
    written_verification_message,
)
from backups.media import check_named_files, file_columns, media_names, named_files, open_media_archive, restore_media
from backups.models import Backup
from backups.postgres import (
    Target,
    check_counts,
    client_tools,
    restore_dump,
    restore_into_scratch,
    row_counts,
    user_tables,
)
from backups.progress import Progress, Reporter


@dataclass
class VerifyOutcome:
    name: str
    ok: bool
    message: str
    seconds: float


def backup_verify_start(*, backup: Backup, by=None) -> None:
    """Mark a backup as being verified (the page shows it), unless it cannot be."""
    if not backup.succeeded or backup.is_busy:
        raise BackupError(_("Backup %(name)s cannot be verified now.") % {"name": backup.name})
    Backup.objects.filter(pk=backup.pk).update(verification=Backup.Verification.VERIFYING,
                                               progress=_("Waiting for the task worker"))


def backup_verify(*, name: str, identity: Identity | None = None, echo: Progress | None = None) -> VerifyOutcome:
    """Check the checksums of the stored files; then, for an unencrypted backup or when the private
    key is given (or in the environment), restore the dump into a scratch database and compare every
    table's row count with the manifest. An encrypted backup without the key: the checksums of the
    ciphertext, and the restore test it passed when it was written. The result goes on the catalogue row."""
    started = time.monotonic()
    backup = Backup.objects.filter(name=name).first() if _catalogue_exists() else None
    report = Reporter(backup, echo)
    try:
        path = backup_path(name)
        manifest = read_manifest(path)
        report(_("Checking checksums"))
        check_files(path, manifest)
        if is_encrypted(manifest) and identity is None:
            identity = crypto.identity_from_environment()
        if is_encrypted(manifest) and identity is None:
            message = _("Checksums of the encrypted files match. %(written)s A new restore test needs the private "
                        "key (manage.py verify_backup --private-key FILE).") % {
                "written": written_verification_message(manifest)}
        else:
            identity = identity_for(manifest, identity)
            with open_media_archive(path, manifest, identity) as tar:
                archived = media_names(tar, manifest)
            report(_("Restoring into a scratch database"))
            columns = file_columns()
            with plaintext_dump(path, manifest, identity, report) as dump:
                restored = restore_into_scratch(
                    dump, manifest.get("excluded_table_data", []), report,
                    inspect=lambda conn: check_named_files(named_files(conn, columns), archived))
            check_counts(manifest, restored)
            message = _("%(tables)s tables, %(rows)s rows restored and counted; checksums match.") % {
                "tables": len(restored), "rows": sum(restored.values())}
        ok = True
    except (BackupError, CryptoError, tarfile.TarError, OSError, psycopg2.Error) as error:
        message, ok = str(error), False
    seconds = time.monotonic() - started
    if backup is not None:
        Backup.objects.filter(pk=backup.pk).update(
            verification=Backup.Verification.VERIFIED if ok else Backup.Verification.FAILED,
            verified_at=timezone.now(), verify_message=message, progress="")
    return VerifyOutcome(name, ok, message, seconds)


def _catalogue_exists() -> bool:
    return Backup._meta.db_table in connections["default"].introspection.table_names()


@dataclass
class RestoreOutcome:
    name: str
    database: str
    tables: int
    rows: int
    media_files: int
    database_seconds: float
    media_seconds: float


def backup_restore(*, name: str, database_url: str, media_root: Path | None, force: bool = False,
                   identity: Identity | None = None, echo: Progress | None = None) -> RestoreOutcome:
    """Restore a backup into the database at `database_url` (which must be empty unless `force`)
    and its media into `media_root` (None: skip the media). Checks every checksum, and that the
    private key fits an encrypted backup, before it changes anything. Sessions and login lockouts
    are not in a backup: everyone starts logged out."""
    report = Reporter(None, echo)
    path = backup_path(name)
    manifest = read_manifest(path)
    report(_("Checking checksums"))
    check_files(path, manifest)
    identity = identity_for(manifest, identity)
    target = Target.from_url(database_url)
    conn = target.connect()
    conn.autocommit = True
    try:
        tools = client_tools(target, conn)
        existing = user_tables(conn)
        if existing and not force:
            raise BackupError(_("The database %(db)s is not empty (%(n)s tables). Restore into an empty "
                                "database, or pass --force to replace its contents.") % {"db": target.dbname, "n": existing})
        if media_root is not None and media_root.is_dir() and any(media_root.iterdir()) and not force:
            raise BackupError(_("%(dir)s is not empty. Restore the media into an empty directory, or pass --force.")
                              % {"dir": media_root})
        started = time.monotonic()
        with plaintext_dump(path, manifest, identity, report) as dump:
            if existing:
                report(_("Replacing the contents of %(db)s (--force)") % {"db": target.dbname})
                with conn.cursor() as cur:
                    cur.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public AUTHORIZATION pg_database_owner")
            report(_("Restoring the database into %(db)s") % {"db": target.dbname})
            restore_dump(target, tools, dump, report)
        restored = row_counts(conn, manifest.get("excluded_table_data", []))
        database_seconds = time.monotonic() - started
    finally:
        conn.close()
    check_counts(manifest, restored)
    started = time.monotonic()
    media_files = 0
    if media_root is not None:
        report(_("Restoring uploaded files into %(dir)s") % {"dir": media_root})
        media_files = restore_media(path, manifest, identity, media_root)
    return RestoreOutcome(name, target.dbname, len(restored), sum(restored.values()), media_files,
                          database_seconds, time.monotonic() - started)
