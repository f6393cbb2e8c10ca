"""After a bulk write: fresh planner statistics, so the first visitor after a nightly job does not
pay for stale ones (issue 21.5: a rebuilt, never-analysed summary table made a 0.3 ms query take
1.9 s). Every bulk job (report refresh, pool recycling, a large import, offboarding a big book,
the demo loader) calls `analyze` with the models it rewrote, before it ends."""

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
