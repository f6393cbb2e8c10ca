"""The machinery of bulk jobs, so that the jobs read as their business rules.

- `in_parallel`: share a job among several database connections, one thread each.
- `analyze`: after a bulk write, fresh planner statistics, so the first visitor after a nightly
  job does not pay for stale ones (issue 21.5: a rebuilt, never-analysed summary table made a
  0.3 ms query take 1.9 s). Every bulk job (report refresh, pool recycling, a large import,
  offboarding a big book, the demo loader) calls it with the models it rewrote, before it ends.
"""

from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.dispatch import Signal

# Sent after `analyze`, with `tables` (their names): caches of planner statistics read them again.
analyzed = Signal()


def analyze(*models) -> None:
    """ANALYZE the tables of `models` (outside a transaction it is cheap and takes no lock that
    blocks readers or writers: SHARE UPDATE EXCLUSIVE)."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')
    analyzed.send(sender=None, tables=tables)


def in_parallel(function, shares, *, workers: int) -> list:
    """`function(share)` for each of `shares`, on `workers` threads, each call in its thread's own
    database connection (closed afterwards): the results, in the order of `shares`.

    For work that is CPU-bound in PostgreSQL (writing index entries), where n connections do it
    in about 1/n of the time. Each call commits its own transactions: it cannot see the caller's
    uncommitted rows. With one worker the calls run here, in the caller's connection.
    """
    if workers <= 1:
        return [function(share) for share in shares]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda share: _in_own_connection(function, share), shares))


def _in_own_connection(function, share):
    try:
        return function(share)
    finally:
        connection.close()  # this thread's connection: Django opened it for this thread
