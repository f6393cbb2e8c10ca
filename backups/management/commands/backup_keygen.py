"""manage.py backup_keygen --out FILE: make the key pair backups are encrypted for.

Writes the private key (PEM, readable by its owner only) to FILE and prints the public key as
the line to put in the server's environment. Run it on the machine of whoever keeps the private
key (not on the CRM server), and keep FILE where the company keeps its other secrets: without it
no encrypted backup can ever be restored. The same with openssl: docs/operations.md, Encryption.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.crypto import Identity


class Command(BaseCommand):
    help = "Make a key pair for encrypted backups: the private key goes to FILE, the public key is printed."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="FILE", help="Where to write the private key (must not exist).")

    def handle(self, *args, out, **options):
        identity = Identity.generate()
        try:
            fd = os.open(Path(out), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{out} exists: choose another file (an old key may still be needed for old backups).") from None
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error}") from error
        with open(fd, "wb") as f:
            f.write(identity.pem())
        recipient = identity.recipient
        self.stdout.write(f"Private key written to {out} (fingerprint {recipient.fingerprint}). Keep it off the CRM server,")
        self.stdout.write("in two safe places: without it no backup encrypted for this key can be restored.")
        self.stdout.write("Put this line in the CRM server's environment (.env), then restart the app and the worker:")
        self.stdout.write(f"BACKUP_PUBLIC_KEY={recipient.text()}")
