"""manage.py notify_plans: "a plan starts in N minutes" and "a plan became overdue". Run every
minute from cron or a systemd timer; safe to re-run and on several servers at once."""

from django.core.management.base import BaseCommand

from notifications.reminders import remind_plans


class Command(BaseCommand):
    help = "Remind people of their plans starting soon and of plans that became overdue."

    def handle(self, *args, **options):
        reminded = remind_plans()
        if reminded is None:
            self.stdout.write("Another notify_plans run holds the lock; nothing done.")
            return
        self.stdout.write(f"Plans starting soon: {reminded.starting}; plans overdue: {reminded.overdue}.")
