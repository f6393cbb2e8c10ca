"""manage.py notify_digest: the morning digest of everyone whose digest time has come today and
who has not had it. Run every few minutes (e.g. */5) from cron; safe to re-run."""

from django.core.management.base import BaseCommand

from notifications.jobs import send_digests


class Command(BaseCommand):
    help = "Create the morning digests that are due (one per person per day)."

    def handle(self, *args, **options):
        told = send_digests()
        if told is None:
            self.stdout.write("Another notify_digest run holds the lock; nothing done.")
            return
        self.stdout.write(f"Digests for {told} people.")
