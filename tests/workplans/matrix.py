"""Authorization rows for work plans (SPEC §4.2.B-E, §8).

Relations, seen from sales1 (salesperson) and sup1 (supervisor of Group A):
  own         a plan of sales1 (for sup1: a salesperson they supervise)
  same_group  a plan of sales1b (Group A)
  other_group a plan of sales2 (Group B)
  pool        plans have no pool: a plan of the admin, who belongs to no group
Each relation has an open plan (`world.plans`) and a completed one (`world.done_plans`),
because deleting and editing depend on the status.
"""

from datetime import timedelta

from django.utils import timezone

from tests.authz import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation, staff
from workplans.models import Plan

AUTHORS = {"own": "sales1", "same_group": "sales1b", "other_group": "sales2", "pool": "admin"}


def build(world):
    now = timezone.now()
    world.plans, world.done_plans = {}, {}
    for relation, name in AUTHORS.items():
        author = getattr(world.cast, name)
        world.plans[relation] = Plan.objects.create(
            author=author, subject=f"open {relation}", start_at=now, end_at=now + timedelta(hours=1)
        )
        world.done_plans[relation] = Plan.objects.create(
            author=author, subject=f"done {relation}", start_at=now, end_at=now + timedelta(hours=1),
            status=Plan.Status.DONE, completed_at=now, completed_by=author,
        )


def open_plan(world, relation):
    # Anonymous and the backup operator get one outcome for all relations: try sales1's plan.
    return {"pk": world.plans[relation or "own"].pk}


def done_plan(world, relation):
    return {"pk": world.done_plans[relation or "own"].pk}


def _plan_form(world=None, relation=None):
    start = timezone.localtime() + timedelta(days=1)
    return {
        "subject": "拜访客户",
        "start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "content": "",
        "remarks": "",
    }


def on_plan(salesperson, supervisor, admin=None):
    """Per-relation outcomes for an object URL; the admin reaches every plan."""
    return {
        "anonymous": LOGIN,
        "salesperson": salesperson,
        "supervisor": supervisor,
        "admin": admin or by_relation(own=OK, same_group=OK, other_group=OK, pool=OK),
        "backup": NOT_FOUND,
    }


def only_own(outcome):
    return by_relation(own=outcome, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=NOT_FOUND)


def own_group(own, same_group=None):
    return by_relation(own=own, same_group=same_group or own, other_group=NOT_FOUND, pool=NOT_FOUND)


def everywhere(outcome):
    return by_relation(own=outcome, same_group=outcome, other_group=outcome, pool=outcome)


# A wrong method is refused before any lookup, so it says nothing about which plans exist.
WRONG_METHOD = staff(everywhere(NOT_ALLOWED))
MANAGERS_ONLY = {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": OK, "admin": OK, "backup": NOT_FOUND}

ROWS = [
    Row("workplans:plan-list", "GET", staff(OK)),
    Row("workplans:plan-list", "POST", staff(NOT_ALLOWED)),
    Row("workplans:plan-agenda", "GET", staff(OK)),
    Row("workplans:plan-agenda", "POST", staff(NOT_ALLOWED)),
    Row("workplans:plan-create", "GET", staff(OK)),
    Row("workplans:plan-create", "POST", staff(REDIRECT), data=_plan_form),
    # The plan form's customer picker: a new plan's, and a plan's being edited (who may edit it).
    Row("workplans:plan-customer-search", "GET", staff(OK)),
    Row("workplans:plan-customer-search", "POST", staff(NOT_ALLOWED)),
    Row("workplans:plan-edit-customer-search", "GET", on_plan(only_own(OK), own_group(OK)), kwargs=open_plan),
    Row("workplans:plan-edit-customer-search", "GET", on_plan(only_own(FORBIDDEN), own_group(OK)), kwargs=done_plan),
    Row("workplans:plan-edit-customer-search", "POST", WRONG_METHOD, kwargs=open_plan),
    Row("workplans:plan-summary", "GET", MANAGERS_ONLY),
    Row("workplans:plan-summary", "POST", {**MANAGERS_ONLY, "supervisor": NOT_ALLOWED, "admin": NOT_ALLOWED}),
    # §4.2.B: a salesperson sees their own plans, a supervisor their groups', an admin all.
    Row("workplans:plan-detail", "GET", on_plan(only_own(OK), own_group(OK)), kwargs=open_plan),
    Row("workplans:plan-detail", "POST",
        WRONG_METHOD, kwargs=open_plan),
    # §4.2.C: the author edits while not completed; supervisors and admins within their scope.
    Row("workplans:plan-edit", "GET", on_plan(only_own(OK), own_group(OK)), kwargs=open_plan),
    Row("workplans:plan-edit", "POST", on_plan(only_own(REDIRECT), own_group(REDIRECT), everywhere(REDIRECT)),
        kwargs=open_plan, data=_plan_form),
    Row("workplans:plan-edit", "GET", on_plan(only_own(FORBIDDEN), own_group(OK)), kwargs=done_plan),
    Row("workplans:plan-edit", "POST", on_plan(only_own(FORBIDDEN), own_group(REDIRECT), everywhere(REDIRECT)),
        kwargs=done_plan, data=_plan_form),
    # §4.2.D: the author marks done (default setting); only managers reopen.
    Row("workplans:plan-status", "GET",
        WRONG_METHOD, kwargs=open_plan),
    Row("workplans:plan-status", "POST", on_plan(only_own(REDIRECT), own_group(REDIRECT), everywhere(REDIRECT)),
        kwargs=open_plan, data={"action": "complete"}),
    Row("workplans:plan-status", "POST", on_plan(only_own(FORBIDDEN), own_group(REDIRECT), everywhere(REDIRECT)),
        kwargs=done_plan, data={"action": "reopen"}),
    Row("workplans:plan-status", "POST", on_plan(only_own(FORBIDDEN), own_group(REDIRECT), everywhere(REDIRECT)),
        kwargs=done_plan, data={"action": "confirm"}),
    # §4.2.E: only completed plans, except for the admin.
    Row("workplans:plan-delete", "GET",
        WRONG_METHOD, kwargs=open_plan),
    Row("workplans:plan-delete", "POST", on_plan(only_own(FORBIDDEN), own_group(FORBIDDEN), everywhere(REDIRECT)),
        kwargs=open_plan),
    Row("workplans:plan-delete", "POST", on_plan(only_own(REDIRECT), own_group(REDIRECT), everywhere(REDIRECT)),
        kwargs=done_plan),
]
