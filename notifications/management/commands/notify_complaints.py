"""manage.py notify_complaints: escalate complaints near or past their deadlines (supervisors:
the response deadline; admins: the resolution deadline). Every 15 minutes; safe to re-run."""

from django.core.management.base import BaseCommand

from notifications.complaints import escalate


class Command(BaseCommand):
    help = "Tell supervisors and admins of complaints near or past their deadlines (once per complaint and step)."

    def handle(self, *args, **options):
        told = escalate()
        if told is None:
            self.stdout.write("Another notify_complaints run holds the lock; nothing done.")
            return
        self.stdout.write("Told: " + ", ".join(f"{step} {count}" for step, count in told.items()))
