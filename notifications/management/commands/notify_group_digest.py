"""manage.py notify_group_digest: each supervisor's daily digest of their groups, from
NOTIFY_GROUP_DIGEST_TIME. Run every few minutes (e.g. */5) from cron; safe to re-run."""

from django.core.management.base import BaseCommand

from notifications.group_digest import send_group_digests


class Command(BaseCommand):
    help = "Create the supervisors' daily group digests that are due (one per supervisor per day)."

    def handle(self, *args, **options):
        told = send_group_digests()
        if told is None:
            self.stdout.write("Another notify_group_digest run holds the lock; nothing done.")
            return
        self.stdout.write(f"Group digests for {told} supervisors.")
