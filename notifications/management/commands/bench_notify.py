"""manage.py bench_notify: issue 24's speed targets against the demo data (seed_demo), with
everything it creates rolled back at the end:

- the morning digest of everyone built and queued (notifications and their deliveries): ≤ 60 s
  for 500 people; the supervisors' group digests and one run of the plan reminders beside it;
- the bell's unread count, what every page adds: ≤ 1 query and ≤ 2 ms (a person with
  --notifications notifications, half unread);
- a 3-month calendar feed (the person with the most plans in it): ≤ 200 ms;
- the birthday and anniversary queries of one day (company-wide, what the morning job and the
  digest run once) and the reminders of everyone for a day with birthdays.
"""

import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractDay, ExtractMonth
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from common import timewindows
from contacts.models import ACTIVE, Contact
from deals.models import Deal
from notifications import birthdays, feed
from notifications.context_processors import bell
from notifications.group_digest import send_group_digests
from notifications.jobs import _recipients, send_digests
from notifications.models import Delivery, Kind, Notification
from notifications.reminders import remind_plans


def _timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


class Command(BaseCommand):
    help = "Measure the morning digest for everyone, the bell's count and a 3-month calendar feed (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30, help="timed repetitions of the bell and the feed")
        parser.add_argument("--notifications", type=int, default=2000, help="notifications of the bell's person")

    def handle(self, *args, repeat, notifications, **options):
        people = _recipients().count()
        if not people:
            raise CommandError("Run `manage.py seed_demo` first: nobody holds customers.")
        lines = []
        with transaction.atomic():
            # Everyone has an address (inside this rolled-back transaction), so digests queue e-mails.
            _recipients().filter(email="").update(email="bench@example.cn")
            late = timezone.make_aware(datetime.combine(timewindows.today(), clock(23, 50)))
            told, seconds = _timed(lambda: send_digests(now=late))
            deliveries = Delivery.objects.filter(notification__kind=Kind.DIGEST).count()
            lines.append(f"morning digest: {people} people considered, {told} digests and {deliveries} deliveries "
                         f"queued in {seconds:.1f} s (target ≤ 60 s for 500 people)")
            told, seconds = _timed(lambda: send_group_digests(now=late))
            lines.append(f"group digests: {told} supervisors in {seconds:.1f} s")
            reminded, seconds = _timed(lambda: remind_plans())
            lines.append(f"plan reminders (one run): {reminded.starting} starting, {reminded.overdue} overdue in {seconds:.2f} s")
            lines += self._birthdays(late, repeat)
            lines += self._bell(notifications, repeat)
            lines += self._feed(repeat)
            lines += self._feed(repeat, birthdays_on=True)
            transaction.set_rollback(True)
        for line in lines:
            self.stdout.write(line)

    def _birthdays(self, late, repeat):
        """The worst mornings of next year (every first deal signed so far has an anniversary
        then): the day with the most contacts' birthdays, the day with the most deals signed."""
        next_year = timewindows.today(late).year + 1
        lines = []
        for name, rows, query in (
                ("birthdays", Contact.objects.filter(ACTIVE, birthday__isnull=False), birthdays.birthdays_by_owner),
                ("anniversaries", Deal.objects.filter(won_on__isnull=False), birthdays.anniversaries_by_owner)):
            field = "birthday" if name == "birthdays" else "won_on"
            busiest = (rows.annotate(month=ExtractMonth(field), day=ExtractDay(field)).values("month", "day")
                       .annotate(n=Count("pk")).order_by("-n").first())
            if busiest is None:
                lines.append(f"{name}: none in the data (seed_demo makes contacts and deals)")
                continue
            day = date(next_year, busiest["month"], min(busiest["day"], 28))
            timings = []
            for _ in range(repeat):
                found, seconds = _timed(lambda query=query, day=day: query(day))
                timings.append(seconds * 1000)
            timings.sort()
            lines.append(f"{name} of {day.isoformat()} (the busiest day): {sum(len(items) for items in found.values())} "
                         f"for {len(found)} people, p50 {statistics.median(timings):.0f} ms, "
                         f"p95 {timings[int(len(timings) * 0.95) - 1]:.0f} ms")
            morning = timezone.make_aware(datetime.combine(day, clock(23, 50)))
            told, seconds = _timed(lambda morning=morning: birthdays.remind_birthdays(now=morning))
            lines.append(f"  reminders of everyone that day: {told} notifications in {seconds:.1f} s")
        return lines

    def _bell(self, count, repeat):
        person = _recipients().last()
        now = timezone.now()
        Notification.objects.bulk_create(
            Notification(recipient=person, kind=Kind.SHARED, key=f"bench:{index}", params={"customer": "客户"},
                         created_at=now - timedelta(minutes=index), read_at=None if index % 2 else now)
            for index in range(count))
        request = RequestFactory().get("/")
        request.user = person
        with CaptureQueriesContext(connection) as captured:
            shown = str(bell(request)["notifications_unread"])  # as a page renders it
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            str(bell(request)["notifications_unread"])
            timings.append((time.perf_counter() - started) * 1000)
        unread = Notification.objects.filter(recipient=person, read_at__isnull=True).count()
        return [f"bell: {unread} unread of {count}, shown \"{shown}\": {len(captured)} query, "
                f"p50 {statistics.median(timings):.2f} ms, max {max(timings):.2f} ms (target ≤ 1 query, ≤ 2 ms)"]

    def _feed(self, repeat, birthdays_on=False):
        now = timezone.now()
        window = Q(plans__start_at__gte=now - timedelta(days=feed.PAST_DAYS),
                   plans__start_at__lte=now + timedelta(days=feed.FUTURE_DAYS))
        person = (User.objects.filter(is_active=True).annotate(n=Count("plans", filter=window)).order_by("-n", "pk")
                  .first())
        timings = []
        for _ in range(repeat):
            body, seconds = _timed(lambda: feed.calendar_for(person, show_phones=False, show_birthdays=birthdays_on))
            timings.append(seconds * 1000)
        events = body.count(b"BEGIN:VEVENT")
        timings.sort()
        label = " with birthdays and anniversaries" if birthdays_on else ""
        return [f"calendar feed{label} (4 months: 30 days back, 92 ahead): {events} events, {len(body) // 1024} KB, "
                f"p50 {statistics.median(timings):.0f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.0f} ms "
                f"(target ≤ 200 ms)"]
