"""Errors of backups, verifications and restores."""


class BackupError(Exception):
    """A backup, verification or restore could not be done; the message says why, for a person."""
