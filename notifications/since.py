"""Each customer's "customer since" date (notifications.models.CustomerSince): the signing date
of its first won deal, from which its anniversaries (合作周年) count (notifications.birthdays,
the calendar feed). Derived from deals and kept two ways:

- at once: a deal saved with its signing date (won, un-won, edited) or deleted recomputes its
  customer's row, in the same transaction (post_save / post_delete of deals.Deal);
- after a bulk job: a job that wrote deals in bulk ANALYZEs them (common.bulk.analyze, as
  every bulk job does: seed_demo, bench_deals); its `analyzed` signal recomputes every row;
- nightly: `manage.py notify_refresh_since` does the same, for anything else (a data fix).
Recomputing every row is one set-based statement writing only the rows that changed.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from common import bulk
from deals.models import Deal
from notifications.models import CustomerSince

_FIRSTS = "SELECT customer_id, min(won_on) AS since FROM deals_deal WHERE won_on IS NOT NULL {where} GROUP BY customer_id"
_UPSERT = (
    "INSERT INTO notifications_customersince (customer_id, since) " + _FIRSTS +
    " ON CONFLICT (customer_id) DO UPDATE SET since = EXCLUDED.since"
    " WHERE notifications_customersince.since <> EXCLUDED.since"
)
_GONE = (
    "DELETE FROM notifications_customersince s WHERE {where} NOT EXISTS ("
    "SELECT 1 FROM deals_deal d WHERE d.customer_id = s.customer_id AND d.won_on IS NOT NULL)"
)


def refresh_customer(customer_id: int) -> None:
    """Recompute one customer's date (or remove it: no won deal left)."""
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(where="AND customer_id = %s"), [customer_id])
        cursor.execute(_GONE.format(where="s.customer_id = %s AND"), [customer_id])


def refresh_all() -> tuple[int, int]:
    """Recompute every customer's date; (rows written, rows removed). Then ANALYZE."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(where=""))
        written = cursor.rowcount
        cursor.execute(_GONE.format(where=""))
        removed = cursor.rowcount
    bulk.analyze(CustomerSince)
    return written, removed


def _deal_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is None or "won_on" in update_fields:
        refresh_customer(instance.customer_id)


def _deal_deleted(sender, instance, **kwargs) -> None:
    refresh_customer(instance.customer_id)


def _analyzed(sender, tables, **kwargs) -> None:
    if Deal._meta.db_table in tables:
        refresh_all()


def connect() -> None:
    post_save.connect(_deal_saved, sender=Deal, dispatch_uid="notifications.since.saved")
    post_delete.connect(_deal_deleted, sender=Deal, dispatch_uid="notifications.since.deleted")
    bulk.analyzed.connect(_analyzed, dispatch_uid="notifications.since.analyzed")
