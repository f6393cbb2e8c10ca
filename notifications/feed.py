"""A person's calendar feed (RFC 5545, written by notifications/ical.py and parsed back with the
`icalendar` library in the tests): their planned visits (the
next contact dates of the customers they hold), their work plans and the expected close dates
of their open deals, from a month ago to three
months ahead, with the names of customers they hold and links back; phone numbers only if
they opted in; birthdays and anniversaries (yearly events, those of the same window) if they
opted in."""

import calendar as calendar_module
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from contacts.models import ACTIVE, Contact
from crm.models import Customer
from deals.models import Deal, Stage
from notifications.ical import Feed
from notifications.models import CustomerSince
from workplans.models import Plan

PAST_DAYS, FUTURE_DAYS = 30, 92


def _url_of(site: str, name: str):
    """`url(pk)` for a detail page, reversed once (reverse() per event was half the feed's time)."""
    pattern = f"{site}{reverse(name, args=[987654321])}"
    return lambda pk: pattern.replace("987654321", str(pk))


def calendar_for(person, *, show_phones: bool, show_birthdays: bool = False, now=None) -> bytes:
    now = now or timezone.now()
    today = timezone.localdate(now)
    site = settings.NOTIFY_SITE_URL.rstrip("/")
    domain = site.split("://")[-1].split("/")[0] or "crm"
    calendar = Feed(prodid="-//CRM//Notifications//EN", name="CRM", stamp=now)
    customer_url = _url_of(site, "crm:customer-detail")
    customers = (Customer.objects.filter(owner=person, next_contact_on__gte=today - timedelta(days=PAST_DAYS),
                                         next_contact_on__lte=today + timedelta(days=FUTURE_DAYS))
                 .values_list("pk", "name", "company", "phone", "next_contact_on").order_by("next_contact_on", "pk"))
    for pk, name, company, phone, on in customers:
        url = customer_url(pk)
        calendar.event(uid=f"visit-{pk}-{on.isoformat()}@{domain}", start=on, end=on + timedelta(days=1),
                       summary=f"☎ {name}" + (f" ({company})" if company else ""),
                       url=url, description="\n".join(filter(None, [phone if show_phones else "", url])))
    plans = (Plan.objects.filter(author=person, start_at__gte=now - timedelta(days=PAST_DAYS),
                                 start_at__lte=now + timedelta(days=FUTURE_DAYS))
             .prefetch_related(Prefetch("customers", queryset=Customer.objects.filter(owner=person).order_by("pk"))).order_by("start_at", "pk"))
    plan_url = _url_of(site, "workplans:plan-detail")
    for plan in plans:
        names = [customer.name + (f" {customer.phone}" if show_phones and customer.phone else "")
                 for customer in plan.customers.all()]
        calendar.event(uid=f"plan-{plan.pk}@{domain}", start=plan.start_at, end=plan.end_at,
                       summary=plan.subject, url=plan_url(plan.pk),
                       description="\n".join(filter(None, [plan.content, *names])))
    _add_deals(calendar, person, today=today, site=site, domain=domain)
    if show_birthdays:
        _add_birthdays(calendar, person, today=today, site=site, domain=domain)
    return calendar.to_ical()


def _add_birthdays(calendar, person, *, today, site, domain) -> None:
    """Birthdays of the contacts at the customers they hold, and those customers' anniversaries
    (notifications.birthdays), as yearly all-day events (RRULE): those falling within the feed's
    window (a month back, three ahead), like its other events. The whole book would be every
    contact's birthday (a salesperson of the large demo: 5,100 events instead of 3,640 for all
    the feed); the subscribed calendar refreshes and shows the next ones as
    their day comes near. Never a phone number."""
    customer_url = _url_of(site, "crm:customer-detail")
    contacts = (Contact.objects.filter(ACTIVE, customer__owner=person, birthday__isnull=False)
                .values_list("pk", "name", "birthday", "customer_id", "customer__name").order_by("pk"))
    for pk, name, birthday, customer_id, customer_name in contacts:
        if _in_window(birthday, today):
            _yearly(calendar, f"birthday-{pk}@{domain}", birthday, summary=f"🎂 {name} ({customer_name})",
                    url=customer_url(customer_id))
    firsts = (CustomerSince.objects.filter(customer__owner=person)
              .values_list("customer_id", "customer__name", "since").order_by("customer_id"))
    for customer_id, customer_name, since in firsts:
        if _in_window(since, today):
            _yearly(calendar, f"anniversary-{customer_id}@{domain}", since,
                    summary=f"🤝 {customer_name}", url=customer_url(customer_id))


def _in_window(day, today) -> bool:
    """Whether a yearly date (29 February: the 28th in common years) falls within the feed's window."""
    start, end = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    for year in range(start.year, end.year + 1):
        on = date(year, 2, 28) if (day.month, day.day) == (2, 29) and not calendar_module.isleap(year) \
            else day.replace(year=year)
        if start <= on <= end:
            return True
    return False


def _yearly(calendar, uid, day, *, summary, url) -> None:
    # 29 February: BYMONTHDAY=-1 in February keeps it on the last day of the month every year.
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1" if (day.month, day.day) == (2, 29) else "FREQ=YEARLY"
    calendar.event(uid=uid, start=day, end=day + timedelta(days=1), rrule=rule, summary=summary, url=url)


def _add_deals(calendar, person, *, today, site, domain) -> None:
    """Open deals on their expected close date (an all-day event); closed ones have no date to keep."""
    deal_url = _url_of(site, "deals:deal-detail")
    deals = (Deal.objects.filter(owner=person, stage__kind=Stage.Kind.OPEN,
                                 expected_close_on__gte=today - timedelta(days=PAST_DAYS),
                                 expected_close_on__lte=today + timedelta(days=FUTURE_DAYS))
             .values_list("pk", "title", "amount", "expected_close_on", "customer__name")
             .order_by("expected_close_on", "pk"))
    for pk, title, amount, on, customer_name in deals:
        url = deal_url(pk)
        calendar.event(uid=f"deal-{pk}-{on.isoformat()}@{domain}", start=on, end=on + timedelta(days=1),
                       summary=f"¥ {title} ({customer_name})", url=url, description=f"¥{amount:,.2f}\n{url}")
