"""manage.py purge_attachments: delete for good the files removed more than
ATTACHMENTS_RETENTION_DAYS ago. Nightly (docs/operations.md); safe to re-run, one run at a time."""

from django.conf import settings
from django.core.management.base import BaseCommand

from attachments import services


class Command(BaseCommand):
    help = "Delete the files removed more than ATTACHMENTS_RETENTION_DAYS ago (rows and bytes)."

    def handle(self, *args, **options):
        purged = services.attachments_purge()
        if purged is None:
            self.stdout.write("Another purge_attachments run holds the lock; nothing done.")
            return
        self.stdout.write(f"Purged {purged} files removed more than {settings.ATTACHMENTS_RETENTION_DAYS} days ago.")
