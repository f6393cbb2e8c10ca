"""Each role's home page (issue 11): what to do today, and for supervisors and admins how the
team is doing. Reads every app, so it sits in the cross-app layer; scope comes from the policies."""

from dataclasses import dataclass

from django.utils import timezone

from common import pagination
from crm import selectors
from companylists import grades
from crm.policies import visible_customers
from deals import targets
from reports import numbers, policies
from workplans import selectors as plan_selectors

LIST_LIMIT = 10
COUNT_CAP = 999


@dataclass
class CustomerList:
    """The first customers of a list and how many it holds (counting stops at COUNT_CAP)."""

    items: list
    count: int
    capped: bool
    view: object = None  # the customer list's view (selectors.QUERY_VIEWS) it is the start of


def _counted(counts, key) -> dict:
    return {"count": min(counts[key], COUNT_CAP), "capped": counts[key] > COUNT_CAP}


def _first(rows, ordering) -> list:
    return list(rows.select_related("owner").order_by(*ordering)[:LIST_LIMIT])


def view_list(rows: dict, counts: dict, key: str) -> CustomerList:
    """The start of the customer list's view `key` (`rows` from selectors.view_rows) and the
    number its tile shows: one definition for tile, panel and list."""
    view = selectors.QUERY_VIEWS_BY_KEY[key]
    return CustomerList(_first(rows[key], view.ordering), **_counted(counts, key), view=view)


def _overdue_vip(rows):
    return rows["overdue"].filter(grade=grades.key_grade())


def _overdue_plans(user, now):
    return plan_selectors.plan_list(user, status=plan_selectors.STATUS_OVERDUE, now=now, newest_first=True)


def _plan_rows_by_person(user, now):
    return {row.person.pk: row for row in plan_selectors.week_summary(user, now=now)}


def team_table(user, scope, now=None) -> list[dict]:
    """Per salesperson `user` oversees: the week's numbers (supervisor's home)."""
    week = numbers.team_numbers(scope, by="owner", now=now)
    plans = _plan_rows_by_person(user, now)
    rows = []
    for person in scope.people:
        row = week.get(person.pk, numbers.TeamRow())
        plan = plans.get(person.pk)
        if plan:
            row.plans_done, row.plans_open, row.plans_overdue = plan.done, plan.open, plan.overdue
        if person.is_active or any(vars(row).values()):
            rows.append({"person": person, "numbers": row})
    return rows


def group_table(user, scope, now=None) -> list[dict]:
    """Per sales group: the same numbers added up (admin's home, the per-group comparison)."""
    week = numbers.team_numbers(scope, by="group", now=now)
    for row in numbers.plans_by_group(user, now=now):
        target = week[row["group_id"]]
        target.plans_done, target.plans_open, target.plans_overdue = row["done"], row["open"], row["overdue"]
    rows = [{"group": group, "numbers": week.get(group.pk, numbers.TeamRow())} for group in scope.groups]
    if None in week and any(vars(week[None]).values()):
        rows.append({"group": None, "numbers": week[None]})
    return rows


def digest(user, rows, counts, now=None) -> dict:
    """What needs a supervisor's attention today: overdue VIP customers, customers about to be
    recycled, overdue plans (all within their groups). `rows` and `counts` as home() made them."""
    now = now or timezone.now()
    overdue = selectors.QUERY_VIEWS_BY_KEY["overdue"]
    return {
        "vip_overdue": CustomerList(_first(_overdue_vip(rows), overdue.ordering), **_counted(counts, "vip_overdue")),
        "recycle_soon": selectors.recycle_soon(user, now=now, owner_ids=policies.report_owner_ids(user), limit=LIST_LIMIT,
                                               customers=rows["all"]),
        "overdue_plans": list(_overdue_plans(user, now)[:LIST_LIMIT]),
        "overdue_plan_count": _counted(counts, "overdue_plans")["count"],
        "overdue_plans_capped": _counted(counts, "overdue_plans")["capped"],
    }


def home(user, now=None) -> dict:
    """Everything a sales role's home page shows. The tiles, the panels and the customer list
    they link to read the same views over the same customers (the ones `user` may see), so a
    number on the page is the length of the list behind it. Every number is counted in one
    statement; the page's queries do not grow with the size of the groups."""
    now = now or timezone.now()
    customers = visible_customers(user)
    rows = {"all": customers, **selectors.view_rows(customers, now=now)}
    counted = {key: rows[key] for key in selectors.QUERY_VIEWS_BY_KEY}
    if policies.may_see_team(user):
        counted.update(vip_overdue=_overdue_vip(rows), overdue_plans=_overdue_plans(user, now))
    counts = pagination.capped_counts(counted, cap=COUNT_CAP)
    data = {
        "tiles": [{"view": view, **_counted(counts, view.key)} for view in selectors.QUERY_VIEWS if view.tile],
        "to_visit_today": view_list(rows, counts, "visit_today"),
        "overdue": view_list(rows, counts, "overdue"),
        "plans": plan_selectors.todays_plans(user, now=now),
        "recent_followups": selectors.followup_list(user)[:5],
        "recycle_soon": selectors.recycle_soon(user, now=now, customers=customers),
        "targets": targets.home_panel(user, timezone.localdate(now)),
    }
    if policies.may_see_team(user):
        scope = numbers.scope_for(user)
        data["supervised_groups"] = scope.groups
        data["team"] = team_table(user, scope, now)
        data["digest"] = digest(user, rows, counts, now)
    elif policies.may_see_company(user):
        scope = numbers.scope_for(user)
        data["groups"] = group_table(user, scope, now)
        data["refreshed"] = scope.refresh
    return data
