"""manage.py clean_attachments: the nightly orphan sweep (interrupted uploads, files of deleted
customers). Safe to re-run, one run at a time."""

from django.core.management.base import BaseCommand

from attachments import services


class Command(BaseCommand):
    help = "Finish or delete interrupted uploads, and delete stored files no attachment names."

    def handle(self, *args, **options):
        sweep = services.attachments_clean()
        if sweep is None:
            self.stdout.write("Another clean_attachments run holds the lock; nothing done.")
            return
        self.stdout.write(f"Finished {sweep.finished} interrupted uploads; deleted {sweep.removed} orphan files.")
