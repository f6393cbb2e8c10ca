"""Read replicas for reports only (docs/scaling.md).

With DATABASE_REPLICA_URL set, settings add a "replica" database and this router. Nothing goes
to the replica unless code asks for it inside `replica_reads()`: report pages wrap only their
aggregate queries in it, after the policy has decided (on the primary) what the user may see.
Claims, writes, permission checks, sessions and anything inside a transaction always read the
primary, so a lagging replica can never hand out a customer twice or show a stale permission.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reports = ContextVar("crm_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Reads inside this block go to the replica when one is configured (reports only)."""
    token = _reports.set(True)
    try:
        yield
    finally:
        _reports.reset(token)


class ReportsReplicaRouter:
    """Primary for everything, except reads inside `replica_reads()` outside a transaction."""

    def db_for_read(self, model, **hints):
        if _reports.get() and replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's WAL, never migrated itself
