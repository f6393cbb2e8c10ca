"""Who may see and do what with attachments. The only place that decides it.

A file is exactly as visible as what it is attached to: each kind's own policy decides
(attachments.targets: crm's for customers and follow-ups, deals' for deals). Whoever may not see
the record gets 404 for its files, their previews and their contents, like a file that does not
exist. Attaching and removing follow the record's edit rule (403 when seen but not editable). A
removed file is gone for everyone but the admin, who sees recently removed files on the record
and may put them back until the retention period ends. The backup operator reaches nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts import policies as roles
from attachments.models import Attachment
from attachments.targets import target


def may_use_attachments(user) -> bool:
    return roles.has_sales_role(user)


def may_see_removed(user) -> bool:
    """Removed files, until they are purged: the admin's, to put back what went by mistake."""
    return roles.is_admin(user)


def get_target_for(user, kind: str, pk, *, write=False):
    """(Target, record) for `kind` and `pk`: 404 when `user` may not see the record, 403 with
    write=True when they may see it but not attach to it."""
    if not may_use_attachments(user):
        raise Http404
    kind_ = target(kind)
    record = kind_.fetch(user, pk)
    if write and not kind_.may_attach(user, record):
        raise PermissionDenied
    return kind_, record


def may_attach(user, kind: str, record) -> bool:
    return may_use_attachments(user) and target(kind).may_attach(user, record)


def attachments_on(user, kind: str, record) -> QuerySet[Attachment]:
    """The files on a record the caller fetched through its policy (so `user` sees it)."""
    if not may_use_attachments(user):
        return Attachment.objects.none()
    return Attachment.objects.filter(target_type=kind, target_id=record.pk, removed_at__isnull=True)


def removed_attachments_on(user, kind: str, record) -> QuerySet[Attachment]:
    if not may_see_removed(user):
        return Attachment.objects.none()
    return Attachment.objects.filter(target_type=kind, target_id=record.pk, removed_at__isnull=False)


def get_attachment_for(user, pk, *, write=False, removed=False) -> Attachment:
    """The file `user` may see (its record's policy), else 404; write=True: 403 unless they may
    change the record. removed=True asks for a removed file (the admin's restore), else removed
    files are 404."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None or not may_use_attachments(user):
        raise Http404
    kind, record = get_target_for(user, attachment.target_type, attachment.target_id)
    if (attachment.removed_at is not None) != removed or (removed and not may_see_removed(user)):
        raise Http404
    if write and not kind.may_attach(user, record):
        raise PermissionDenied
    attachment.record = record
    return attachment
