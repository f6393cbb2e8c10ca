"""Departures and reassignment (SPEC §7.3, issue 8): customers never get lost.

Offboarding a person who left moves all their customers in one transaction (to the pool, to
one colleague, spread evenly over several, or customer by customer) with a custody row each
(reason "offboarded"), removes their work plans and signed suggestions, clears their profile
and deactivates the account. It holds the person's row lock from before it reads their
customers until the account is deactivated, so a claim or import for them cannot slip in
(crm.ownership); it can be run again on someone already gone, to sweep anything left, and
`sweep_departed` (the nightly `check_custody`) does that for everyone. Reassignment moves chosen
customers between salespeople at any time. Every move goes through crm.ownership (set-based:
one statement per receiver, never a loop of saves), and both respect the ownership cap
(POOL_MAX_OWNED).

This module spans apps (customers, work plans, suggestions): crm's domain modules never
import it. Who may do it is the policies' business (accounts/policies.py, crm/policies.py).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts import policies as roles
from accounts.models import User
from accounts.services import mark_departed
from bulletin.models import Suggestion
from common import locks
from crm import ownership
from crm.models import Custody, Customer, CustomerUserObjectPermission, FollowUp, SavedSearch
from workplans.models import Plan

POOL = "pool"
ONE = "one"
SPREAD = "spread"
EACH = "each"
MODES = (POOL, ONE, SPREAD, EACH)
EACH_LIMIT = 200  # customer by customer: one choice per customer on one page


class Refused(Exception):
    """Nothing was changed; `message` (translated) says why and what to do instead."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class OffboardPreview:
    """Exactly what offboarding `person` will do, counted the way the service does it."""

    customers: int
    plans: int
    signed_suggestions: int
    followups: int
    led_groups: tuple = ()


@dataclass
class OffboardResult:
    customers: int = 0
    to_pool: int = 0
    by_target: dict = field(default_factory=dict)  # user id -> customers received
    plans: int = 0
    signed_suggestions: int = 0


def offboard_preview(person) -> OffboardPreview:
    return OffboardPreview(
        customers=Customer.objects.filter(owner=person).count(),
        plans=Plan.objects.filter(author=person).count(),
        signed_suggestions=Suggestion.objects.filter(author=person).count(),
        followups=FollowUp.objects.filter(author=person).count(),
        led_groups=tuple(person.supervised_groups.values_list("name", flat=True)),
    )


# --- Moving customers ---------------------------------------------------------------------------


def _lock_receivers(user_ids) -> None:
    """The same per-person advisory lock as claiming from the pool (crm.services), so a claim
    in another tab cannot slip past the ownership cap while customers are handed over."""
    locks.hold(*(f"pool-claim:{user_id}" for user_id in user_ids))


def _check_receivers(receivers: list[User], incoming: Counter) -> None:
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


def _move(plan: dict, *, receivers: dict, reason: str, by, note: str) -> None:
    """Move customers: `plan` maps a new owner id (None: the pool) to [(customer id, old owner id)];
    one call of the door per receiver."""
    for target_id, rows in plan.items():
        if rows:
            try:
                ownership.move([pk for pk, _old in rows], to=receivers.get(target_id), reason=reason, by=by, note=note)
            except ownership.Refused as refused:
                raise Refused(refused.message) from refused


def spread_evenly(rows: list, receiver_ids: list[int]) -> dict:
    """Deal customers out like cards, so each colleague gets an equal share (at most one more
    than another) and a fair mix: `rows` come sorted VIPs first, then by type."""
    plan = {pk: [] for pk in receiver_ids}
    for index, row in enumerate(rows):
        plan[receiver_ids[index % len(receiver_ids)]].append(row)
    return plan


def _owned_rows(person) -> list:
    """(id, owner id) of `person`'s customers, locked; VIPs first, then by type (for a fair deal)."""
    return list(
        Customer.objects.filter(owner=person).select_for_update()
        .order_by("-grade", "type", "next_contact_on", "id").values_list("pk", "owner_id")
    )


# --- Offboarding -----------------------------------------------------------------------------------


def _delete_plans(person) -> int:
    return Plan.objects.filter(author=person).delete()[1].get("workplans.Plan", 0)


def _delete_suggestions(person) -> int:
    """Signed suggestions only: an anonymous one has no author, so nothing links it to anyone."""
    return Suggestion.objects.filter(author=person).delete()[1].get("bulletin.Suggestion", 0)


def _end_personal_things(person) -> None:
    CustomerUserObjectPermission.objects.filter(user=person).delete()  # customers shared with them
    SavedSearch.objects.filter(owner=person).delete()


