"""Where attachment files live, and the two moves an upload makes.

Local disk by default: the default storage (MEDIA_ROOT/attachments/..., which no URL serves and
the nightly backup archives with the customer photos). On S3-compatible storage when
ATTACHMENTS_S3_BUCKET is set (config/settings.py adds the "attachments" alias with
django-storages' S3Storage, private ACL): files are still served only through the policy's view,
never by a bucket URL.

An upload is written under attachments/incoming/<random>.<ext> first and moved to its final
name (attachments/<yyyy>/<mm>/<same random>.<ext>) by the transaction's commit hook, so a
rolled-back or interrupted upload leaves only an incoming file, which `clean_attachments`
removes (or finishes moving, when its row was committed).
"""

import os
import secrets

from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.utils import timezone

PREFIX = "attachments"
INCOMING = f"{PREFIX}/incoming"


def attachment_storage():
    """The storage of attachments (also the FileField's `storage` callable)."""
    return storages["attachments"] if "attachments" in settings.STORAGES else default_storage


def new_names(extension: str) -> tuple[str, str]:
    """(incoming name, final name) for a new upload: a random stem, the detected type's extension."""
    stem = secrets.token_hex(16)
    return f"{INCOMING}/{stem}.{extension}", f"{PREFIX}/{timezone.now():%Y/%m}/{stem}.{extension}"


def final_name_of(incoming: str, final_names) -> str | None:
    stem = incoming.rsplit("/", 1)[-1]
    return next((name for name in final_names if name.endswith("/" + stem)), None)


def move(storage, source: str, target: str) -> None:
    """Move a stored file: a rename on a local disk, copy-then-delete elsewhere (S3)."""
    try:
        source_path, target_path = storage.path(source), storage.path(target)
    except NotImplementedError:
        with storage.open(source, "rb") as handle:
            saved = storage.save(target, handle)
        if saved != target:  # names are random: a collision is a bug, not a case to handle
            storage.delete(saved)
            raise RuntimeError(f"{target} exists already")
        storage.delete(source)
        return
    os.makedirs(os.path.dirname(target_path), exist_ok=True)
    os.replace(source_path, target_path)


def walk(storage, directory: str):
    """Every file name under `directory` of `storage`, recursively."""
    try:
        folders, files = storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from walk(storage, f"{directory}/{folder}")
