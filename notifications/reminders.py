"""Work-plan reminders (issue 24): "a plan starts in N minutes" (each person's N, else
NOTIFY_PLAN_LEAD_MINUTES) and "a plan became overdue" (still open after its end time).

`remind_plans` runs every minute from cron (`manage.py notify_plans`) and is safe on several
servers at once: an advisory lock keeps a second run out, and each notification's key names the
plan and its time, so a re-run creates nothing new while a plan moved to another time is told
again. An overdue plan is told once, and only within OVERDUE_LOOKBACK of its end (the first run
after an upgrade does not announce every plan ever left open).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from common import locks
from notifications import services
from notifications.models import Kind, Notification, Preference
from notifications.preferences import preference_of
from workplans.models import Plan

OVERDUE_LOOKBACK = timedelta(days=1)


@dataclass
class Reminded:
    starting: int = 0
    overdue: int = 0


def lead_minutes(preference: Preference) -> int:
    return preference.plan_lead_minutes or settings.NOTIFY_PLAN_LEAD_MINUTES


def remind_plans(*, now=None) -> Reminded | None:
    """Tell authors of open plans starting within their lead time, and of open plans that
    passed their end time; None when another run holds the lock."""
    now = now or timezone.now()
    with locks.try_session("notifications.plans") as got:
        if not got:
            return None
        longest = max(settings.NOTIFY_PLAN_LEAD_MINUTES,
                      Preference.objects.aggregate(longest=Max("plan_lead_minutes"))["longest"] or 0)
        open_plans = Plan.objects.filter(status=Plan.Status.OPEN, author__is_active=True).select_related(
            "author__notify_preference")
        starting = [plan for plan in open_plans.filter(start_at__gt=now, start_at__lte=now + timedelta(minutes=longest))
                    .order_by("start_at", "pk")
                    if plan.start_at - now <= timedelta(minutes=lead_minutes(preference_of(plan.author)))]
        overdue = list(open_plans.filter(end_at__lt=now, end_at__gte=now - OVERDUE_LOOKBACK).order_by("end_at", "pk"))
        return Reminded(
            starting=_tell(starting, Kind.PLAN_SOON, "start_at", now=now),
            overdue=_tell(overdue, Kind.PLAN_OVERDUE, "end_at", now=now),
        )


def _tell(plans: list[Plan], kind: str, moment: str, *, now) -> int:
    keys = {plan.pk: f"{kind}:{plan.pk}:{getattr(plan, moment):%Y%m%dT%H%M}" for plan in plans}
    told_before = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    told = 0
    for plan in plans:
        if keys[plan.pk] in told_before:
            continue
        at = timezone.localtime(getattr(plan, moment))
        same_day = at.date() == timezone.localtime(now).date()
        params = {"plan": plan.pk, "subject": plan.subject, "at": at.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")}
        if kind == Kind.PLAN_SOON:  # held by quiet hours until the plan started: not worth sending
            params["stale_after"] = plan.start_at.isoformat()
        with transaction.atomic():
            told += services.notify(recipient=plan.author, kind=kind, key=keys[plan.pk], now=now, params=params,
                                    url=plan.get_absolute_url()) is not None
    return told
