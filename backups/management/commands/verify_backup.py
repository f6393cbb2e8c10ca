"""manage.py verify_backup [NAME]: prove a backup restores.

Checks every checksum, restores the dump into a scratch database, compares each table's row
count with the manifest, drops the scratch database, and marks the backup verified or failed.
An encrypted backup is restored only with the private key (--private-key FILE or
BACKUP_PRIVATE_KEY(_FILE)); without it, its ciphertext checksums are checked (it was restored
and counted before it was encrypted). Without NAME: the newest backup. Exits non-zero when the
backup does not verify.
"""

from django.core.management.base import BaseCommand, CommandError

from backups.errors import BackupError
from backups.files import latest_backup_name
from backups.management.commands._backup_key import add_private_key_argument, private_key
from backups.restore import backup_verify


class Command(BaseCommand):
    help = "Verify a backup by restoring it into a scratch database (default: the newest backup)."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="The backup's name, e.g. crm-20260101-020000.")
        add_private_key_argument(parser)

    def handle(self, *args, name=None, **options):
        echo = self.stdout.write if options["verbosity"] > 1 else None
        try:
            name = name or latest_backup_name()
        except BackupError as error:
            raise CommandError(str(error)) from error
        outcome = backup_verify(name=name, identity=private_key(options["private_key"]), echo=echo)
        if not outcome.ok:
            raise CommandError(f"Backup {name} failed verification: {outcome.message}")
        self.stdout.write(f"Backup {name} verified in {outcome.seconds:.1f} s: {outcome.message}")
