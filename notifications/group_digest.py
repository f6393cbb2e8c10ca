"""The supervisors' daily group digest (issue 24 part 2): about the sales groups each supervisor
covers (accounts.policies.supervised_group_ids), and nothing beyond them: overdue VIP customers,
customers going back to the pool within NOTIFY_RECYCLE_WARN_DAYS (crm's rules), open plans past
their end, people who reached the daily claim limit yesterday or hold more than POOL_MAX_OWNED.

Run every few minutes from cron (`manage.py notify_group_digest`); due from
NOTIFY_GROUP_DIGEST_TIME; one per supervisor per day (the key), an advisory lock keeps a second
server out. Nothing to say, no digest.
"""

from datetime import time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.policies import supervised_group_ids
from common import locks, timewindows
from companylists import grades
from crm.models import Custody, Customer
from crm.selectors import overdue_q, probation_soon, recycle_soon
from notifications import services
from notifications.models import Kind, Notification
from notifications.policies import group_digest_recipients
from notifications.reminder_kinds import NAMES_SHOWN
from workplans.models import Plan

SAYS_SOMETHING = ("overdue_vip", "recycle", "overdue_plans", "claim_limit", "over_cap")


def due_time() -> time:
    hours, minutes = settings.NOTIFY_GROUP_DIGEST_TIME.split(":")
    return time(int(hours), int(minutes))


def send_group_digests(*, now=None) -> int | None:
    """How many supervisors were told; None when another run holds the lock."""
    now = now or timezone.now()
    today = timewindows.today(now)
    key = f"group_digest:{today.isoformat()}"
    if timezone.localtime(now).time() < due_time():
        return 0
    with locks.try_session("notifications.group-digest") as got:
        if not got:
            return None
        done = Notification.objects.filter(key=key).values("recipient_id")
        told = 0
        for supervisor in group_digest_recipients().exclude(pk__in=done).order_by("pk"):
            groups = supervised_group_ids(supervisor)
            if not groups:
                continue
            params = group_digest_of(supervisor, groups, now=now)
            if not any(params[name] for name in SAYS_SOMETHING):
                continue
            with transaction.atomic():
                told += services.notify(recipient=supervisor, kind=Kind.GROUP_DIGEST, key=key, now=now, params=params,
                                        url=reverse("home")) is not None
        return told


def group_digest_of(supervisor, groups, *, now) -> dict:
    people = {person.pk: person.display_name for person in
              User.objects.filter(sales_group_id__in=groups).only("pk", "full_name", "first_name", "last_name", "username")}
    ids = list(people)
    days = settings.NOTIFY_RECYCLE_WARN_DAYS
    vips = (Customer.objects.filter(owner_id__in=ids, grade=grades.key_grade()).filter(overdue_q(now))
            .order_by("next_contact_on", "pk"))
    vip_names = [f"{name}（{people[owner]}）" for name, owner in vips.values_list("name", "owner_id")[:NAMES_SHOWN]]
    leaving = {customer.pk: customer for customer in probation_soon(within_days=days, now=now, owner_ids=ids)}
    leaving.update((customer.pk, customer) for customer in
                   recycle_soon(supervisor, within_days=days, now=now, owner_ids=ids, limit=None))
    leaving_first = sorted(leaving.values(), key=lambda customer: (customer.recycle_at, customer.pk))
    plans = (Plan.objects.filter(author_id__in=ids, status=Plan.Status.OPEN, end_at__lt=now)
             .values_list("author_id").annotate(n=Count("pk")).order_by("-n", "author_id"))
    yesterday = timewindows.days_window(timewindows.today(now) - timedelta(days=1), timewindows.today(now) - timedelta(days=1))
    claimers = (Custody.objects.filter(to_owner_id__in=ids, reason=Custody.Reason.CLAIMED, **yesterday.as_filter("created_at"))
                .values_list("to_owner_id").annotate(n=Count("pk")).filter(n__gte=settings.POOL_DAILY_CLAIM_LIMIT)
                .order_by("to_owner_id"))
    holders = (Customer.objects.filter(owner_id__in=ids).values_list("owner_id").annotate(n=Count("pk"))
               .filter(n__gt=settings.POOL_MAX_OWNED).order_by("owner_id"))
    plan_people = [[people[author], count] for author, count in plans]
    return {
        "overdue_vip": vips.count() if len(vip_names) == NAMES_SHOWN else len(vip_names), "vip_names": vip_names,
        "recycle": len(leaving_first), "within_days": days,
        "recycle_names": [f"{customer.name}（{people.get(customer.owner_id, '')}）" for customer in leaving_first[:NAMES_SHOWN]],
        "overdue_plans": sum(count for _name, count in plan_people), "plan_people": plan_people[:NAMES_SHOWN],
        "claim_limit": [people[owner] for owner, _n in claimers], "limit": settings.POOL_DAILY_CLAIM_LIMIT,
        "over_cap": [people[owner] for owner, _n in holders], "cap": settings.POOL_MAX_OWNED,
    }
