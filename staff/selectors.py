"""Reads of the staff pages: a salesperson's page (SPEC §7.2), everything of one person seen
through the viewer's policies, with headline counts (cross-app: customers, follow-ups, plans,
the pool); and the sales groups with who else supervises them."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import SalesGroupUserObjectPermission
from accounts.policies import SUPERVISE_GROUP, visible_sales_groups
from common import timewindows
from companylists import grades
from crm import policies
from crm.models import Custody, Customer
from crm.selectors import QUERY_VIEWS
from workplans.models import Plan
from workplans.policies import visible_plans

RECENT = 10
POOL_OUT = [Custody.Reason.GAVE_UP, Custody.Reason.RECYCLED]


@dataclass
class ViewCount:
    view: object
    count: int


def staff_page(viewer, person, *, now=None) -> dict:
    now = now or timezone.now()
    today = timewindows.today(now)
    customers = policies.visible_customers(viewer).filter(owner=person)
    headline = customers.aggregate(
        total=Count("id"),
        vip=Count("id", filter=Q(grade=grades.key_grade())),
        prospects=Count("id", filter=Q(type=Customer.Type.PROSPECT)),
        intentions=Count("id", filter=Q(type=Customer.Type.INTENTION)),
        suspended=Count("id", filter=Q(type=Customer.Type.SUSPENDED)),
        overdue=Count("id", filter=Q(next_contact_on__lt=today)),
    )
    views = [ViewCount(view, customers.filter(view.condition(now)).count()) for view in QUERY_VIEWS]
    followups = policies.visible_followups(viewer).filter(author=person)
    month = timewindows.month_window(now)
    plans = visible_plans(viewer).filter(author=person)
    plan_counts = plans.aggregate(
        open=Count("id", filter=Q(status=Plan.Status.OPEN)),
        done=Count("id", filter=Q(status=Plan.Status.DONE)),
        overdue=Count("id", filter=Q(status=Plan.Status.OPEN, end_at__lt=now)),
    )
    pool = Custody.objects.filter(Q(from_owner=person, reason__in=POOL_OUT) | Q(to_owner=person, reason=Custody.Reason.CLAIMED))
    pool_counts = pool.aggregate(
        gave_up=Count("id", filter=Q(reason=Custody.Reason.GAVE_UP)),
        recycled=Count("id", filter=Q(reason=Custody.Reason.RECYCLED)),
        claimed=Count("id", filter=Q(reason=Custody.Reason.CLAIMED)),
    )
    return {
        "headline": headline,
        "views": views,
        "recent_customers": customers.order_by("-created_at", "-id")[:RECENT],
        "followup_total": followups.count(),
        "followups_this_month": followups.filter(**month.as_filter("occurred_at")).count(),
        "recent_followups": followups.select_related("customer", "author").order_by("-occurred_at", "-id")[:RECENT],
        "plan_counts": plan_counts,
        "recent_plans": plans.order_by("-start_at", "-id")[:RECENT],
        "pool_counts": pool_counts,
        "pool_activity": pool.select_related("customer").order_by("-created_at", "-id")[:RECENT],
    }


def groups_with_grants(viewer) -> list:
    """The sales groups `viewer` may see, each with its supervisor, its number of active members
    and `granted`: the further supervisors granted it (guardian), in two queries."""
    groups = list(visible_sales_groups(viewer).select_related("supervisor").annotate(
        active_members=Count("members", filter=Q(members__is_active=True))
    ))
    grants = SalesGroupUserObjectPermission.objects.filter(
        content_object__in=[group.pk for group in groups], permission__codename=SUPERVISE_GROUP
    ).select_related("user")
    granted = {}
    for grant in grants:
        granted.setdefault(grant.content_object_id, []).append(grant.user)
    for group in groups:
        group.granted = granted.get(group.pk, [])
    return groups
