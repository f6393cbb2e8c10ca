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


def calendar_for(person, *, show_phones: bool, show_birthdays: bool = False, now=None) -> bytes:
    now = now or timezone.now()
    today = timezone.localdate(now)
    site = settings.NOTIFY_SITE_URL.rstrip("/")
    domain = site.split("://")[-1].split("/")[0] or "crm"
    calendar = Feed(prodid="-//CRM//Notifications//EN", name="CRM")
    customers = (Customer.objects.filter(owner=person, next_contact_on__gte=today - timedelta(days=PAST_DAYS),
                                         next_contact_on__lte=today + timedelta(days=FUTURE_DAYS))
                 .only("pk", "name", "company", "phone", "next_contact_on").order_by("next_contact_on", "pk"))
    for customer in customers:
        url = f"{site}{customer.get_absolute_url()}"
        calendar.event(uid=f"visit-{customer.pk}-{customer.next_contact_on.isoformat()}@{domain}", stamp=now,
                       start=customer.next_contact_on, end=customer.next_contact_on + timedelta(days=1),
                       summary=f"☎ {customer.name}" + (f" ({customer.company})" if customer.company else ""),
                       url=url, description="\n".join(filter(None, [customer.phone if show_phones else "", url])))
    plans = (Plan.objects.filter(author=person, start_at__gte=now - timedelta(days=PAST_DAYS),
                                 start_at__lte=now + timedelta(days=FUTURE_DAYS))
             .prefetch_related(Prefetch("customers", queryset=Customer.objects.filter(owner=person).order_by("pk"))).order_by("start_at", "pk"))
    for plan in plans:
        names = [customer.name + (f" {customer.phone}" if show_phones and customer.phone else "")
                 for customer in plan.customers.all()]
        calendar.event(uid=f"plan-{plan.pk}@{domain}", stamp=now, start=plan.start_at, end=plan.end_at,
                       summary=plan.subject, url=f"{site}{plan.get_absolute_url()}",
                       description="\n".join(filter(None, [plan.content, *names])))
    _add_deals(calendar, person, today=today, now=now, site=site, domain=domain)
    if show_birthdays:
        _add_birthdays(calendar, person, today=today, now=now, site=site, domain=domain)
    return calendar.to_ical()


def _add_birthdays(calendar, person, *, today, now, site, domain) -> None:
    """Birthdays of the contacts at the customers they hold, and those customers' anniversaries
    (notifications.birthdays), as yearly all-day events (RRULE): those falling within the feed's
    window (a month back, three ahead), like its other events. The whole book would be every
    contact's birthday (4,000 events for a salesperson of the large demo: icalendar needs about
    0.3 ms each, over a second); the subscribed calendar refreshes and shows the next ones as
    their day comes near. Never a phone number."""
    customer_url = f"{site}{reverse('crm:customer-detail', args=[0])}".replace("/0/", "/{}/")  # reversed once
    contacts = (Contact.objects.filter(ACTIVE, customer__owner=person, birthday__isnull=False)
                .values_list("pk", "name", "birthday", "customer_id", "customer__name").order_by("pk"))
    for pk, name, birthday, customer_id, customer_name in contacts:
        if _in_window(birthday, today):
            _yearly(calendar, f"birthday-{pk}@{domain}", birthday, now=now, summary=f"🎂 {name} ({customer_name})",
                    url=customer_url.format(customer_id))
    firsts = (CustomerSince.objects.filter(customer__owner=person)
              .values_list("customer_id", "customer__name", "since").order_by("customer_id"))
    for customer_id, customer_name, since in firsts:
        if _in_window(since, today):
            _yearly(calendar, f"anniversary-{customer_id}@{domain}", since, now=now,
                    summary=f"🤝 {customer_name}", url=customer_url.format(customer_id))


def _in_window(day, today) -> bool:
    """Whether a yearly date (29 February: the 28th in common years) falls within the feed's window."""
    start, end = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    for year in range(start.year, end.year + 1):
        on = date(year, 2, 28) if (day.month, day.day) == (2, 29) and not calendar_module.isleap(year) \
            else day.replace(year=year)
        if start <= on <= end:
            return True
    return False


def _yearly(calendar, uid, day, *, now, summary, url) -> None:
    # 29 February: BYMONTHDAY=-1 in February keeps it on the last day of the month every year.
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1" if (day.month, day.day) == (2, 29) else "FREQ=YEARLY"
    calendar.event(uid=uid, stamp=now, start=day, end=day + timedelta(days=1), rrule=rule, summary=summary, url=url)


def _add_deals(calendar, person, *, today, now, site, domain) -> None:
    """Open deals on their expected close date (an all-day event); closed ones have no date to keep."""
    deals = (Deal.objects.filter(owner=person, stage__kind=Stage.Kind.OPEN,
                                 expected_close_on__gte=today - timedelta(days=PAST_DAYS),
                                 expected_close_on__lte=today + timedelta(days=FUTURE_DAYS))
             .select_related("customer").only("pk", "title", "amount", "expected_close_on", "customer__name")
             .order_by("expected_close_on", "pk"))
    for deal in deals:
        url = f"{site}{deal.get_absolute_url()}"
        calendar.event(uid=f"deal-{deal.pk}-{deal.expected_close_on.isoformat()}@{domain}", stamp=now,
                       start=deal.expected_close_on, end=deal.expected_close_on + timedelta(days=1),
                       summary=f"¥ {deal.title} ({deal.customer.name})", url=url,
                       description=f"¥{deal.amount:,.2f}\n{url}")
