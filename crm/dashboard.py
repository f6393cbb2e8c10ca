"""Each role's home page (issue 11): what to do today, and for supervisors and admins how the
team is doing. Reads every app, so it sits in crm's cross-app layer; scope comes from the policies."""

from dataclasses import dataclass

from django.utils import timezone

from accounts.policies import visible_sales_groups
from crm import policies, reports, selectors, timewindows
from crm.models import Customer
from workplans import selectors as plan_selectors

LIST_LIMIT = 10
COUNT_CAP = 999


@dataclass
class CustomerList:
    """The first customers of a list and how many it holds (counting stops at COUNT_CAP)."""

    items: list
    count: int
    capped: bool


def _capped_list(customers, ordering) -> CustomerList:
    items = list(customers.select_related("owner").order_by(*ordering)[:LIST_LIMIT])
    if len(items) < LIST_LIMIT:
        count = len(items)
    else:
        count = customers[: COUNT_CAP + 1].count()
    return CustomerList(items, min(count, COUNT_CAP), count > COUNT_CAP)


def _customers(user):
    """The customers whose follow-up is `user`'s job to see to: their own (salesperson), their
    groups' (supervisor), everyone's (admin); shared customers are their owners' job."""
    owner_ids = policies.report_owner_ids(user)
    if owner_ids is None:
        return policies.visible_customers(user)
    return Customer.objects.filter(owner_id__in=owner_ids) if owner_ids else Customer.objects.none()


def to_visit_today(customers, now=None) -> CustomerList:
    return _capped_list(customers.filter(next_contact_on=timewindows.today(now)), ("name", "id"))


def overdue(customers, now=None, *, vip_only=False) -> CustomerList:
    """Customers overdue by their grade's cadence, longest overdue first."""
    customers = customers.filter(reports.overdue_q(now))
    if vip_only:
        customers = customers.filter(grade=Customer.Grade.VIP)
    return _capped_list(customers, ("next_contact_on", "id"))  # the (owner,) next_contact_on indexes


def _plan_rows_by_person(user, now):
    return {row.person.pk: row for row in plan_selectors.week_summary(user, now=now)}


def team_table(user, scope, now=None) -> list[dict]:
    """Per salesperson `user` oversees: the week's numbers (supervisor's home)."""
    numbers = reports.team_numbers(scope, by="owner", now=now)
    plans = _plan_rows_by_person(user, now)
    rows = []
    for person in scope.people:
        row = numbers.get(person.pk, reports.TeamRow())
        plan = plans.get(person.pk)
        if plan:
            row.plans_done, row.plans_open, row.plans_overdue = plan.done, plan.open, plan.overdue
        if person.is_active or any(vars(row).values()):
            rows.append({"person": person, "numbers": row})
    return rows


def group_table(user, scope, now=None) -> list[dict]:
    """Per sales group: the same numbers added up (admin's home, the per-group comparison)."""
    numbers = reports.team_numbers(scope, by="group", now=now)
    for row in reports.plans_by_group(user, now=now):
        target = numbers[row["group_id"]]
        target.plans_done, target.plans_open, target.plans_overdue = row["done"], row["open"], row["overdue"]
    rows = [{"group": group, "numbers": numbers.get(group.pk, reports.TeamRow())} for group in scope.groups]
    if None in numbers and any(vars(numbers[None]).values()):
        rows.append({"group": None, "numbers": numbers[None]})
    return rows


def digest(user, customers, now=None) -> dict:
    """What needs a supervisor's attention today: overdue VIP customers, customers about to be
    recycled, overdue plans (all within their groups)."""
    now = now or timezone.now()
    overdue_plans = plan_selectors.plan_list(user, status=plan_selectors.STATUS_OVERDUE, now=now, newest_first=True)
    plan_items = list(overdue_plans[:LIST_LIMIT])
    plan_count = len(plan_items) if len(plan_items) < LIST_LIMIT else overdue_plans[: COUNT_CAP + 1].count()
    return {
        "vip_overdue": overdue(customers, now, vip_only=True),
        "recycle_soon": selectors.recycle_soon(user, now=now, owner_ids=policies.report_owner_ids(user), limit=LIST_LIMIT),
        "overdue_plans": plan_items,
        "overdue_plan_count": min(plan_count, COUNT_CAP),
        "overdue_plans_capped": plan_count > COUNT_CAP,
    }


def home(user, now=None) -> dict:
    """Everything a sales role's home page shows."""
    now = now or timezone.now()
    customers = _customers(user)
    data = {
        "tiles": selectors.view_counts(user, now=now),
        "to_visit_today": to_visit_today(customers, now),
        "overdue": overdue(customers, now),
        "plans": plan_selectors.todays_plans(user, now=now),
        "recent_followups": selectors.followup_list(user)[:5],
        "recycle_soon": selectors.recycle_soon(user, now=now),
        "supervised_groups": visible_sales_groups(user) if user.is_supervisor else [],
    }
    if user.is_supervisor:
        scope = reports.scope_for(user)
        data["team"] = team_table(user, scope, now)
        data["digest"] = digest(user, customers, now)
    elif user.is_admin:
        scope = reports.scope_for(user)
        data["groups"] = group_table(user, scope, now)
        data["refreshed"] = scope.refresh
    return data