@transaction.atomic
def offboard(*, person, by, mode: str = POOL, receivers=(), assignments=None, expected_customers=None) -> OffboardResult:
    """Offboard a departed person in ONE transaction: if any step fails, nothing changes.

    mode: POOL (all customers to the isolation pool, the default), ONE (all to receivers[0]),
    SPREAD (evenly over receivers), EACH (`assignments` maps customer id -> receiver or None for
    the pool; customers left out go to the pool). Receivers come from the policy's choices;
    the scope of `by` over `person` is checked by the view (policy), the rest here.
    `expected_customers`, from the preview: a different count now means something changed
    since, and nothing is done.
    """
    # Held until the account is deactivated: a move to this person (crm.ownership) that began
    # first commits before their customers are read below; any later one finds them gone.
    person = User.objects.select_for_update(no_key=True).get(pk=person.pk)
    refusal = roles.deactivation_refusal(by, person)
    if refusal:
        raise Refused(refusal)
    receivers = [r for r in receivers if r is not None]
    if any(r.pk == person.pk for r in receivers):
        raise Refused(_("Customers cannot go to the person who is leaving."))
    if mode in (ONE, SPREAD) and not receivers:
        raise Refused(_("Choose who receives the customers."))
    receiver_ids = [r.pk for r in receivers]
    if receiver_ids:
        _lock_receivers(receiver_ids)
    rows = _owned_rows(person)
    if expected_customers is not None and expected_customers != len(rows):
        raise Refused(_("Something changed since the preview: %(name)s now holds %(count)d customers. "
                        "Check the new counts and confirm again.") % {"name": person.display_name, "count": len(rows)})
    if mode == POOL:
        plan = {None: rows}
    elif mode == ONE:
        plan = {receiver_ids[0]: rows}
    elif mode == SPREAD:
        plan = spread_evenly(rows, receiver_ids)
    elif mode == EACH:
        by_id = {r.pk: r for r in receivers}
        plan = defaultdict(list)
        for row in rows:
            target = (assignments or {}).get(row[0])
            plan[target.pk if target is not None and target.pk in by_id else None].append(row)
    else:
        raise Refused(_("Choose what happens to the customers."))
    incoming = Counter({target: len(moved) for target, moved in plan.items() if target is not None})
    _check_receivers([r for r in receivers if incoming[r.pk]], incoming)

    note = _("%(name)s left the company") % {"name": person.display_name}
    _move(plan, receivers={r.pk: r for r in receivers}, reason=Custody.Reason.OFFBOARDED, by=by, note=note)
    result = OffboardResult(customers=len(rows), to_pool=len(plan.get(None, [])),
                            by_target={t: n for t, n in incoming.items() if n})
    result.plans = _delete_plans(person)
    result.signed_suggestions = _delete_suggestions(person)
    _end_personal_things(person)
    mark_departed(user=person, at=timezone.now())
    audit.record(
        actor=by, action="staff.offboard", count=result.customers,
        summary=_("%(name)s offboarded: %(customers)d customers moved (%(pool)d to the pool), %(plans)d plans "
                  "and %(suggestions)d signed suggestions removed") % {
            "name": person.display_name, "customers": result.customers, "pool": result.to_pool,
            "plans": result.plans, "suggestions": result.signed_suggestions},
        user_id=person.pk, username=person.username, name=person.display_name, mode=mode, to_pool=result.to_pool,
        by_target={str(k): v for k, v in result.by_target.items()},
        plans=result.plans, signed_suggestions=result.signed_suggestions,
    )
    return result


# --- Reassignment at any time ------------------------------------------------------------------


@transaction.atomic
def reassign(*, customers, to, by, note: str = "") -> int:
    """Move customers (a queryset the policy already scoped to `by`) to `to`, or to the pool
    when `to` is None. Customers already with `to`, or in the pool, are left as they are.
    Returns how many moved; raises Refused (nothing changed) over the cap or a wrong receiver."""
    if to is not None:
        _lock_receivers([to.pk])
    rows = list(
        Customer.objects.filter(pk__in=customers.order_by().values("pk"), owner__isnull=False)
        .exclude(owner_id=getattr(to, "pk", None)).select_for_update().order_by("pk").values_list("pk", "owner_id")
    )
    if not rows:
        return 0
    if to is not None:
        _check_receivers([to], Counter({to.pk: len(rows)}))
    if to is None:
        reason = Custody.Reason.GAVE_UP
        note = note or _("Moved to the pool by %(name)s") % {"name": by.display_name}
    else:
        reason = Custody.Reason.REASSIGNED
    _move({getattr(to, "pk", None): rows}, receivers={to.pk: to} if to else {}, reason=reason, by=by, note=note)
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
    no actor: the system), one person per transaction, under the same row lock as offboarding.
    The door refuses such moves now; this sweeps what an earlier version let through. Returns
    {person: customers moved}."""
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
