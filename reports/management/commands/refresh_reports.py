"""manage.py refresh_reports: rebuild the small summary tables behind the company-wide
dashboard and reports (reports/models.py) and ANALYZE them. Nightly, after recycle_pool
(docs/operations.md). Ends with the customers' revenue classes (deals/abc.py, also
`manage.py classify_customers`). Safe to re-run and to run on two servers at once: an advisory lock lets one work."""

from django.core.management.base import BaseCommand

from deals import abc
from reports import summaries


class Command(BaseCommand):
    help = "Rebuild the report summary tables (customer totals, follow-ups and custody per day)."

    def handle(self, *args, **options):
        done = summaries.refresh_summaries()
        if done is None:
            self.stdout.write("Another refresh_reports run holds the lock; nothing done.")
            return
        self.stdout.write(f"Report summaries rebuilt as of {done.refreshed_at:%Y-%m-%d %H:%M:%S %Z} in {done.duration_ms} ms.")
        classified = abc.classify()
        if classified is not None:
            self.stdout.write(f"Revenue classes: A {classified.classes['A']}, B {classified.classes['B']}, "
                              f"C {classified.classes['C']} in {classified.duration_ms} ms.")
