"""Backups: a consistent dump of the database plus the uploaded media, verified by a real
restore before it is kept, encrypted for the company's public key, checksummed, pruned by a
retention policy (SPEC §8.4, §9).

A backup is a directory `BACKUP_DIR/<name>/` holding
  database.dump.enc  pg_dump custom format, taken from one exported snapshot, encrypted
  media.tar.enc      every file under MEDIA_ROOT (customer photos), encrypted
  manifest.json      time, app version, migration state, per-table row counts of that same
                     snapshot, the encryption key's fingerprint, the size and SHA-256 of each
                     file as stored and of its plaintext, and the result of the restore test.
Without a configured key (a demo) the two files are stored unencrypted, without `.enc`.

A backup never holds what would let its reader log in as someone else: the rows of sessions
and login-lockout tables are left out (their schema is kept), so a restore starts with everyone
logged out. Password hashes are kept (accounts work after a restore) and are encrypted with
everything else: the backup operator downloads ciphertext only (docs/security.md, 19.1).

The dump is restored into a scratch database and counted BEFORE it is encrypted, because the
server holds only the public key; the stored files' checksums are of the ciphertext. Later
verifications check those checksums, and restore again when given the private key.

It is written under a temporary name and renamed into place only when complete, so a failed
run never leaves half a backup and never touches a good one. The directory alone is enough to
verify or restore (a fresh machine has no catalogue); the `backups.Backup` rows feed the page.

This module writes a backup; backups/restore.py verifies and restores one, backups/postgres.py
runs the client tools, backups/files.py and backups/media.py read and write the files.
"""

import json
import os
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from backups import crypto
from backups.crypto import CryptoError
from backups.errors import BackupError
from backups.files import (
    DUMP_FILE,
    ENCRYPTED,
    MANIFEST_FILE,
    MANIFEST_FORMAT,
    MEDIA_FILE,
    PARTIAL_PREFIX,
    backup_dir,
    fsync_dir,
    fsync_tree,
    sha256_of,
    written_verification_message,
)
from backups.media import archive_media, check_named_files, file_columns, media_names, named_files
from backups.models import STALE_AFTER, Backup
from backups.postgres import (
    ClientTools,
    Target,
    check_counts,
    client_tools,
    default_target,
    excluded_table_data,
    migration_state,
    restore_into_scratch,
    row_counts,
    run_tool,
)
from backups.progress import Progress, Reporter
from backups.retention import backups_prune

# pg_try_advisory_lock key: one backup at a time, whoever starts it (cron, the page, a person).
LOCK_KEY = 0x0C4D_BAC0


def _app_version() -> str:
    try:
        version = metadata.version("crm")
    except metadata.PackageNotFoundError:
        version = "unknown"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR,
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        commit = ""
    return f"{version}+{commit}" if commit else version


@dataclass(frozen=True)
class EncryptionStatus:
    """What the backups page says about encryption: the key's fingerprint, or why there is none."""

    fingerprint: str = ""
    error: str = ""


def encryption_status() -> EncryptionStatus:
    try:
        recipient = crypto.configured_recipient()
    except CryptoError as error:
        return EncryptionStatus(error=str(error))
    return EncryptionStatus(fingerprint=recipient.fingerprint if recipient else "")


