"""Backups (SPEC §8.4, §9): encrypted, verified backups of the database and the uploaded files,
the backups page, and the backup / verify_backup / restore / backup_keygen commands.

dump.py writes a backup, restore.py verifies and restores one, retention.py prunes, download.py
streams one to the page; postgres.py, files.py and media.py are their parts; crypto.py the format
of an encrypted file; policies.py who may do any of it."""
