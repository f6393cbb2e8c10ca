"""manage.py notify_refresh_since: recompute every customer's "customer since" date (the first
won deal's signing date, from which anniversaries count). Nightly, before the morning's
notify_digest; safe to re-run (writes only the rows that changed)."""

import time

from django.core.management.base import BaseCommand

from notifications.since import refresh_all


class Command(BaseCommand):
    help = "Recompute each customer's first won deal date (anniversaries) from the deals."

    def handle(self, *args, **options):
        started = time.perf_counter()
        written, removed = refresh_all()
        self.stdout.write(f"Customer-since dates: {written} written, {removed} removed "
                          f"in {time.perf_counter() - started:.1f} s.")
