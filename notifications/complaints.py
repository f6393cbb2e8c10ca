"""Complaint notifications (issue 25): the salesperson is told of a new complaint on their
customer (in the transaction that logs it, complaints.hooks); notify_complaints tells the
supervisors when a response deadline is near (NOTIFY_COMPLAINT_WARN_HOURS) or passed, and the
admins when a resolution deadline passes. Each key is the complaint and its step, so a job run
twice, or on two servers, tells everyone once."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import SalesGroupUserObjectPermission, User
from accounts.policies import SUPERVISE_GROUP
from common import locks
from complaints import hooks
from complaints.models import UNRESOLVED_STATES, Complaint, State
from notifications import services
from notifications.models import Kind

SUMMARY_CHARS = 80


def connect() -> None:
    hooks.register_logged(complaint_logged)


def _due(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _params(complaint, due) -> dict:
    owner = complaint.customer.owner
    return {"customer": complaint.customer.name, "owner": owner.display_name if owner else "",
            "category": str(complaint.get_category_display()), "severity": str(complaint.get_severity_display()),
            "summary": complaint.description[:SUMMARY_CHARS], "due": _due(due)}


def complaint_logged(complaint, *, by, now) -> None:
    owner = complaint.customer.owner
    if owner is None or (by is not None and by.pk == owner.pk):
        return  # one's own complaint entry needs no message to oneself
    services.notify(recipient=owner, kind=Kind.COMPLAINT_NEW, key=f"complaint:{complaint.pk}:new", now=now,
                    url=complaint.get_absolute_url(), params=_params(complaint, complaint.response_due_at))


def _admins():
    return list(User.objects.filter(is_active=True, role=User.Role.ADMIN).order_by("pk"))


def _supervisors(group_id) -> list:
    """Who supervises the group: its leader and anyone granted it; the admins when nobody does."""
    if group_id is not None:
        granted = SalesGroupUserObjectPermission.objects.filter(
            content_object_id=group_id, permission__codename=SUPERVISE_GROUP).values("user_id")
        found = list(User.objects.filter(Q(supervised_groups=group_id) | Q(pk__in=granted), is_active=True,
                                         role=User.Role.SUPERVISOR).distinct().order_by("pk"))
        if found:
            return found
    return _admins()


def escalate(*, now=None) -> dict | None:
    """One pass of the escalation; how many people were told per step, None when another run holds the lock."""
    now = now or timezone.now()
    warn = timedelta(hours=settings.NOTIFY_COMPLAINT_WARN_HOURS)
    told = {"response_near": 0, "response_passed": 0, "resolution_passed": 0}
    with locks.try_session("notifications.complaints") as got:
        if not got:
            return None
        unanswered = (Complaint.objects.filter(state=State.NEW, response_due_at__lt=now + warn)
                      .select_related("customer__owner").order_by("response_due_at", "pk"))
        for complaint in unanswered:
            step = "response_passed" if complaint.response_due_at <= now else "response_near"
            owner = complaint.customer.owner
            params = {**_params(complaint, complaint.response_due_at), "passed": step == "response_passed"}
            with transaction.atomic():
                for person in _supervisors(owner.sales_group_id if owner else None):
                    told[step] += services.notify(
                        recipient=person, kind=Kind.COMPLAINT_ESCALATED, key=f"complaint:{complaint.pk}:{step}",
                        now=now, url=complaint.get_absolute_url(), params=params) is not None
        unresolved = (Complaint.objects.filter(state__in=UNRESOLVED_STATES, resolution_due_at__lt=now)
                      .select_related("customer__owner").order_by("resolution_due_at", "pk"))
        admins = _admins()
        for complaint in unresolved:
            params = _params(complaint, complaint.resolution_due_at)
            with transaction.atomic():
                for person in admins:
                    told["resolution_passed"] += services.notify(
                        recipient=person, kind=Kind.COMPLAINT_OVERDUE, key=f"complaint:{complaint.pk}:resolution_passed",
                        now=now, url=complaint.get_absolute_url(), params=params) is not None
    return told
