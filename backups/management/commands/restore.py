"""manage.py restore NAME --database-url URL: put a backup back.

Restores the dump into an empty database (a non-empty one only with --force, which replaces its
contents) and the uploaded files into MEDIA_ROOT (or --media-root); checksums are checked first.
An encrypted backup needs the private key: --private-key FILE, or BACKUP_PRIVATE_KEY(_FILE).
Sessions and login lockouts are never in a backup: after a restore everyone logs in again.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.crypto import CryptoError
from backups.errors import BackupError
from backups.management.commands._backup_key import add_private_key_argument, private_key
from backups.restore import backup_restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database, plus its uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The backup's name, e.g. crm-20260101-020000.")
        parser.add_argument("--database-url", required=True,
                            help="postgresql://user:pass@host:port/db of an existing, empty database.")
        parser.add_argument("--media-root", help="Where the uploaded files go (default: MEDIA_ROOT).")
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")
        parser.add_argument("--force", action="store_true",
                            help="Replace the contents of a non-empty database and write into a non-empty media directory.")
        add_private_key_argument(parser)

    def handle(self, *args, name, database_url, media_root=None, no_media=False, force=False, **options):
        media = None if no_media else Path(media_root or settings.MEDIA_ROOT)
        identity = private_key(options["private_key"])
        started = time.monotonic()
        try:
            outcome = backup_restore(name=name, database_url=database_url, media_root=media,
                                             force=force, identity=identity, echo=self.stdout.write)
        except (BackupError, CryptoError, OSError) as error:  # damaged ciphertext, an unwritable directory
            raise CommandError(f"Restore failed: {error}") from error
        self.stdout.write(
            f"Restored {outcome.tables} tables, {outcome.rows} rows into {outcome.database} "
            f"in {outcome.database_seconds:.1f} s (row counts match the manifest)."
        )
        if media is not None:
            self.stdout.write(f"Restored {outcome.media_files} uploaded files into {media} in {outcome.media_seconds:.1f} s.")
        self.stdout.write("Sessions and login lockouts are not in backups: everyone logs in again.")
        self.stdout.write(f"Total {time.monotonic() - started:.1f} s. If this code is newer than the backup, run manage.py migrate.")
