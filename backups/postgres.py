"""PostgreSQL for backups: where the database is, the client tools (pg_dump, pg_restore) of the
server's major version, the snapshot's facts (tables, exact row counts, migration state), and a
restore into a scratch database.

The client tools get the connection through PG* environment variables: a password never appears
on a command line.
"""

import os
import re
import secrets
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from backups.errors import BackupError
from backups.models import Backup
from common.env import database_from_url


def excluded_table_data() -> list[str]:
    """Tables whose rows no backup holds (their schema is kept):
    - sessions and every django-axes table (login lockouts, attempts, the access log): a session
      key is a login, and a restore must start with everyone logged out;
    - the catalogue, which describes files on this machine, not business data (a restored
      database would otherwise show a backup "running" forever).
    A table of tokens (password reset, API) added later belongs here too; a test checks that every
    column named like a token, secret or session key is in one of these tables."""
    tables = [Backup._meta.db_table, apps.get_model("sessions", "Session")._meta.db_table]
    tables += [model._meta.db_table for model in apps.get_app_config("axes").get_models()]
    # Secret addresses: calendar feed tokens and group robots' webhook URLs and signing secrets.
    if apps.is_installed("notifications"):
        tables += [apps.get_model("notifications", name)._meta.db_table for name in ("CalendarFeed", "Webhook")]
    return sorted(set(tables))


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


def run_tool(command: list[str], *, env: dict, what: str, poll: Callable[[], None] | None = None) -> None:
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


def list_tables(cur) -> list[tuple[str, str]]:
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
        for schema, table in list_tables(cur):
            if schema == "public" and table in excluded:
                continue
            cur.execute(f"SELECT count(*) FROM {_quoted(schema, table)}")
            counts[_label(schema, table)] = cur.fetchone()[0]
    return counts


def migration_state(conn) -> dict[str, list[str]]:
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
        if not cur.fetchone()[0]:
            return {}
        cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        state: dict[str, list[str]] = {}
        for app, name in cur.fetchall():
            state.setdefault(app, []).append(name)
        return state


def restore_dump(target: Target, tools: ClientTools, dump: Path, report, poll=None) -> None:
    command = [tools("pg_restore"), "--no-password", "--no-owner", "--no-privileges", "--exit-on-error",
               f"--jobs={max(1, settings.BACKUP_RESTORE_JOBS)}", f"--dbname={target.dbname}", str(dump)]
    env = target.env()
    # Index builds (the GIN search index above all) are much faster with room to sort in memory;
    # a restore that dies halfway is started over anyway, so it need not wait for fsync.
    env["PGOPTIONS"] = f"-c maintenance_work_mem={settings.BACKUP_RESTORE_MAINTENANCE_WORK_MEM} -c synchronous_commit=off"
    run_tool(command, env=env, what="pg_restore", poll=poll)


def compare_counts(expected: dict[str, int], restored: dict[str, int]) -> list[str]:
    problems = []
    for table in sorted(set(expected) | set(restored)):
        want, got = expected.get(table), restored.get(table)
        if want != got:
            problems.append(f"{table}: {want if want is not None else '-'} -> {got if got is not None else '-'}")
    return problems


def check_counts(manifest: dict, restored: dict[str, int]) -> None:
    problems = compare_counts(manifest["tables"], restored)
    if problems:
        raise BackupError(_("Row counts differ from the manifest: %(tables)s") % {"tables": "; ".join(problems[:10])})


def restore_into_scratch(dump: Path, excluded: list[str], report, inspect=None) -> dict[str, int]:
    """Restore `dump` into a new scratch database, count its rows, call `inspect(connection)` (if
    given) on it, and drop it."""
    source = default_target()
    scratch = source.with_database(f"{source.dbname}_verify_{secrets.token_hex(4)}"[-63:])
    admin = source.connect()
    admin.autocommit = True
    try:
        tools = client_tools(source, admin)
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{scratch.dbname}" TEMPLATE template0')
        try:
            restore_dump(scratch, tools, dump, report)
            report(_("Counting restored rows"))
            conn = scratch.connect()
            try:
                counts = row_counts(conn, excluded)
                if inspect is not None:
                    inspect(conn)
                return counts
            finally:
                conn.close()
        finally:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{scratch.dbname}" WITH (FORCE)')
    finally:
        admin.close()


def user_tables(conn) -> int:
    with conn.cursor() as cur:
        return len(list_tables(cur))
