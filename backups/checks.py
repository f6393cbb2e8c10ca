"""System checks for backups: `check` refuses a backup key that cannot be read, and
`check --deploy` warns when backups would be written unencrypted."""

from django.core.checks import Error, Tags, Warning, register

from backups.crypto import CryptoError, configured_recipient


@register(Tags.security)
def backup_key_is_readable(app_configs, **kwargs):
    try:
        configured_recipient()
    except CryptoError as error:
        return [Error(f"BACKUP_PUBLIC_KEY / BACKUP_PUBLIC_KEY_FILE: {error}",
                      hint="Use the line `manage.py backup_keygen` printed (docs/operations.md, Encryption).",
                      id="backups.E101")]
    return []


@register(Tags.security, deploy=True)
def backups_are_encrypted(app_configs, **kwargs):
    try:
        recipient = configured_recipient()
    except CryptoError:
        return []  # backups.E101 says it
    if recipient is None:
        return [Warning("Backups are written unencrypted: whoever reads or downloads one (the backup operator) "
                        "reads every customer and password hash.",
                        hint="Set BACKUP_PUBLIC_KEY to the public key `manage.py backup_keygen` prints "
                             "(docs/operations.md, Encryption).",
                        id="backups.W101")]
    return []
