"""The --private-key option shared by restore and verify_backup."""

from django.core.management.base import CommandError

from backups.crypto import CryptoError, Identity, identity_from_environment


def add_private_key_argument(parser) -> None:
    parser.add_argument(
        "--private-key", metavar="FILE",
        help="The private key that decrypts an encrypted backup (else BACKUP_PRIVATE_KEY or "
             "BACKUP_PRIVATE_KEY_FILE from the environment).")


def private_key(path: str | None) -> Identity | None:
    try:
        return Identity.from_file(path) if path else identity_from_environment()
    except CryptoError as error:
        raise CommandError(str(error)) from error
