"""The scheduled notifications (docs/operations.md): the nightly "back to the pool soon" warning
and the morning digest. Each is safe to run twice and on several servers at once: an advisory
lock keeps a second run out, and each notification's key (kind and day) makes a re-run create
nothing new."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common import locks, timewindows
from crm.models import Customer
from crm.ownership import HOLDING_ROLES
from crm.selectors import overdue_q, probation_soon, recycle_soon
from deals.models import Deal, Stage
from notifications import birthdays, services
from notifications.kinds import NAMES_SHOWN
from notifications.models import Kind, Notification, Preference
from notifications.preferences import digest_time
from workplans.models import Plan


def _recipients():
    return User.objects.filter(is_active=True, role__in=HOLDING_ROLES).select_related("notify_preference").order_by("pk")


def warn_recycle_soon(*, now=None) -> int | None:
    """One notification per person per day listing their customers that recycle_pool returns to
    the pool within NOTIFY_RECYCLE_WARN_DAYS (by its rules: no contact for the grade's days, or
    claimed and not contacted); how many people were told, None when another run holds the lock."""
    now = now or timezone.now()
    days = settings.NOTIFY_RECYCLE_WARN_DAYS
    today = timewindows.today(now)
    with locks.try_session("notifications.recycle-soon") as got:
        if not got:
            return None
        on_probation = defaultdict(list)
        for customer in probation_soon(within_days=days, now=now):
            on_probation[customer.owner_id].append(customer)
        told = 0
        for person in _recipients():
            items = [_item(customer, "probation") for customer in on_probation.get(person.pk, [])]
            seen = {item["id"] for item in items}
            items += [_item(customer, customer.grade) for customer in
                      recycle_soon(person, within_days=days, now=now, limit=None) if customer.pk not in seen]
            if not items:
                continue
            items.sort(key=lambda item: item["on"])
            with transaction.atomic():
                told += services.notify(
                    recipient=person, kind=Kind.RECYCLE_SOON, key=f"recycle_soon:{today.isoformat()}", now=now,
                    url=reverse("crm:customer-list"),
                    params={"count": len(items), "within_days": days, "customers": items[:NAMES_SHOWN]},
                ) is not None
        return told


def _item(customer: Customer, rule: str) -> dict:
    item = {"id": customer.pk, "name": customer.name, "rule": rule,
            "on": timewindows.today(customer.recycle_at).isoformat()}
    if rule == "probation":
        item["hours"] = settings.POOL_CLAIM_PROBATION_HOURS
    else:
        item["days"] = customer.recycle_after_days
    return item


def send_digests(*, now=None) -> int | None:
    """The morning digest of everyone whose digest time (theirs, or NOTIFY_DIGEST_TIME) has come
    today and who has none yet: today's visits (next contact date today), overdue customers by
    grade, open plans starting today, open deals expected to close from today to Sunday, today's
    birthdays and anniversaries (notifications.birthdays). Nothing to say, no digest. Run it every few minutes."""
    now = now or timezone.now()
    today = timewindows.today(now)
    key = f"digest:{today.isoformat()}"
    local = timezone.localtime(now).time()
    day = timewindows.day_window(now)
    with locks.try_session("notifications.digest") as got:
        if not got:
            return None
        done = set(Notification.objects.filter(key=key).values_list("recipient_id", flat=True))
        celebrations = (birthdays.birthdays_by_owner(today), birthdays.anniversaries_by_owner(today))
        told = 0
        for person in _recipients():
            if person.pk in done:
                continue
            try:
                preference = person.notify_preference
            except Preference.DoesNotExist:
                preference = Preference(user=person)
            if digest_time(preference) > local:
                continue
            params = _digest_of(person, now=now, today=today, day=day)
            _add_celebrations(params, person, *celebrations)
            if not (params["visits"] or sum(params["overdue"].values()) or params["plans"] or params["deals"]
                    or params.get("birthdays") or params.get("anniversaries")):
                continue
            with transaction.atomic():
                told += services.notify(recipient=person, kind=Kind.DIGEST, key=key, now=now, params=params,
                                        url=reverse("home")) is not None
        return told


def _add_celebrations(params: dict, person, births: dict, anniversaries: dict) -> None:
    """Today's birthdays of the person's customers' contacts and their customers' anniversaries."""
    if births.get(person.pk):
        params["birthdays"] = [f"{item['contact']} ({item['name']})" for item in births[person.pk][:NAMES_SHOWN]]
    if anniversaries.get(person.pk):
        params["anniversaries"] = [[item["name"], item["years"]] for item in anniversaries[person.pk][:NAMES_SHOWN]]


def _digest_of(person, *, now, today, day) -> dict:
    owned = Customer.objects.filter(owner=person)
    visits = owned.filter(next_contact_on=today).order_by("name")
    overdue = dict(owned.filter(overdue_q(now)).values_list("grade").annotate(n=Count("pk")).order_by())
    plans = (Plan.objects.filter(author=person, status=Plan.Status.OPEN, **day.as_filter("start_at"))
             .order_by("start_at")[:NAMES_SHOWN])
    plan_list = [{"at": timezone.localtime(plan.start_at).strftime("%H:%M"), "subject": plan.subject} for plan in plans]
    names = list(visits.values_list("name", flat=True)[:NAMES_SHOWN])
    deals = (Deal.objects.filter(owner=person, stage__kind=Stage.Kind.OPEN, expected_close_on__gte=today,
                                 expected_close_on__lte=today + timedelta(days=6 - today.weekday()))
             .order_by("expected_close_on", "pk").values_list("title", "expected_close_on")[:NAMES_SHOWN])
    deal_list = [{"title": title, "on": on.isoformat()} for title, on in deals]
    return {"visits": visits.count() if len(names) == NAMES_SHOWN else len(names), "visit_names": names,
            "overdue": overdue, "plans": len(plan_list), "plan_list": plan_list,
            "deals": len(deal_list), "deal_list": deal_list}
