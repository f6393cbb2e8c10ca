"""Open deals follow their customer (issue 22): when customers change hands through
crm.ownership.move (give up, claim, hand out, reassign, offboarding, recycling), their open deals
go to the new owner in the same transaction, or to nobody (NULL) while the customer is in the
pool, so whoever claims it next finds them. Won and lost deals keep the salesperson who closed
them: the revenue is theirs. The customer's custody rows say who held it when."""

from deals.models import Deal, Stage


def open_deals_follow(moved, *, to, by, reason, now) -> None:
    """crm.ownership follower: `moved` is [(customer id, previous owner id), ...]."""
    ids = [customer_id for customer_id, _previous in moved]
    if ids:
        Deal.objects.filter(customer_id__in=ids, stage__kind=Stage.Kind.OPEN).update(owner=to, updated_at=now)
