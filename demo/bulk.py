"""Bulk loading helpers for the demo seeder: build secondary indexes once, after the rows; vacuum after."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def indexes_deferred(table: str, *, enabled: bool = True):
    """Inside a transaction: drop `table`'s plain secondary indexes and its foreign keys, let the
    caller load rows, then build each index in one pass and validate each foreign key with one
    join (much faster than maintaining them row by row for millions of rows). DDL is
    transactional: an interrupted load leaves every index and constraint in place."""
    if not enabled:
        yield
        return
    assert connection.in_atomic_block, "indexes_deferred needs a transaction"
    quote = connection.ops.quote_name
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
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        # Pending checks of rows written earlier in this transaction would block the DDL.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def worth_deferring(adding: int, existing: int) -> bool:
    """Rebuilding pays when the load is large and at least doubles the table."""
    return adding >= 200_000 and adding >= existing


def vacuum_analyze(*models) -> None:
    """VACUUM ANALYZE the tables of `models` after a bulk seed (outside any transaction): the
    visibility map lets index-only scans skip the fresh heap, and the planner sees the new rows.
    (common.bulk.analyze is the ANALYZE alone, which every bulk job runs; a fresh load also needs
    the VACUUM.)"""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
