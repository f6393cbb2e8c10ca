"""manage.py notify_recycle_soon: tell each person which of their customers recycle_pool returns
to the pool within NOTIFY_RECYCLE_WARN_DAYS. Nightly, after recycle_pool; safe to re-run."""

from django.core.management.base import BaseCommand

from notifications.jobs import warn_recycle_soon


class Command(BaseCommand):
    help = "Warn people of their customers going back to the pool soon (one notification per person per day)."

    def handle(self, *args, **options):
        told = warn_recycle_soon()
        if told is None:
            self.stdout.write("Another notify_recycle_soon run holds the lock; nothing done.")
            return
        self.stdout.write(f"Warned {told} people.")
