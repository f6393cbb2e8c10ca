"""Moving customers between salespeople at any time (SPEC §7.3, issue 8): the customer list's
bulk bar (the ticked customers, or all of one person's matching the filter, to a colleague or to
the pool), and the nightly sweep of customers still held by someone who has left.

Every move goes through crm.ownership (set-based: one statement per receiver, never a loop of
saves) and respects the ownership cap (POOL_MAX_OWNED). Offboarding (staff/offboarding.py) moves
a leaver's customers with the same receiver checks, so they live here, below it.
Who may do it is the policy's business (crm/policies.py: may_reassign, reassignable_customers).
"""

from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from common import locks
from crm import ownership
from crm.models import Custody, Customer


class Refused(Exception):
    """Nothing was changed; `message` (translated) says why and what to do instead."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def lock_receivers(user_ids) -> None:
    """The same per-person advisory lock as claiming from the pool (crm.services), so a claim
    in another tab cannot slip past the ownership cap while customers are handed over."""
    locks.hold(*(f"pool-claim:{user_id}" for user_id in user_ids))


def check_receivers(receivers: list[User], incoming: Counter) -> None:
    """Every receiver is an active salesperson or supervisor, and stays within the cap."""
    # Read again inside the transaction: someone may have been deactivated since the form was filled.
    now_valid = set(User.objects.filter(
        pk__in=[p.pk for p in receivers], is_active=True, role__in=[User.Role.SALESPERSON, User.Role.SUPERVISOR]
    ).values_list("pk", flat=True))
    for person in receivers:
        if person.pk not in now_valid:
            raise Refused(_("%(name)s cannot receive customers: only active salespeople and supervisors can.")
                          % {"name": person.display_name})
    owned = dict(
        Customer.objects.filter(owner_id__in=[p.pk for p in receivers]).values("owner_id").annotate(n=Count("id"))
        .values_list("owner_id", "n")
    )
    cap = settings.POOL_MAX_OWNED
    for person in receivers:
        has, more = owned.get(person.pk, 0), incoming[person.pk]
        if has + more > cap:
            raise Refused(_(
                "%(name)s already holds %(has)d customers; %(more)d more would pass the cap of %(cap)d per "
                "salesperson (room for %(room)d). Choose fewer customers or more colleagues."
            ) % {"name": person.display_name, "has": has, "more": more, "cap": cap, "room": max(cap - has, 0)})


def move_plan(plan: dict, *, receivers: dict, reason: str, by, note: str) -> None:
    """Move customers: `plan` maps a new owner id (None: the pool) to [(customer id, old owner id)];
    one call of the door per receiver."""
    for target_id, rows in plan.items():
        if rows:
            try:
                ownership.move([pk for pk, _old in rows], to=receivers.get(target_id), reason=reason, by=by, note=note)
            except ownership.Refused as refused:
                raise Refused(refused.message) from refused


@transaction.atomic
def reassign(*, customers, to, by, note: str = "") -> int:
    """Move customers (a queryset the policy already scoped to `by`) to `to`, or to the pool
    when `to` is None. Customers already with `to`, or in the pool, are left as they are.
    Returns how many moved; raises Refused (nothing changed) over the cap or a wrong receiver."""
    if to is not None:
        lock_receivers([to.pk])
    rows = list(
        Customer.objects.filter(pk__in=customers.order_by().values("pk"), owner__isnull=False)
        .exclude(owner_id=getattr(to, "pk", None)).select_for_update().order_by("pk").values_list("pk", "owner_id")
    )
    if not rows:
        return 0
    if to is not None:
        check_receivers([to], Counter({to.pk: len(rows)}))
    if to is None:
        reason = Custody.Reason.GAVE_UP
        note = note or _("Moved to the pool by %(name)s") % {"name": by.display_name}
    else:
        reason = Custody.Reason.REASSIGNED
    move_plan({getattr(to, "pk", None): rows}, receivers={to.pk: to} if to else {}, reason=reason, by=by, note=note)
    previous = Counter(old for _pk, old in rows)
    audit.record(
        actor=by, action="customers.to_pool" if to is None else "customers.reassign", count=len(rows),
        summary=(_("%(count)d customers moved to the pool") % {"count": len(rows)}) if to is None else
        (_("%(count)d customers reassigned to %(name)s") % {"count": len(rows), "name": to.display_name}),
        to_user_id=getattr(to, "pk", None), to_name=getattr(to, "display_name", None),
        from_owners={str(k): v for k, v in previous.items()},
    )
    return len(rows)


# --- The nightly sweep ----------------------------------------------------------------------------


def sweep_departed() -> dict:
    """Move every customer still held by someone who has left to the pool (custody "offboarded",
    no actor: the system), one person per transaction, under the same row lock as offboarding
    (staff/offboarding.py). The door refuses such moves now; this sweeps what an earlier version
    let through. Returns {person: customers moved}."""
    swept = {}
    for person_id in (Customer.objects.filter(owner__is_active=False).order_by()
                      .values_list("owner_id", flat=True).distinct()):
        with transaction.atomic():
            person = User.objects.select_for_update(no_key=True).get(pk=person_id)
            if person.is_active:  # reactivated meanwhile: theirs to keep
                continue
            note = _("%(name)s left the company") % {"name": person.display_name}
            moved = ownership.move(Customer.objects.filter(owner=person), to=None, reason=Custody.Reason.OFFBOARDED,
                                   note=note)
            if moved:
                swept[person] = len(moved)
                audit.record(
                    actor=None, action="customers.to_pool", count=len(moved),
                    summary=_("%(count)d customers still held by %(name)s, who has left, moved to the pool "
                              "by the nightly check") % {"count": len(moved), "name": person.display_name},
                    from_owners={str(person.pk): len(moved)},
                )
    return swept