def _new_name() -> str:
    base = "crm-" + datetime.now(dt_timezone.utc).strftime("%Y%m%d-%H%M%S")
    name, n = base, 1
    while (backup_dir() / name).exists() or Backup.objects.filter(name=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def backup_start(*, by=None) -> Backup:
    """Open a catalogue row for a new backup, unless one is already running (BackupError)."""
    stale = timezone.now() - STALE_AFTER
    Backup.objects.filter(status=Backup.Status.RUNNING, started_at__lte=stale).update(
        status=Backup.Status.FAILED, error="Interrupted: the process running it stopped.", progress="")
    running = Backup.objects.filter(status=Backup.Status.RUNNING).first()
    if running:
        raise BackupError(_("Backup %(name)s is already running.") % {"name": running.name})
    return Backup.objects.create(name=_new_name(), created_by=by if getattr(by, "pk", None) else None,
                                 progress=_("Waiting for the task worker"))


@dataclass
class BackupOutcome:
    name: str
    path: Path
    manifest: dict
    seconds: float
    pruned: list[str]


def backup_run(*, backup: Backup | None = None, prune: bool = True, echo: Progress | None = None) -> BackupOutcome:
    """Write one backup (see the module docstring), record it on `backup`, then apply retention.

    Not one transaction: progress must be visible while it runs; each catalogue update stands alone.
    """
    started = time.monotonic()
    name = backup.name if backup else _new_name()
    report = Reporter(backup, echo)
    root = backup_dir()
    partial = root / f"{PARTIAL_PREFIX}{name}"
    conn = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        if (root / name).exists():
            raise BackupError(_("%(path)s already exists.") % {"path": root / name})
        recipient = crypto.configured_recipient()  # a key that is set but unreadable stops here
        target = default_target()
        conn = target.connect()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cur.fetchone()[0]:
                raise BackupError(_("Another backup is running on this database."))
        tools = client_tools(target, conn)
        partial.mkdir(mode=0o700)  # the plaintext lives here until it is encrypted
        manifest = _dump(conn, target, tools, partial, report)
        manifest["media"] = archive_media(partial / MEDIA_FILE, report)
        report(_("Computing checksums"))
        plaintext = {f: {"size": (partial / f).stat().st_size, "sha256": sha256_of(partial / f)} for f in (DUMP_FILE, MEDIA_FILE)}
        manifest["verified"] = _verify_plaintext(partial, manifest, report)
        manifest["files"], manifest["encryption"] = _seal(partial, plaintext, recipient, report)
        manifest["seconds"] = round(time.monotonic() - started, 1)
        (partial / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        fsync_tree(partial)
        os.rename(partial, root / name)  # atomic: the backup appears complete or not at all
        fsync_dir(root)
    except BaseException as error:  # also a KeyboardInterrupt: no plaintext is left behind
        shutil.rmtree(partial, ignore_errors=True)
        if not isinstance(error, Exception):
            raise
        message = str(error) if isinstance(error, BackupError | CryptoError) else f"{type(error).__name__}: {error}"
        if backup is not None:
            Backup.objects.filter(pk=backup.pk).update(
                status=Backup.Status.FAILED, error=message, progress="", finished_at=timezone.now())
        if isinstance(error, BackupError):
            raise
        raise BackupError(message) from error
    finally:
        if conn is not None:
            conn.close()  # also releases the advisory lock

    size = sum(p.stat().st_size for p in (root / name).iterdir())
    if backup is not None:
        Backup.objects.filter(pk=backup.pk).update(
            status=Backup.Status.SUCCEEDED, progress="", size=size, manifest=manifest,
            table_count=len(manifest["tables"]), row_total=sum(manifest["tables"].values()),
            finished_at=timezone.now(), verification=Backup.Verification.VERIFIED,
            verified_at=timezone.now(), verify_message=written_verification_message(manifest))
    pruned = backups_prune() if prune else []
    return BackupOutcome(name, root / name, manifest, time.monotonic() - started, pruned)


def _dump(conn, target: Target, tools: ClientTools, partial: Path, report) -> dict:
    """pg_dump from an exported snapshot; the counts and migration state come from that same snapshot."""
    conn.autocommit = False
    conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_export_snapshot(), current_setting('server_version'), pg_database_size(current_database())")
        snapshot, server_version, database_size = cur.fetchone()
    report(_("Counting rows"))
    excluded = excluded_table_data()
    counts = row_counts(conn, excluded)
    manifest = {
        "format": MANIFEST_FORMAT,
        "name": partial.name.removeprefix(PARTIAL_PREFIX),
        "created_at": timezone.now().isoformat(),
        "app_version": _app_version(),
        "database": target.dbname,
        "server_version": server_version,
        "pg_dump_version": tools.version,
        "database_size": database_size,
        "migrations": migration_state(conn),
        "excluded_table_data": excluded,
        "tables": counts,
    }
    dump = partial / DUMP_FILE
    command = [tools("pg_dump"), "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dump}"]
    command += [f"--exclude-table-data=public.{table}" for table in excluded]
    report(_("Dumping the database"))

    def poll():
        written = dump.stat().st_size if dump.exists() else 0
        report(_("Dumping the database: %(mb)s MB written") % {"mb": written // 1_000_000}, quiet=True)

    run_tool(command, env=target.env(), what="pg_dump", poll=poll)
    conn.commit()
    return manifest


def _verify_plaintext(partial: Path, manifest: dict, report) -> dict:
    """Restore the fresh dump into a scratch database and count every table and the media archive's
    files against the manifest, before anything is encrypted (the server cannot decrypt)."""
    archived = media_names(tarfile.open(partial / MEDIA_FILE, mode="r|"), manifest)
    media_files = len(archived)
    report(_("Restoring into a scratch database"))
    columns = file_columns()
    restored = restore_into_scratch(partial / DUMP_FILE, manifest["excluded_table_data"], report,
                                    inspect=lambda conn: check_named_files(named_files(conn, columns), archived))
    check_counts(manifest, restored)
    return {"at": timezone.now().isoformat(), "tables": len(restored), "rows": sum(restored.values()),
            "media_files": media_files}


def _seal(partial: Path, plaintext: dict, recipient, report) -> tuple[dict, dict | None]:
    """Encrypt both files for `recipient` and delete their plaintext; return the manifest's "files"
    (checksums of what is stored) and "encryption" entries. Without a recipient, store as they are."""
    if recipient is None:
        return plaintext, None
    files = {}
    for filename in (DUMP_FILE, MEDIA_FILE):
        report(_("Encrypting %(file)s") % {"file": filename})
        sealed = partial / (filename + ENCRYPTED)
        size, sha256 = crypto.encrypt_file(partial / filename, sealed, recipient)
        if (size, sha256) != (plaintext[filename]["size"], plaintext[filename]["sha256"]):
            raise BackupError(_("%(file)s changed while it was encrypted.") % {"file": filename})
        (partial / filename).unlink()
        files[sealed.name] = {"size": sealed.stat().st_size, "sha256": sha256_of(sealed)}
    return files, {"algorithm": crypto.ALGORITHM, "key": recipient.fingerprint, "plaintext": plaintext}
