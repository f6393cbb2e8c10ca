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
verify or restore (a fresh machine has no catalogue); the `crm.Backup` rows feed the page.

The PostgreSQL client tools must have the server's major version. The client tools get the
connection through PG* environment variables: a password never appears on a command line.
"""

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from datetime import timezone as dt_timezone
from importlib import metadata
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from common.env import database_from_url
from crm import backup_crypto
from crm.backup_crypto import CryptoError, Identity
from crm.backup_models import STALE_AFTER, Backup

DUMP_FILE = "database.dump"
MEDIA_FILE = "media.tar"
ENCRYPTED = ".enc"
MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 2
PARTIAL_PREFIX = ".partial-"
NAME_RE = re.compile(r"^crm-\d{8}-\d{6}(-\d+)?$")


def excluded_table_data() -> list[str]:
    """Tables whose rows no backup holds (their schema is kept):
    - sessions and every django-axes table (login lockouts, attempts, the access log): a session
      key is a login, and a restore must start with everyone logged out;
    - the catalogue, which describes files on this machine, not business data (a restored
      database would otherwise show a backup "running" forever).
    A table of tokens (password reset, API) added later belongs here too; a test checks that every
    column named like a token, secret or session key is in one of these tables."""
    from django.apps import apps

    tables = [Backup._meta.db_table, apps.get_model("sessions", "Session")._meta.db_table]
    tables += [model._meta.db_table for model in apps.get_app_config("axes").get_models()]
    # Secret addresses: calendar feed tokens and group robots' webhook URLs and signing secrets.
    if apps.is_installed("notifications"):
        tables += [apps.get_model("notifications", name)._meta.db_table for name in ("CalendarFeed", "Webhook")]
    return sorted(set(tables))


# pg_try_advisory_lock key: one backup at a time, whoever starts it (cron, the page, a person).
LOCK_KEY = 0x0C4D_BAC0

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup, verification or restore could not be done; the message says why, for a person."""


# --- Connections and client tools ---------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a database is: libpq parameters, handed to psycopg2 and (as PG* variables) to pg_dump."""

    host: str
    port: str
    user: str
    password: str
    dbname: str
    options: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings_dict) -> "Target":
        return cls(
            host=settings_dict.get("HOST") or "",
            port=str(settings_dict.get("PORT") or ""),
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
            dbname=settings_dict["NAME"],
            options={k: str(v) for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in _LIBPQ_OPTIONS},
        )

    @classmethod
    def from_url(cls, url: str) -> "Target":
        return cls.from_settings(database_from_url(url))

    def with_database(self, dbname: str) -> "Target":
        return Target(self.host, self.port, self.user, self.password, dbname, self.options)

    def connect(self):
        params = {k: v for k, v in {"host": self.host, "port": self.port, "user": self.user,
                                    "password": self.password, "dbname": self.dbname}.items() if v}
        try:
            return psycopg2.connect(**params, **self.options, application_name="crm-backup")
        except psycopg2.OperationalError as error:
            raise BackupError(_("Cannot connect to the database %(db)s: %(error)s") % {
                "db": self.dbname, "error": str(error).strip()}) from error

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        pairs = {"PGHOST": self.host, "PGPORT": self.port, "PGUSER": self.user,
                 "PGPASSWORD": self.password, "PGDATABASE": self.dbname, "PGAPPNAME": "crm-backup"}
        pairs.update({_LIBPQ_OPTIONS[k]: v for k, v in self.options.items()})
        env.update({k: v for k, v in pairs.items() if v})
        return env

    @property
    def is_embedded(self) -> bool:
        """The embedded server's data directory doubles as its socket directory."""
        return bool(self.host) and (Path(self.host) / "PG_VERSION").is_file()


_LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "connect_timeout": "PGCONNECT_TIMEOUT"}


def default_target() -> Target:
    return Target.from_settings(connections["default"].settings_dict)


@dataclass(frozen=True)
class ClientTools:
    bin_dir: Path
    version: str

    def __call__(self, name: str) -> str:
        return str(self.bin_dir / name)


