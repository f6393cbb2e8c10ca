"""Bulk loading helpers for the demo seeder: build secondary indexes once, after the rows."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def indexes_deferred(table: str, *, enabled: bool = True):
    """Inside a transaction: drop `table`'s plain secondary indexes, let the caller load rows,
    then build them again in one pass each (much faster than updating them row by row for
    millions of rows). DDL is transactional: an interrupted load leaves every index in place."""
    if not enabled:
        yield
        return
    assert connection.in_atomic_block, "indexes_deferred needs a transaction"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [table],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred: check the loaded rows now, or CREATE INDEX refuses
        # a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in definitions:
            cursor.execute(definition)


def worth_deferring(adding: int, existing: int) -> bool:
    """Rebuilding pays when the load is large and at least doubles the table."""
    return adding >= 200_000 and adding >= existing
