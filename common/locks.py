"""PostgreSQL advisory locks by name: the one place the product takes them.

A lock is named by a string (hashed with `hashtextextended`, so any name fits in the bigint key
space) and is either
- transaction-scoped (`hold`, `try_hold`): released when the transaction ends, whatever way it
  ends; the caller must be inside `transaction.atomic()`;
- session-scoped (`session`, `try_session`): held by the connection until the block ends, or until
  the connection dies (a killed worker releases it without help).

Names in use: "crm.customer-keys" (duplicate check vs the import's merge), "phone:…"/"name:…"
(one customer's keys), "pool-claim:<user id>" (one person's claims and hand-overs),
"crm.recycle-pool", "crm.refresh-reports", "crm.import-job:<id>". Backups take a numeric lock on
their own connection (backups.dump): a dump's connection is not Django's.
"""

from contextlib import contextmanager

from django.db import connection

_KEY = "hashtextextended(%s, 0)"


def hold(*names: str, shared: bool = False) -> None:
    """Wait for each named lock (in sorted order, so two callers cannot deadlock) and keep them
    until the current transaction ends. `shared` locks only exclude an exclusive holder."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        for name in sorted(set(names)):
            cursor.execute(f"SELECT {function}({_KEY})", [name])


def try_hold(name: str) -> bool:
    """Take the named lock until the transaction ends if nobody holds it; False otherwise."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_try_advisory_xact_lock({_KEY})", [name])
        return cursor.fetchone()[0]


@contextmanager
def session(name: str):
    """Hold the named lock for the block (waiting for it), on this connection."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_lock({_KEY})", [name])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_unlock({_KEY})", [name])


@contextmanager
def try_session(name: str):
    """Yield True holding the named lock for the block, or False at once if another session has it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_try_advisory_lock({_KEY})", [name])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_advisory_unlock({_KEY})", [name])
