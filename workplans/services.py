"""Every write to work plans. Each service checks the policy again, so a view that forgot to
cannot let a change through, and writes inside one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.policies import visible_customers
from workplans import policies
from workplans.models import Plan, PlanStatusChange

EDITABLE_FIELDS = ("subject", "content", "remarks", "start_at", "end_at", "customers")


def _check_times(start_at, end_at) -> None:
    if start_at and end_at and end_at <= start_at:
        raise ValidationError({"end_at": _("The end time must be after the start time.")}, code="end_before_start")


def _check_customers(author, customers) -> list:
    """A plan links only customers its author may see (their own, their groups', shared ones)."""
    ids = {customer.pk for customer in customers}
    if ids and visible_customers(author).filter(pk__in=ids).count() != len(ids):
        raise ValidationError(
            {"customers": _("A plan can only be linked to customers its salesperson may see.")}, code="customer"
        )
    return list(customers)


@transaction.atomic
def plan_create(
    *, by, subject: str, start_at, end_at, content: str = "", remarks: str = "", customers=()
) -> Plan:
    """Add a plan to `by`'s own plans; author and created time are set here, never by a form."""
    if not policies.can_add_plan(by):
        raise PermissionDenied
    _check_times(start_at, end_at)
    customers = _check_customers(by, customers)
    plan = Plan.objects.create(
        author=by, subject=subject, content=content, remarks=remarks, start_at=start_at, end_at=end_at
    )
    plan.customers.set(customers)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, by, **changes) -> Plan:
    """Change a plan's text and times (§4.2.C). Status, author and created time never change here."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    plan = Plan.objects.select_for_update().select_related("author").get(pk=plan.pk)
    if not policies.can_edit_plan(by, plan):
        raise PermissionDenied
    customers = changes.pop("customers", None)
    for name, value in changes.items():
        setattr(plan, name, value)
    _check_times(plan.start_at, plan.end_at)
    plan.save(update_fields=[*changes, "updated_at"])
    if customers is not None:
        plan.customers.set(_check_customers(plan.author, customers))
    return plan


def _record(plan: Plan, *, action, from_status, by, at) -> None:
    PlanStatusChange.objects.create(
        plan=plan, action=action, from_status=from_status, to_status=plan.status, by=by, at=at
    )


@transaction.atomic
def plan_complete(*, plan: Plan, by) -> Plan:
    """Mark a plan completed. When a supervisor or admin marks it, it counts as confirmed too."""
    plan = Plan.objects.select_for_update().select_related("author").get(pk=plan.pk)
    if not policies.can_complete_plan(by, plan):
        raise PermissionDenied
    now = timezone.now()
    plan.status, plan.completed_at, plan.completed_by = Plan.Status.DONE, now, by
    if policies.is_manager(by):
        plan.confirmed_at, plan.confirmed_by = now, by
    plan.save(update_fields=["status", "completed_at", "completed_by", "confirmed_at", "confirmed_by", "updated_at"])
    _record(plan, action=PlanStatusChange.Action.COMPLETED, from_status=Plan.Status.OPEN, by=by, at=now)
    return plan


@transaction.atomic
def plan_confirm(*, plan: Plan, by) -> Plan:
    """A supervisor or admin confirms a completion the salesperson reported."""
    plan = Plan.objects.select_for_update().select_related("author").get(pk=plan.pk)
    if not policies.can_confirm_plan(by, plan):
        raise PermissionDenied
    now = timezone.now()
    plan.confirmed_at, plan.confirmed_by = now, by
    plan.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    _record(plan, action=PlanStatusChange.Action.CONFIRMED, from_status=Plan.Status.DONE, by=by, at=now)
    return plan


@transaction.atomic
def plan_reopen(*, plan: Plan, by) -> Plan:
    """A supervisor or admin takes a completed plan back to not completed."""
    plan = Plan.objects.select_for_update().select_related("author").get(pk=plan.pk)
    if not policies.can_reopen_plan(by, plan):
        raise PermissionDenied
    now = timezone.now()
    plan.status = Plan.Status.OPEN
    plan.completed_at = plan.completed_by = plan.confirmed_at = plan.confirmed_by = None
    plan.save(update_fields=["status", "completed_at", "completed_by", "confirmed_at", "confirmed_by", "updated_at"])
    _record(plan, action=PlanStatusChange.Action.REOPENED, from_status=Plan.Status.DONE, by=by, at=now)
    return plan


STATUS_ACTIONS = {"complete": plan_complete, "confirm": plan_confirm, "reopen": plan_reopen}


@transaction.atomic
def plan_delete(*, plan: Plan, by) -> None:
    """Delete a plan under the rules of §4.2.E (see policies.can_delete_plan)."""
    plan = Plan.objects.select_for_update().select_related("author").get(pk=plan.pk)
    if not policies.can_delete_plan(by, plan):
        raise PermissionDenied
    plan.delete()
