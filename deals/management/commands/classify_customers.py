"""manage.py classify_customers: key accounts by won revenue over 12 months (A/B/C, deals/abc.py).
Nightly (refresh_reports runs it at its end too); safe to re-run and to run on two servers at once."""

from django.core.management.base import BaseCommand

from deals import abc


class Command(BaseCommand):
    help = "Classify customers A/B/C by their won revenue over the last 12 months."

    def handle(self, *args, **options):
        done = abc.classify()
        if done is None:
            self.stdout.write("Another classify_customers run holds the lock; nothing done.")
            return
        self.stdout.write(
            f"Customers classified in {done.duration_ms} ms: A {done.classes['A']}, B {done.classes['B']}, "
            f"C {done.classes['C']} (revenue {done.revenue}); {done.changed} rows changed, {done.cleared} cleared, "
            f"{done.promoted} made VIP."
        )
