"""A backup on disk: its directory, manifest and checksums, and the plaintext dump of an encrypted one."""

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from backups import crypto
from backups.crypto import Identity
from backups.errors import BackupError

DUMP_FILE = "database.dump"
MEDIA_FILE = "media.tar"
ENCRYPTED = ".enc"
MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 2
PARTIAL_PREFIX = ".partial-"
NAME_RE = re.compile(r"^crm-\d{8}-\d{6}(-\d+)?$")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def backup_path(name: str) -> Path:
    if not NAME_RE.match(name or ""):
        raise BackupError(_("%(name)s is not a backup name (like crm-20260101-020000).") % {"name": name})
    path = backup_dir() / name
    if not (path / MANIFEST_FILE).is_file():
        raise BackupError(_("No backup %(name)s in %(dir)s.") % {"name": name, "dir": backup_dir()})
    return path


def latest_backup_name() -> str:
    names = sorted(p.name for p in backup_dir().glob("crm-*") if NAME_RE.match(p.name) and (p / MANIFEST_FILE).is_file())
    if not names:
        raise BackupError(_("No backups in %(dir)s.") % {"dir": backup_dir()})
    return names[-1]


def read_manifest(path: Path) -> dict:
    try:
        return json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(_("The manifest of %(name)s cannot be read: %(error)s") % {"name": path.name, "error": error}) from error


def is_encrypted(manifest: dict) -> bool:
    return bool(manifest.get("encryption"))


def stored_files(manifest: dict) -> list[str]:
    """The dump and the media archive as they are stored: encrypted (".enc") or not."""
    suffix = ENCRYPTED if is_encrypted(manifest) else ""
    return [DUMP_FILE + suffix, MEDIA_FILE + suffix]


def check_files(path: Path, manifest: dict) -> None:
    """Every file exists with the size and SHA-256 the manifest recorded, or a BackupError."""
    if sorted(manifest.get("files", {})) != sorted(stored_files(manifest)):
        raise BackupError(_("The manifest does not list the database dump and the media archive."))
    for filename, expected in manifest["files"].items():
        file = path / filename
        if not file.is_file():
            raise BackupError(_("%(file)s is missing.") % {"file": filename})
        if file.stat().st_size != expected["size"] or sha256_of(file) != expected["sha256"]:
            raise BackupError(_("%(file)s does not match its checksum: the backup is damaged.") % {"file": filename})


def written_verification_message(manifest: dict) -> str:
    verified = manifest["verified"]
    return _("%(tables)s tables, %(rows)s rows restored and counted before the backup was stored.") % {
        "tables": verified["tables"], "rows": verified["rows"]}


def fsync_tree(directory: Path) -> None:
    for path in directory.iterdir():
        with open(path, "rb") as f:
            os.fsync(f.fileno())
    fsync_dir(directory)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

def identity_for(manifest: dict, identity: Identity | None) -> Identity | None:
    """The private key to read an encrypted backup with, checked against the one it was encrypted for."""
    if not is_encrypted(manifest):
        return None
    if identity is None:
        raise BackupError(_("This backup is encrypted: give the private key (--private-key FILE, or "
                            "BACKUP_PRIVATE_KEY / BACKUP_PRIVATE_KEY_FILE in the environment)."))
    wanted = manifest["encryption"]["key"]
    if identity.recipient.fingerprint != wanted:
        raise BackupError(_("This backup was encrypted for the key %(wanted)s, not for the key given (%(given)s).") % {
            "wanted": wanted, "given": identity.recipient.fingerprint})
    return identity


@contextmanager
def plaintext_dump(path: Path, manifest: dict, identity: Identity | None, report) -> Iterator[Path]:
    """The dump as a file pg_restore can read (it seeks): the stored one, or a decrypted copy in a
    private temporary directory next to the backups, deleted afterwards."""
    if identity is None:
        yield path / DUMP_FILE
        return
    work = Path(tempfile.mkdtemp(prefix=".decrypted-", dir=path.parent))  # mode 0700
    try:
        report(_("Decrypting the database dump"))
        size, sha256 = crypto.decrypt_file(path / (DUMP_FILE + ENCRYPTED), work / DUMP_FILE, identity)
        expected = manifest["encryption"]["plaintext"][DUMP_FILE]
        if (size, sha256) != (expected["size"], expected["sha256"]):
            raise BackupError(_("The decrypted dump is not the one that was verified when the backup was written."))
        yield work / DUMP_FILE
    finally:
        shutil.rmtree(work, ignore_errors=True)
