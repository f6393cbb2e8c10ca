"""Writes of attachments: upload, remove, put back, and the nightly purge and orphan sweep."""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from attachments import detection, storage
from attachments.models import Attachment
from attachments.targets import target
from common import bulk, locks

UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
PURGE_BATCH = 500


def display_name(uploaded_name: str, extension: str) -> str:
    """The uploader's file name without folders or control characters, with the extension of the
    type found in the bytes (what a download is called)."""
    stem = PurePosixPath(UNSAFE.sub("_", (uploaded_name or "").replace("\\", "/").rsplit("/", 1)[-1])).stem.strip()
    return f"{(stem or _('file'))[:150]}.{extension}"


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _checked(uploaded) -> detection.Detected:
    """The type found in the bytes; a ValidationError when too large or not an accepted type."""
    limit = settings.ATTACHMENTS_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(_("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)})
    return detection.detect(uploaded, uploaded.name)


def attachment_upload(*, kind: str, record, uploaded, by) -> Attachment:
    """Store `uploaded` on `record` (which `by` may attach to: the caller asked the policy).
    Refused with a ValidationError, nothing stored, when it is too large or not an accepted type.
    The bytes go to an incoming name first and reach their final name when the row commits."""
    detected = _checked(uploaded)
    digest = _sha256(uploaded)
    incoming, final = storage.new_names(detected.extension)
    files = storage.attachment_storage()
    saved = files.save(incoming, uploaded)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                target_type=kind, target_id=record.pk, customer_id=target(kind).customer_id(record), file=final,
                name=display_name(uploaded.name, detected.extension), content_type=detected.content_type,
                size=uploaded.size, sha256=digest, previewable=detected.previewable, uploaded_by=by)
            transaction.on_commit(lambda: storage.move(files, saved, final))
    except BaseException:
        files.delete(saved)
        raise
    return attachment


def complaint_files_attach(complaint, files, *, by) -> None:
    """The files given when logging a complaint (complaints.hooks), inside its transaction: every
    file is checked before any is stored, so one refused file refuses them all and the complaint
    (the caller rolls back). Bytes of a later failure are left as incoming files, which the
    nightly sweep (attachments_clean) deletes since no row names them."""
    for uploaded in files:
        _checked(uploaded)
    for uploaded in files:
        attachment_upload(kind="complaint", record=complaint, uploaded=uploaded, by=by)


def attachment_remove(*, attachment: Attachment, by) -> None:
    """Hide the file; its bytes stay until ATTACHMENTS_RETENTION_DAYS have passed (purge)."""
    with transaction.atomic():
        done = Attachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=by)
        if done:
            _audit("attachments.remove", attachment, by)
    if not done:
        raise ValidationError(_("Someone removed this file meanwhile."))


def _audit(action: str, attachment: Attachment, by) -> None:
    audit.record(actor=by, action=action, summary=attachment.name, name=attachment.name, attachment=attachment.pk,
                 target=f"{attachment.target_type}:{attachment.target_id}", customer=attachment.customer_id)


def attachment_restore(*, attachment: Attachment, by) -> None:
    with transaction.atomic():
        done = Attachment.objects.filter(pk=attachment.pk, removed_at__isnull=False).update(
            removed_at=None, removed_by=None)
        if done:
            _audit("attachments.restore", attachment, by)
    if not done:
        raise ValidationError(_("Someone put this file back meanwhile."))


def attachments_purge(*, now=None) -> int | None:
    """Delete for good the files removed more than ATTACHMENTS_RETENTION_DAYS ago (rows and
    bytes). None when another purge holds the lock."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ATTACHMENTS_RETENTION_DAYS)
    files = storage.attachment_storage()
    purged = 0
    with locks.try_session("attachments.purge") as got:
        if not got:
            return None
        while True:
            with transaction.atomic():
                batch = list(Attachment.objects.filter(removed_at__lt=cutoff).select_for_update(skip_locked=True)
                             .values_list("pk", "file")[:PURGE_BATCH])
                if not batch:
                    break
                Attachment.objects.filter(pk__in=[pk for pk, _name in batch]).delete()
                names = [name for _pk, name in batch]
                transaction.on_commit(lambda names=names: [files.delete(name) for name in names])
            purged += len(batch)
        if purged:
            audit.record(actor=None, action="attachments.purge", summary=f"{purged} files", count=purged)
            bulk.analyze(Attachment)
    return purged


@dataclass
class Sweep:
    finished: int = 0  # incoming files whose row had committed: moved to their final name
    removed: int = 0  # incoming or final files without a row: deleted


def attachments_clean(*, now=None) -> Sweep | None:
    """The nightly orphan sweep. An incoming file older than ATTACHMENTS_INCOMING_GRACE_HOURS is
    an upload cut off midway (deleted) or one whose move did not happen (moved now). A stored
    file no row names (its customer was deleted) is deleted. None when another sweep runs."""
    grace = (now or timezone.now()) - timedelta(hours=settings.ATTACHMENTS_INCOMING_GRACE_HOURS)
    files = storage.attachment_storage()
    sweep = Sweep()
    with locks.try_session("attachments.clean") as got:
        if not got:
            return None
        for name in list(storage.walk(files, storage.INCOMING)):
            if files.get_modified_time(name) > grace:
                continue  # an upload under way
            stem = name.rsplit("/", 1)[-1]
            final = Attachment.objects.filter(file__endswith="/" + stem).values_list("file", flat=True).first()
            if final is not None and not files.exists(final):
                storage.move(files, name, final)
                sweep.finished += 1
            else:
                files.delete(name)
                sweep.removed += 1
        known = set(Attachment.objects.values_list("file", flat=True))
        for name in storage.walk(files, storage.PREFIX):
            if name.startswith(storage.INCOMING + "/") or name in known:
                continue
            if files.get_modified_time(name) <= grace:
                files.delete(name)
                sweep.removed += 1
    return sweep
