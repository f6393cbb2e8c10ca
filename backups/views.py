"""The backups page: the only page a backup operator has (SPEC §8.4); admins see it too.

It shows files and checksums, never customer data. Long work runs as background tasks.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import audit
from accounts.policies import require
from backups import download, dump, restore, tasks
from backups.errors import BackupError
from backups.policies import get_backup_for, may_manage_backups, visible_backups

backup_staff = require(may_manage_backups)


def _table_context(user) -> dict:
    rows = list(visible_backups(user).select_related("created_by")[:100])
    busy = any(backup.is_busy for backup in rows)
    return {"backups": rows, "busy": busy, "can_create": not any(b.is_running for b in rows)}


@require_GET
@backup_staff
def backup_list(request):
    return render(request, "backups/backup_list.html", {
        **_table_context(request.user),
        "backup_dir": settings.BACKUP_DIR,
        "encryption": dump.encryption_status(),
        "keep": {"daily": settings.BACKUP_KEEP_DAILY, "weekly": settings.BACKUP_KEEP_WEEKLY,
                 "monthly": settings.BACKUP_KEEP_MONTHLY},
    })


@require_GET
@backup_staff
def backup_status(request):
    """The table alone, polled by htmx while a backup or a verification runs."""
    return render(request, "backups/_backup_table.html", _table_context(request.user))


@require_POST
@backup_staff
def backup_create(request):
    try:
        backup = dump.backup_start(by=request.user)
    except BackupError as error:
        messages.error(request, str(error))
        return redirect("backups:list")
    audit.record(actor=request.user, action="backups.create", summary=backup.name, request=request, name=backup.name)
    tasks.run_backup.enqueue(backup.pk)
    messages.success(request, _("Backup %(name)s started.") % {"name": backup.name})
    return redirect("backups:list")


@require_POST
@backup_staff
def backup_verify(request, pk):
    backup = get_backup_for(request.user, pk)
    try:
        restore.backup_verify_start(backup=backup, by=request.user)
    except BackupError as error:
        messages.error(request, str(error))
        return redirect("backups:list")
    audit.record(actor=request.user, action="backups.verify", summary=backup.name, request=request, name=backup.name)
    tasks.verify_backup.enqueue(backup.pk, translation.get_language())
    messages.success(request, _("Verification of %(name)s started.") % {"name": backup.name})
    return redirect("backups:list")


@require_GET
@backup_staff
def backup_download(request, pk):
    """The backup as one tar file, streamed; every download is in the audit trail."""
    backup = get_backup_for(request.user, pk)
    try:
        size = download.archive_size(backup.name) if backup.succeeded else None
    except BackupError:
        size = None
    if size is None:
        raise Http404
    audit.record(actor=request.user, action="backups.download", summary=backup.name, request=request, name=backup.name, bytes=size)
    response = StreamingHttpResponse(download.iter_archive(backup.name), content_type="application/x-tar")
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = f'attachment; filename="{backup.name}.tar"'
    response["Cache-Control"] = "no-store"
    return response
