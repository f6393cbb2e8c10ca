"""Departures (SPEC §7.3, issue 8): customers never get lost.

Offboarding a person who left moves all their customers in one transaction (to the pool, to
one colleague, spread evenly over several, or customer by customer) with a custody row each
(reason "offboarded"), removes their work plans and signed suggestions, clears their profile
and deactivates the account. It holds the person's row lock from before it reads their
customers until the account is deactivated, so a claim or import for them cannot slip in
(crm.ownership); it can be run again on someone already gone, to sweep anything left, and
`crm.reassignment.sweep_departed` (the nightly `check_custody`) does that for everyone. Every
move goes through crm.ownership, with crm.reassignment's receiver checks and ownership cap.
A big book (more than ANALYZE_AFTER_CUSTOMERS) ends with fresh statistics for the customer and
custody tables (issue 21.5).

This module spans apps (customers, work plans, suggestions): it is the staff app's, above them
all. Who may do it is the policy's business (staff/policies.py).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from accounts.services import mark_departed
from bulletin.models import Suggestion
from common import bulk
from crm.models import Custody, Customer, CustomerUserObjectPermission, FollowUp, SavedSearch
from crm.reassignment import Refused, check_receivers, lock_receivers, move_plan
from staff import policies
from workplans.models import Plan

POOL = "pool"
ONE = "one"
SPREAD = "spread"
EACH = "each"
MODES = (POOL, ONE, SPREAD, EACH)
EACH_LIMIT = 200  # customer by customer: one choice per customer on one page
ANALYZE_AFTER_CUSTOMERS = 5_000  # a book this big changes the tables' statistics (issue 21.5)


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


def offboard(*, person, by, mode: str = POOL, receivers=(), assignments=None, expected_customers=None) -> OffboardResult:
    """Offboard a departed person (see `_offboard`); after a big book is committed, ANALYZE the
    tables it rewrote, so the next lists and searches are planned for the customers as they are
    now (common.bulk). Rolled back (a refusal, an enclosing transaction that ends in a rollback),
    nothing is analysed."""
    result = _offboard(person=person, by=by, mode=mode, receivers=receivers, assignments=assignments,
                       expected_customers=expected_customers)
    if result.customers > ANALYZE_AFTER_CUSTOMERS:
        transaction.on_commit(lambda: bulk.analyze(Customer, Custody))
    return result


@transaction.atomic
def _offboard(*, person, by, mode: str = POOL, receivers=(), assignments=None, expected_customers=None) -> OffboardResult:
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
    refusal = policies.deactivation_refusal(by, person)
    if refusal:
        raise Refused(refusal)
    receivers = [r for r in receivers if r is not None]
    if any(r.pk == person.pk for r in receivers):
        raise Refused(_("Customers cannot go to the person who is leaving."))
    if mode in (ONE, SPREAD) and not receivers:
        raise Refused(_("Choose who receives the customers."))
    receiver_ids = [r.pk for r in receivers]
    if receiver_ids:
        lock_receivers(receiver_ids)
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
    check_receivers([r for r in receivers if incoming[r.pk]], incoming)

    note = _("%(name)s left the company") % {"name": person.display_name}
    move_plan(plan, receivers={r.pk: r for r in receivers}, reason=Custody.Reason.OFFBOARDED, by=by, note=note)
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
