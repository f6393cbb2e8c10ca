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


def _server():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pgserver

        DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
        return pgserver.get_server(str(DATA_DIR), cleanup_mode=None)


def database_url() -> str:
    """Start the embedded server if needed, make sure the CRM database exists, return its URL."""
    server = _server()
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
