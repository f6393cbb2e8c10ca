"""The embedded PostgreSQL used when DATABASE_URL is not set.

pgserver ships real PostgreSQL binaries in a wheel, so a fresh machine needs no database
install. The data lives in var/pgdata inside the project (git-ignored); the server listens on
a unix socket there only and keeps running between manage.py commands.
"""

import os
import secrets
import sys
import warnings
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CRM_PGDATA", PROJECT_DIR / "var" / "pgdata"))
DATABASE_NAME = "crm"

# Server settings for a database of a million customers on a small machine (docs/operations.md
# gives the same for a real server). A bulk change (a recycle run moves 300,000 customers and
# writes 1.7 GB of WAL) otherwise checkpoints every few seconds and re-reads its indexes from disk.
TUNING = {
    "shared_buffers": "1GB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
    "wal_compression": "pglz",
}


def _server():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pgserver

        DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
        return pgserver.get_server(str(DATA_DIR), cleanup_mode=None)


def _tuned(server):
    """Apply TUNING once (ALTER SYSTEM, then a restart); the server as it now runs."""
    shown = server.psql("SELECT " + " || ' ' || ".join(f"'{name}=' || current_setting('{name}')" for name in TUNING) + ";")
    pending = [name for name, value in TUNING.items() if f"{name}={value}" not in shown]
    if not pending:
        return server
    from pgserver._commands import pg_ctl

    for name in pending:
        server.psql(f"ALTER SYSTEM SET {name} = '{TUNING[name]}';")
    pg_ctl(["-w", "restart", "-m", "fast"], pgdata=DATA_DIR, user=server.system_user)  # same socket, new settings
    return server


def database_url() -> str:
    """Start the embedded server if needed, make sure the CRM database exists, return its URL."""
    server = _tuned(_server())
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)


def local_secret_key() -> str:
    """A random signing key for this machine's embedded installation, made once."""
    path = PROJECT_DIR / "var" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def stop() -> None:
    """Stop the embedded server (its data stays in var/pgdata)."""
    from pgserver._commands import pg_ctl

    if (DATA_DIR / "postmaster.pid").exists():
        server = _server()
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=DATA_DIR, user=server.system_user)


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(database_url())
