"""Who may see and do what with work plans (SPEC §4.2.B-E). The only place that decides it.

Lists start from `visible_plans(user)`; single plans come from `get_plan_for(user, pk)`.
A plan you may not see is a 404, exactly like one that does not exist. The `can_*` predicates
answer from columns already loaded (author, author's group, status) and run no queries beyond
the supervised-group ids that `accounts.policies` caches per request.
"""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.policies import can_see_work_of, has_sales_role, is_management, supervised_group_ids
from workplans.models import Plan


def may_use_plans(user) -> bool:
    """Salespeople, supervisors and admins; never the backup operator (SPEC §8.4)."""
    return has_sales_role(user)


def is_manager(user) -> bool:
    return is_management(user)


def visible_plans(user) -> QuerySet[Plan]:
    """A salesperson's own plans, a supervisor's plus their groups', an admin's everyone's (§4.2.B)."""
    if not has_sales_role(user):
        return Plan.objects.none()
    if user.is_admin:
        return Plan.objects.all()
    if user.is_supervisor:
        return Plan.objects.filter(author_id__in=_supervised_author_ids(user))
    return Plan.objects.filter(author_id=user.pk)


def _supervised_author_ids(user) -> list[int]:
    """The supervisor and the members of their groups, as ids: an explicit list lets PostgreSQL
    use the (author, start) indexes, where a join to the users table made it scan (one query,
    cached on the user object, which lives for one request)."""
    cached = getattr(user, "_plan_author_ids", None)
    if cached is None:
        members = User.objects.filter(Q(pk=user.pk) | Q(sales_group_id__in=supervised_group_ids(user)))
        cached = user._plan_author_ids = sorted(members.values_list("pk", flat=True))
    return cached


def get_plan_for(user, pk) -> Plan:
    """The plan with this id if `user` may see it; otherwise 404, as if it did not exist."""
    queryset = visible_plans(user).select_related("author", "author__sales_group", "completed_by", "confirmed_by")
    return get_object_or_404(queryset, pk=pk)


def _in_scope(user, plan: Plan) -> bool:
    return can_see_work_of(user, plan.author_id, plan.author.sales_group_id)


def _manages(user, plan: Plan) -> bool:
    """A supervisor over the plan's author's group (or the author, being a supervisor), or an admin."""
    return is_manager(user) and _in_scope(user, plan)


def can_add_plan(user) -> bool:
    return may_use_plans(user)


def can_edit_plan(user, plan: Plan) -> bool:
    """§4.2.C: the author while the plan is not completed; supervisors and admins within their scope."""
    if _manages(user, plan):
        return True
    return has_sales_role(user) and plan.author_id == user.pk and not plan.is_done


def can_complete_plan(user, plan: Plan) -> bool:
    """§4.2.D: mark done. The author may, unless WORKPLANS_ONLY_MANAGERS_COMPLETE reserves it to managers."""
    if plan.is_done:
        return False
    if _manages(user, plan):
        return True
    if settings.WORKPLANS_ONLY_MANAGERS_COMPLETE:
        return False
    return has_sales_role(user) and plan.author_id == user.pk


def can_confirm_plan(user, plan: Plan) -> bool:
    """A supervisor or admin confirms a completion someone else reported."""
    return plan.is_done and plan.confirmed_at is None and _manages(user, plan)


def can_reopen_plan(user, plan: Plan) -> bool:
    """Only a supervisor or admin takes a completed plan back to not completed."""
    return plan.is_done and _manages(user, plan)


def can_delete_plan(user, plan: Plan) -> bool:
    """§4.2.E exactly: a salesperson their own completed plans, a supervisor the completed plans
    of their groups, an admin any plan."""
    if not has_sales_role(user):
        return False
    if user.is_admin:
        return True
    if not plan.is_done:
        return False
    if user.is_supervisor:
        return plan.author_id == user.pk or plan.author.sales_group_id in supervised_group_ids(user)
    return plan.author_id == user.pk


def can_see_summary(user) -> bool:
    return is_manager(user)


def flags_for(user, plan: Plan) -> dict:
    """Everything a template needs to show or hide a plan's buttons."""
    return {
        "can_edit": can_edit_plan(user, plan),
        "can_complete": can_complete_plan(user, plan),
        "can_confirm": can_confirm_plan(user, plan),
        "can_reopen": can_reopen_plan(user, plan),
        "can_delete": can_delete_plan(user, plan),
    }


def with_flags(user, plans) -> list[Plan]:
    """The plans as a list, each carrying its flags as attributes (for list rows)."""
    plans = list(plans)
    for plan in plans:
        plan.flags = flags_for(user, plan)
    return plans
