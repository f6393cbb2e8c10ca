"""manage.py notify_digest: the morning digest of everyone whose digest time has come today and
who has not had it, and the birthday and anniversary reminders (notifications.birthdays) at the
same moment. Run every few minutes (e.g. */5) from cron; safe to re-run."""

from django.core.management.base import BaseCommand

from notifications.birthdays import remind_birthdays
from notifications.jobs import send_digests


class Command(BaseCommand):
    help = "Create the morning digests and birthday/anniversary reminders that are due (one per person per day)."

    def handle(self, *args, **options):
        told = send_digests()
        if told is None:
            self.stdout.write("Another notify_digest run holds the lock; nothing done.")
        else:
            self.stdout.write(f"Digests for {told} people.")
        told = remind_birthdays()
        if told is None:
            self.stdout.write("Another birthday run holds the lock; nothing done.")
        else:
            self.stdout.write(f"Birthday and anniversary reminders: {told}.")