def _tool_version(bin_dir: Path) -> tuple[int, str] | None:
    if not ((bin_dir / "pg_dump").is_file() and (bin_dir / "pg_restore").is_file()):
        return None
    try:
        out = subprocess.run([str(bin_dir / "pg_dump"), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)(\S*)", out)
    return (int(match.group(1)), match.group(1) + match.group(2)) if match else None


def _candidate_bin_dirs(target: Target, server_major: int) -> list[Path]:
    if settings.BACKUP_PG_BIN_DIR:
        return [Path(settings.BACKUP_PG_BIN_DIR)]
    try:
        from config.embedded_pg import bin_dir

        bundled = bin_dir()
    except ImportError:  # the embedded server's package is not installed
        bundled = None
    on_path = shutil.which("pg_dump")
    candidates = [Path(on_path).resolve().parent if on_path else None, Path(f"/usr/lib/postgresql/{server_major}/bin")]
    candidates = ([bundled] + candidates) if target.is_embedded else (candidates + [bundled])
    return [c for c in candidates if c is not None]


def client_tools(target: Target, conn) -> ClientTools:
    """pg_dump and pg_restore of the server's major version, or a BackupError saying what to install."""
    with conn.cursor() as cur:
        cur.execute("SHOW server_version_num")
        server_major = int(cur.fetchone()[0]) // 10000
    found = []
    for bin_dir in _candidate_bin_dirs(target, server_major):
        version = _tool_version(bin_dir)
        if version and version[0] == server_major:
            return ClientTools(bin_dir, version[1])
        if version:
            found.append(f"{version[1]} in {bin_dir}")
    raise BackupError(_(
        "The PostgreSQL client tools must have the server's major version %(major)s, found: %(found)s. "
        "Install them (Debian: apt-get install postgresql-client-%(major)s) and set PG_BIN_DIR "
        "(e.g. /usr/lib/postgresql/%(major)s/bin)."
    ) % {"major": server_major, "found": ", ".join(found) or _("none")})


def _run(command: list[str], *, env: dict, what: str, poll: Callable[[], None] | None = None) -> None:
    """Run a client tool; on failure raise a BackupError with the tool's own last words."""
    with open(os.devnull, "rb") as stdin:
        process = subprocess.Popen(command, env=env, stdin=stdin, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    stderr = []
    reader = threading.Thread(target=lambda: stderr.extend(process.stderr), daemon=True)
    reader.start()
    while process.poll() is None:
        if poll:
            poll()
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
    reader.join(timeout=5)
    process.stdout.close()
    if process.returncode != 0:
        detail = "".join(stderr).strip().splitlines()[-3:]
        raise BackupError(_("%(what)s failed (exit code %(code)s): %(detail)s") % {
            "what": what, "code": process.returncode, "detail": " ".join(detail) or "-"})


# --- Snapshot facts ------------------------------------------------------------------------------


def _tables(cur) -> list[tuple[str, str]]:
    cur.execute("""
        SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
        ORDER BY 1, 2
    """)
    return cur.fetchall()


def _label(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def _quoted(schema: str, table: str) -> str:
    return '"{}"."{}"'.format(schema.replace('"', '""'), table.replace('"', '""'))


def row_counts(conn, excluded: list[str]) -> dict[str, int]:
    """Exact count(*) of every table but the `excluded` ones, in the connection's current snapshot."""
    counts = {}
    with conn.cursor() as cur:
        for schema, table in _tables(cur):
            if schema == "public" and table in excluded:
                continue
            cur.execute(f"SELECT count(*) FROM {_quoted(schema, table)}")
            counts[_label(schema, table)] = cur.fetchone()[0]
    return counts


def _migrations(conn) -> dict[str, list[str]]:
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
        if not cur.fetchone()[0]:
            return {}
        cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        state: dict[str, list[str]] = {}
        for app, name in cur.fetchall():
            state.setdefault(app, []).append(name)
        return state


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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- Progress ----------------------------------------------------------------------------------


class _Reporter:
    """Sends progress to the page (the catalogue row, at most every second) and to a printer."""

    def __init__(self, backup: Backup | None, echo: Progress | None):
        self.backup, self.echo, self.last = backup, echo, 0.0

    def __call__(self, text: str, *, quiet: bool = False) -> None:
        now = time.monotonic()
        if self.backup is not None and (not quiet or now - self.last >= 1):
            Backup.objects.filter(pk=self.backup.pk).update(progress=text[:200])
            self.last = now
        if self.echo and not quiet:
            self.echo(text)


# --- Back up -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncryptionStatus:
    """What the backups page says about encryption: the key's fingerprint, or why there is none."""

    fingerprint: str = ""
    error: str = ""


def encryption_status() -> EncryptionStatus:
    try:
        recipient = backup_crypto.configured_recipient()
    except CryptoError as error:
        return EncryptionStatus(error=str(error))
    return EncryptionStatus(fingerprint=recipient.fingerprint if recipient else "")


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


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
    report = _Reporter(backup, echo)
    root = backup_dir()
    partial = root / f"{PARTIAL_PREFIX}{name}"
    conn = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        if (root / name).exists():
            raise BackupError(_("%(path)s already exists.") % {"path": root / name})
        recipient = backup_crypto.configured_recipient()  # a key that is set but unreadable stops here
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
        manifest["media"] = _archive_media(partial / MEDIA_FILE, report)
        report(_("Computing checksums"))
        plaintext = {f: {"size": (partial / f).stat().st_size, "sha256": sha256_of(partial / f)} for f in (DUMP_FILE, MEDIA_FILE)}
        manifest["verified"] = _verify_plaintext(partial, manifest, report)
        manifest["files"], manifest["encryption"] = _seal(partial, plaintext, recipient, report)
        manifest["seconds"] = round(time.monotonic() - started, 1)
        (partial / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _fsync_tree(partial)
        os.rename(partial, root / name)  # atomic: the backup appears complete or not at all
        _fsync_dir(root)
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
            verified_at=timezone.now(), verify_message=_written_verification_message(manifest))
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
        "migrations": _migrations(conn),
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

    _run(command, env=target.env(), what="pg_dump", poll=poll)
    conn.commit()
    return manifest


def _verify_plaintext(partial: Path, manifest: dict, report) -> dict:
    """Restore the fresh dump into a scratch database and count every table and the media archive's
    files against the manifest, before anything is encrypted (the server cannot decrypt)."""
    media_files = _count_media(tarfile.open(partial / MEDIA_FILE, mode="r|"), manifest)
    report(_("Restoring into a scratch database"))
    restored = _restore_into_scratch(partial / DUMP_FILE, manifest["excluded_table_data"], report)
    _check_counts(manifest, restored)
    return {"at": timezone.now().isoformat(), "tables": len(restored), "rows": sum(restored.values()),
            "media_files": media_files}


def _written_verification_message(manifest: dict) -> str:
    verified = manifest["verified"]
    return _("%(tables)s tables, %(rows)s rows restored and counted before the backup was stored.") % {
        "tables": verified["tables"], "rows": verified["rows"]}


def _seal(partial: Path, plaintext: dict, recipient, report) -> tuple[dict, dict | None]:
    """Encrypt both files for `recipient` and delete their plaintext; return the manifest's "files"
    (checksums of what is stored) and "encryption" entries. Without a recipient, store as they are."""
    if recipient is None:
        return plaintext, None
    files = {}
    for filename in (DUMP_FILE, MEDIA_FILE):
        report(_("Encrypting %(file)s") % {"file": filename})
        sealed = partial / (filename + ENCRYPTED)
        size, sha256 = backup_crypto.encrypt_file(partial / filename, sealed, recipient)
        if (size, sha256) != (plaintext[filename]["size"], plaintext[filename]["sha256"]):
            raise BackupError(_("%(file)s changed while it was encrypted.") % {"file": filename})
        (partial / filename).unlink()
        files[sealed.name] = {"size": sealed.stat().st_size, "sha256": sha256_of(sealed)}
    return files, {"algorithm": backup_crypto.ALGORITHM, "key": recipient.fingerprint, "plaintext": plaintext}


def _archive_media(path: Path, report) -> dict:
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


def _fsync_tree(directory: Path) -> None:
    for path in directory.iterdir():
        with open(path, "rb") as f:
            os.fsync(f.fileno())
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- Retention ---------------------------------------------------------------------------------


def backups_to_keep(times: dict[str, datetime], *, daily: int, weekly: int, monthly: int) -> set[str]:
    """Names to keep: the newest backup of each of the last `daily` days, `weekly` ISO weeks and
    `monthly` months that have one (in the local time zone), and always the newest of all."""
    newest_first = sorted(times, key=lambda name: times[name], reverse=True)
    keep = set(newest_first[:1])
    for count, period in [
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ]:
        seen = []
        for name in newest_first:
            key = period(timezone.localtime(times[name]))
            if key not in seen:
                if len(seen) == count:
                    break
                seen.append(key)
                keep.add(name)
    return keep


def backups_prune() -> list[str]:
    """Delete the succeeded backups the retention policy no longer keeps; return their names.

    Only succeeded backups are candidates: a failed one has no files, and a directory without a
    catalogue row (copied in, or written with --no-record) is never touched.
    """
    succeeded = {b.name: b.started_at for b in Backup.objects.filter(status=Backup.Status.SUCCEEDED)}
    keep = backups_to_keep(succeeded, daily=settings.BACKUP_KEEP_DAILY,
                           weekly=settings.BACKUP_KEEP_WEEKLY, monthly=settings.BACKUP_KEEP_MONTHLY)
    pruned = sorted(set(succeeded) - keep)
    for name in pruned:
        shutil.rmtree(backup_dir() / name, ignore_errors=True)
        Backup.objects.filter(name=name).delete()
    return pruned


# --- Reading a backup ---------------------------------------------------------------------------


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


def _identity_for(manifest: dict, identity: Identity | None) -> Identity | None:
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
def _plaintext_dump(path: Path, manifest: dict, identity: Identity | None, report) -> Iterator[Path]:
    """The dump as a file pg_restore can read (it seeks): the stored one, or a decrypted copy in a
    private temporary directory next to the backups, deleted afterwards."""
    if identity is None:
        yield path / DUMP_FILE
        return
    work = Path(tempfile.mkdtemp(prefix=".decrypted-", dir=path.parent))  # mode 0700
    try:
        report(_("Decrypting the database dump"))
        size, sha256 = backup_crypto.decrypt_file(path / (DUMP_FILE + ENCRYPTED), work / DUMP_FILE, identity)
        expected = manifest["encryption"]["plaintext"][DUMP_FILE]
        if (size, sha256) != (expected["size"], expected["sha256"]):
            raise BackupError(_("The decrypted dump is not the one that was verified when the backup was written."))
        yield work / DUMP_FILE
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _media_archive(path: Path, manifest: dict, identity: Identity | None) -> Iterator[tarfile.TarFile]:
    """The media archive opened for reading front to back (decrypted on the fly when encrypted)."""
    if identity is None:
        with tarfile.open(path / MEDIA_FILE, mode="r|") as tar:
            yield tar
        return
    reader = backup_crypto.DecryptingReader(path / (MEDIA_FILE + ENCRYPTED), identity)
    stream = io.BufferedReader(reader, buffer_size=1 << 20)
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            yield tar
        while stream.read(1 << 20):  # read to the end: the last chunk proves the file is whole
            pass
    finally:
        stream.close()


def _count_media(tar: tarfile.TarFile, manifest: dict) -> int:
    with tar:
        media_files = sum(1 for member in tar if member.isfile())
    if media_files != manifest.get("media", {}).get("files"):
        raise BackupError(_("The media archive holds %(n)s files, the manifest says %(m)s.") % {
            "n": media_files, "m": manifest.get("media", {}).get("files")})
    return media_files


def _restore_dump(target: Target, tools: ClientTools, dump: Path, report, poll=None) -> None:
    command = [tools("pg_restore"), "--no-password", "--no-owner", "--no-privileges", "--exit-on-error",
               f"--jobs={max(1, settings.BACKUP_RESTORE_JOBS)}", f"--dbname={target.dbname}", str(dump)]
    env = target.env()
    # Index builds (the GIN search index above all) are much faster with room to sort in memory;
    # a restore that dies halfway is started over anyway, so it need not wait for fsync.
    env["PGOPTIONS"] = f"-c maintenance_work_mem={settings.BACKUP_RESTORE_MAINTENANCE_WORK_MEM} -c synchronous_commit=off"
    _run(command, env=env, what="pg_restore", poll=poll)


def _compare_counts(expected: dict[str, int], restored: dict[str, int]) -> list[str]:
    problems = []
    for table in sorted(set(expected) | set(restored)):
        want, got = expected.get(table), restored.get(table)
        if want != got:
            problems.append(f"{table}: {want if want is not None else '-'} -> {got if got is not None else '-'}")
    return problems


def _check_counts(manifest: dict, restored: dict[str, int]) -> None:
    problems = _compare_counts(manifest["tables"], restored)
    if problems:
        raise BackupError(_("Row counts differ from the manifest: %(tables)s") % {"tables": "; ".join(problems[:10])})


# --- Verify ------------------------------------------------------------------------------------


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
    report = _Reporter(backup, echo)
    try:
        path = backup_path(name)
        manifest = read_manifest(path)
        report(_("Checking checksums"))
        check_files(path, manifest)
        if is_encrypted(manifest) and identity is None:
            identity = backup_crypto.identity_from_environment()
        if is_encrypted(manifest) and identity is None:
            message = _("Checksums of the encrypted files match. %(written)s A new restore test needs the private "
                        "key (manage.py verify_backup --private-key FILE).") % {
                "written": _written_verification_message(manifest)}
        else:
            identity = _identity_for(manifest, identity)
            with _media_archive(path, manifest, identity) as tar:
                _count_media(tar, manifest)
            report(_("Restoring into a scratch database"))
            with _plaintext_dump(path, manifest, identity, report) as dump:
                restored = _restore_into_scratch(dump, manifest.get("excluded_table_data", []), report)
            _check_counts(manifest, restored)
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


def _restore_into_scratch(dump: Path, excluded: list[str], report) -> dict[str, int]:
    source = default_target()
    scratch = source.with_database(f"{source.dbname}_verify_{secrets.token_hex(4)}"[-63:])
    admin = source.connect()
    admin.autocommit = True
    try:
        tools = client_tools(source, admin)
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{scratch.dbname}" TEMPLATE template0')
        try:
            _restore_dump(scratch, tools, dump, report)
            report(_("Counting restored rows"))
            conn = scratch.connect()
            try:
                return row_counts(conn, excluded)
            finally:
                conn.close()
        finally:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{scratch.dbname}" WITH (FORCE)')
    finally:
        admin.close()


# --- Restore -----------------------------------------------------------------------------------


@dataclass
class RestoreOutcome:
    name: str
    database: str
    tables: int
    rows: int
    media_files: int
    database_seconds: float
    media_seconds: float


def _user_tables(conn) -> int:
    with conn.cursor() as cur:
        return len(_tables(cur))


def backup_restore(*, name: str, database_url: str, media_root: Path | None, force: bool = False,
                   identity: Identity | None = None, echo: Progress | None = None) -> RestoreOutcome:
    """Restore a backup into the database at `database_url` (which must be empty unless `force`)
    and its media into `media_root` (None: skip the media). Checks every checksum, and that the
    private key fits an encrypted backup, before it changes anything. Sessions and login lockouts
    are not in a backup: everyone starts logged out."""
    report = _Reporter(None, echo)
    path = backup_path(name)
    manifest = read_manifest(path)
    report(_("Checking checksums"))
    check_files(path, manifest)
    identity = _identity_for(manifest, identity)
    target = Target.from_url(database_url)
    conn = target.connect()
    conn.autocommit = True
    try:
        tools = client_tools(target, conn)
        existing = _user_tables(conn)
        if existing and not force:
            raise BackupError(_("The database %(db)s is not empty (%(n)s tables). Restore into an empty "
                                "database, or pass --force to replace its contents.") % {"db": target.dbname, "n": existing})
        if media_root is not None and media_root.is_dir() and any(media_root.iterdir()) and not force:
            raise BackupError(_("%(dir)s is not empty. Restore the media into an empty directory, or pass --force.")
                              % {"dir": media_root})
        started = time.monotonic()
        with _plaintext_dump(path, manifest, identity, report) as dump:
            if existing:
                report(_("Replacing the contents of %(db)s (--force)") % {"db": target.dbname})
                with conn.cursor() as cur:
                    cur.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public AUTHORIZATION pg_database_owner")
            report(_("Restoring the database into %(db)s") % {"db": target.dbname})
            _restore_dump(target, tools, dump, report)
        restored = row_counts(conn, manifest.get("excluded_table_data", []))
        database_seconds = time.monotonic() - started
    finally:
        conn.close()
    _check_counts(manifest, restored)
    started = time.monotonic()
    media_files = 0
    if media_root is not None:
        report(_("Restoring uploaded files into %(dir)s") % {"dir": media_root})
        media_root.mkdir(parents=True, exist_ok=True)
        with _media_archive(path, manifest, identity) as tar:
            for member in tar:
                if member.isfile():
                    tar.extract(member, media_root, filter="data")
                    media_files += 1
    return RestoreOutcome(name, target.dbname, len(restored), sum(restored.values()), media_files,
                          database_seconds, time.monotonic() - started)


# --- Download ----------------------------------------------------------------------------------

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
