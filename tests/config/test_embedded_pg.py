"""Issue 19.9: a signal at any moment leaves the embedded database usable by the next command.

`scripts/run` and `scripts/test` touch the embedded server only through
`config.embedded_pg.database_url()` (every manage.py command calls it when the settings load) and
`python -m config.embedded_pg stop`; everything else they run is an ordinary PostgreSQL client,
whose death PostgreSQL handles. So the test kills that start path (stop, then start: initdb
on a fresh cluster, pg_ctl start, waiting for the server, creating the database) in its own
process group, with the signal and the moment drawn from a fixed seed, then starts again as
the next command would. The full scripts/run (migrate, seed, worker, server) would take about
a minute a round; this takes one or two seconds a round and runs the same code.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid

import psycopg2

from config import embedded_pg

ROUNDS = 20
SEED = 19_9
SIGNALS = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL]
STOP_THEN_START = "from config import embedded_pg; embedded_pg.stop(); print(embedded_pg.database_url())"


def _command(data_dir, code=None, **popen):
    env = {**os.environ, "CRM_PGDATA": str(data_dir)}
    args = [sys.executable, "-c", code] if code else [sys.executable, "-m", "config.embedded_pg"]
    return subprocess.Popen(args, cwd=embedded_pg.PROJECT_DIR, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def _next_command(data_dir) -> str:
    """What the next scripts/run or scripts/test does first: start the server if needed, get the URL."""
    process = _command(data_dir)
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    return out.strip().splitlines()[-1]


def test_killing_the_start_path_at_any_moment_leaves_the_database_usable():
    data_dir = embedded_pg.PROJECT_DIR / "var" / f"test-kill-{uuid.uuid4().hex[:8]}"
    rng = random.Random(SEED)
    written, fresh_rounds, signals_sent = 0, 0, []
    try:
        for round_ in range(ROUNDS):
            fresh = round_ == 0 or rng.random() < 0.25
            if fresh:  # a new machine: the kill may land in initdb
                if data_dir.exists():
                    _command(data_dir, "from config import embedded_pg; embedded_pg.stop()").communicate(timeout=120)
                    shutil.rmtree(data_dir)
                written, fresh_rounds = 0, fresh_rounds + 1
            sig, delay = rng.choice(SIGNALS), rng.uniform(0.05, 1.6 if fresh else 0.9)
            process = _command(data_dir, STOP_THEN_START, start_new_session=True)
            time.sleep(delay)  # the moment of the kill, not a synchronisation: any moment must do
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass  # it had finished: a valid moment too
            process.communicate(timeout=120)
            signals_sent.append((sig.name, round(delay, 2)))
            if round_ == 1:  # what pgserver 0.1.4 left behind 2 times in 9 (issue 19.9)
                (data_dir / ".handle_pids.json").write_text("")

            conn = psycopg2.connect(_next_command(data_dir))
            conn.autocommit = True
            with conn, conn.cursor() as cur:
                cur.execute("CREATE TABLE IF NOT EXISTS survived (round int)")
                cur.execute("SELECT count(*) FROM survived")
                assert cur.fetchone()[0] == written, f"round {round_}: rows written before were lost ({signals_sent})"
                cur.execute("INSERT INTO survived VALUES (%s)", [round_])
            conn.close()
            written += 1
        assert fresh_rounds >= 3 and len({s for s, _ in signals_sent}) == len(SIGNALS), signals_sent
        assert not list(data_dir.parent.glob(f"{data_dir.name}.init-*"))  # killed initdbs were cleaned up
    finally:
        if data_dir.exists():
            _command(data_dir, "from config import embedded_pg; embedded_pg.stop()").communicate(timeout=120)
        if (data_dir / "postmaster.pid").exists():  # the stop failed: never leave a server behind
            try:
                os.kill(int((data_dir / "postmaster.pid").read_text().split()[0]), signal.SIGINT)
            except (ProcessLookupError, ValueError):
                pass
        for path in data_dir.parent.glob(f"{data_dir.name}*"):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
