"""manage.py backup: one consistent, checksummed backup of the database and uploaded files,
restored into a scratch database and counted before it is kept, encrypted for BACKUP_PUBLIC_KEY.

For cron and systemd (docs/operations.md). Exits non-zero with a message on any failure; a
failed run leaves the good backups as they were. The last line of output is the new backup's
name, which verify_backup and restore accept.
"""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from backups.dump import backup_run, backup_start
from backups.errors import BackupError
from backups.files import stored_files


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the uploaded files, then apply the retention policy."

    def add_arguments(self, parser):
        parser.add_argument("--no-prune", action="store_true", help="Keep every old backup this time.")
        parser.add_argument("--no-record", action="store_true",
                            help="Do not write the backup catalogue (a database without the crm_backup table).")

    def handle(self, *args, no_prune=False, no_record=False, **options):
        echo = self.stdout.write if options["verbosity"] > 1 else None
        try:
            record = None if no_record else backup_start(by=None)
            outcome = backup_run(backup=record, prune=not no_prune and not no_record, echo=echo)
        except BackupError as error:
            raise CommandError(f"Backup failed: {error}") from error
        tables = outcome.manifest["tables"]
        files = outcome.manifest["files"]
        size = sum(f["size"] for f in files.values())
        self.stdout.write(
            f"Backed up {len(tables)} tables, {sum(tables.values())} rows and "
            f"{outcome.manifest['media']['files']} uploaded files to {outcome.path} "
            f"({filesizeformat(size)}) in {outcome.seconds:.1f} s."
        )
        dump = stored_files(outcome.manifest)[0]
        self.stdout.write(f"Restored into a scratch database and counted: {outcome.manifest['verified']['rows']} rows.")
        if outcome.manifest["encryption"]:
            self.stdout.write(f"Encrypted for the key {outcome.manifest['encryption']['key']}.")
        else:
            self.stderr.write("WARNING: not encrypted (no BACKUP_PUBLIC_KEY): whoever reads this backup reads every "
                              "customer and password hash. See docs/operations.md, Encryption.")
        self.stdout.write(f"SHA-256 {dump}: {files[dump]['sha256']}")
        if outcome.pruned:
            self.stdout.write(f"Retention removed {len(outcome.pruned)}: {', '.join(outcome.pruned)}")
        self.stdout.write(outcome.name)
