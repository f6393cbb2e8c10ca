"""Open deals follow their customer (issue 22): when customers change hands through
crm.ownership.move (give up, claim, hand out, reassign, offboarding, recycling), their open deals
go to the new owner in the same transaction, or to nobody (NULL) while the customer is in the
pool, so whoever claims it next finds them. Won and lost deals keep the salesperson who closed
them: the revenue is theirs. The customer's custody rows say who held it when."""

from django.db import connection

from deals.models import Deal, Stage


def open_deals_follow(moved, *, to, by, reason, now) -> None:
    """crm.ownership follower: `moved` is [(customer id, previous owner id), ...]."""
    ids = [customer_id for customer_id, _previous in moved]
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Deal._meta.db_table} SET owner_id = %s, updated_at = %s "
            f"WHERE customer_id = ANY(%s::bigint[]) AND owner_id IS DISTINCT FROM %s "
            f"AND stage_id IN (SELECT id FROM {Stage._meta.db_table} WHERE kind = %s)",
            [getattr(to, "pk", None), now, ids, getattr(to, "pk", None), Stage.Kind.OPEN],
        )
