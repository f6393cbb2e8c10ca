"""Birthdays and anniversaries (issue 24): the salesperson who holds a customer is told, on the
morning of the day (or their chosen number of days before), of the birthdays of the customer's
contacts and of the customer's anniversary of working with us (合作周年).

- A birthday is a contact's (contacts.selectors.birthdays_on). Someone born on 29 February is
  greeted on 28 February in other years (the last day of their month, before the day is gone).
- The anniversary is that of the customer's **first won deal** (its signing date, `won_on`), on
  whole years, read from the stored "customer since" date (notifications/since.py): 合作周年
  counts from the day they became a paying customer. The day a lead was typed into the CRM
  (Customer.created_at) is no cooperation, and greeting a cold lead on it would be wrong. A customer without a won deal has no anniversary. 29 February: as birthdays.
- Customers in the pool are told to no one: nobody keeps the relationship, and a greeting from
  whoever happens to see the pool would be nobody's job. Whoever claims the customer sees the
  birthday on the contact and is told the next year.

One notification per person, kind and day lists every customer concerned (key: kind and day, so
the morning job run twice, or on several servers, tells once). The job runs with the morning
digest (`manage.py notify_digest`): each person is told once their digest time has come.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models.functions import ExtractDay, ExtractMonth
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common import locks, timewindows
from contacts.selectors import birthdays_on
from crm.ownership import HOLDING_ROLES
from notifications import services
from notifications.models import CustomerSince, Kind, Preference
from notifications.preferences import digest_time, preference_of

NAMES_SHOWN = 10


def lead_days(preference: Preference) -> int:
    return preference.birthday_lead_days or 0


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_days(day: date) -> list[tuple[int, int]]:
    """The (month, day) pairs celebrated on `day`: 29 February's too on 28 February of a common year."""
    days = [(day.month, day.day)]
    if (day.month, day.day) == (2, 28) and not _is_leap(day.year):
        days.append((2, 29))
    return days


def birthdays_by_owner(day: date) -> dict[int, list[dict]]:
    """{owner id: [{customer, name, contact}]} for the contacts whose birthday is `day`, held customers only."""
    found = defaultdict(list)
    for contact, customer in birthdays_on(day):
        if customer.owner_id is not None:
            found[customer.owner_id].append({"customer": customer.pk, "name": customer.name, "contact": contact.name})
    return found


def anniversaries_by_owner(day: date) -> dict[int, list[dict]]:
    """{owner id: [{customer, name, years}]} for the held customers whose first won deal was
    signed on `day`'s month and day, one or more whole years before (the stored date of
    notifications/since.py, read through its (month, day) index)."""
    found = defaultdict(list)
    for month, day_of_month in _month_days(day):
        firsts = (CustomerSince.objects.filter(customer__owner__isnull=False)
                  .annotate(first_month=ExtractMonth("since"), first_day=ExtractDay("since"))
                  .filter(first_month=month, first_day=day_of_month, since__lt=date(day.year, 1, 1))
                  .values_list("customer_id", "customer__owner_id", "customer__name", "since")
                  .order_by("customer_id"))
        for customer_id, owner_id, name, since in firsts:
            found[owner_id].append({"customer": customer_id, "name": name, "years": day.year - since.year})
    return found


def _recipients():
    return User.objects.filter(is_active=True, role__in=HOLDING_ROLES).select_related("notify_preference").order_by("pk")


def remind_birthdays(*, now=None) -> int | None:
    """Tell everyone whose digest time has come today of the birthdays and anniversaries on
    today plus their lead days; how many notifications were created, None when another run
    holds the lock."""
    now = now or timezone.now()
    today = timewindows.today(now)
    local = timezone.localtime(now).time()
    with locks.try_session("notifications.birthdays") as got:
        if not got:
            return None
        people = [person for person in _recipients() if digest_time(preference_of(person)) <= local]
        found = {}
        for lead in sorted({lead_days(preference_of(person)) for person in people}):
            day = today + timedelta(days=lead)
            found[lead] = (day, {Kind.BIRTHDAY: birthdays_by_owner(day), Kind.ANNIVERSARY: anniversaries_by_owner(day)})
        told = 0
        for person in people:
            lead = lead_days(preference_of(person))
            day, kinds = found[lead]
            for kind, by_owner in kinds.items():
                items = by_owner.get(person.pk)
                if not items:
                    continue
                url = (reverse("crm:customer-detail", args=[items[0]["customer"]]) if len(items) == 1
                       else reverse("crm:customer-list"))
                with transaction.atomic():
                    told += services.notify(
                        recipient=person, kind=kind, key=f"{kind}:{today.isoformat()}", now=now, url=url,
                        params={"count": len(items), "on": day.isoformat(), "days": lead,
                                "items": items[:NAMES_SHOWN]},
                    ) is not None
        return told
