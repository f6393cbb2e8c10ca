from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import require
from attachments import policies, services
from attachments.forms import UploadForm
from attachments.storage import attachment_storage


# A served file runs nothing of ours. A PDF is shown by the browser's viewer, which a sandboxed
# document or `object-src 'none'` would block; it gets no sandbox, and still no script or fetch.
FILE_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
PDF_POLICY = "default-src 'none'; object-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'"


def _back(attachment_or_record):
    record = getattr(attachment_or_record, "record", attachment_or_record)
    return redirect(record.get_absolute_url() + "#attachments")


@require(policies.may_use_attachments)
@require_POST
def attachment_upload(request, kind, pk):
    _kind, record = policies.get_target_for(request.user, kind, pk, write=True)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return _back(record)
    try:
        attachment = services.attachment_upload(kind=kind, record=record, uploaded=form.cleaned_data["file"],
                                                by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(record)
    messages.success(request, _("%(name)s is attached.") % {"name": attachment.name})
    return _back(record)


def _serve(attachment, *, inline: bool):
    try:
        handle = attachment_storage().open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type, as_attachment=not inline,
                            filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PDF_POLICY if attachment.content_type == "application/pdf" else FILE_POLICY
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require(policies.may_use_attachments)
@require_GET
def attachment_download(request, pk):
    return _serve(policies.get_attachment_for(request.user, pk), inline=False)


@require(policies.may_use_attachments)
@require_GET
def attachment_preview(request, pk):
    """Images and PDFs shown in the browser; other files have no preview (404)."""
    attachment = policies.get_attachment_for(request.user, pk)
    if not attachment.previewable:
        raise Http404
    return _serve(attachment, inline=True)


@require(policies.may_use_attachments)
@require_http_methods(["GET", "POST"])
def attachment_remove(request, pk):
    attachment = policies.get_attachment_for(request.user, pk, write=True)
    if request.method == "POST":
        try:
            services.attachment_remove(attachment=attachment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": attachment.name})
        return _back(attachment)
    return render(request, "attachments/attachment_remove.html", {
        "attachment": attachment, "retention_days": settings.ATTACHMENTS_RETENTION_DAYS})


@require(policies.may_see_removed)
@require_POST
def attachment_restore(request, pk):
    attachment = policies.get_attachment_for(request.user, pk, removed=True)
    try:
        services.attachment_restore(attachment=attachment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is back.") % {"name": attachment.name})
    return _back(attachment)
