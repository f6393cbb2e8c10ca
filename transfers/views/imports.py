"""Customer import (SPEC §1.C): upload, preview every row, confirm, watch the progress."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import require
from common.pagination import PER_PAGE_CHOICES
from transfers import classify, custom_import, customer_contacts, policies, services, tasks
from transfers.forms import ImportColumnsForm, ImportConfirmForm, ImportUploadForm, SavedMappingForm
from transfers.jobs import private_path
from transfers.models import ImportJob

may_import = require(policies.may_import)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_http_methods(["GET", "POST"])
@may_import
def customer_import(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        owner, to_pool = form.owner_choice()
        job = services.import_job_create(upload=form.cleaned_data["file"], owner=owner, to_pool=to_pool, by=request.user)
        tasks.analyse_import.enqueue(job.pk)
        return redirect(job)
    jobs = policies.visible_import_jobs(request.user)[:10]
    return render(request, "transfers/import_upload.html", {
        "form": form, "jobs": jobs, "max_bytes": settings.IMPORT_MAX_BYTES, "max_rows": settings.IMPORT_MAX_ROWS,
        "mappings": policies.visible_column_mappings(request.user),
    })


@require_GET
@may_import
def customer_import_preview(request, pk):
    job = _current_job(request.user, pk)
    return render(request, "transfers/import_preview.html", _preview_context(request, job))


def _preview_context(request, job, *, columns_form=None, mapping_form=None):
    context = {"job": job, "labels": classify.LABELS, "confirm_form": ImportConfirmForm(),
               "can_retry": tasks.can_retry(job)}
    if job.status == ImportJob.Status.PREVIEW:
        shown = request.GET.get("label", "")
        shown = shown if shown in classify.LABELS else ""
        choices = dict(custom_import.field_choices(job.created_by))
        context.update(
            page_obj=_page(request, services.PreviewRows(job, shown)), shown=shown,
            label_counts=[(key, label, job.counts.get(key, 0)) for key, label in classify.LABELS.items()],
            mapped=[choices.get(field, field) for field in job.columns if field], has_name="name" in job.columns,
            ignored=classify.ignored_headers([header for header, _sample in job.headers], job.columns),
            can_update_mine=bool(job.counts.get(classify.Label.MINE)),
            contacts_sheet=customer_contacts.has_sheet(private_path(job.upload_path), job.original_name),
            columns_form=columns_form or ImportColumnsForm(job=job),
            mapping_form=mapping_form or SavedMappingForm(user=request.user),
        )
    return context


class PreviewPaginator(Paginator):
    per_page_choices = PER_PAGE_CHOICES


def _page(request, rows):
    per_page = request.GET.get("per_page", "50")
    per_page = int(per_page) if per_page.isdigit() and int(per_page) in PER_PAGE_CHOICES else 50
    return PreviewPaginator(rows, per_page).get_page(request.GET.get("page"))


@require_POST
@may_import
def customer_import_columns(request, pk):
    """The mapping step: check the file again with the columns the person chose (or saved ones)."""
    job = policies.get_import_job_for(request.user, pk)
    if job.status != ImportJob.Status.PREVIEW:
        return redirect(job)
    if "mapping" in request.POST:
        form = SavedMappingForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, "transfers/import_preview.html", _preview_context(request, job, mapping_form=form))
        columns, save_as = services.apply_mapping(job, form.cleaned_data["mapping"]), ""
    else:
        form = ImportColumnsForm(request.POST, job=job)
        if not form.is_valid():
            return render(request, "transfers/import_preview.html", _preview_context(request, job, columns_form=form))
        columns, save_as = form.cleaned_data["columns"], form.cleaned_data["save_as"].strip()
    if services.import_columns_set(job=job, columns=columns, save_as=save_as, by=request.user):
        tasks.analyse_import.enqueue(job.pk)
    return redirect(job)


@require_POST
@may_import
def column_mapping_delete(request, pk):
    mapping = policies.get_column_mapping_for(request.user, pk)
    mapping.delete()
    messages.success(request, _("The saved columns “%(name)s” were deleted.") % {"name": mapping.name})
    return redirect("transfers:customer-import")


@require_POST
@may_import
def customer_import_confirm(request, pk):
    job = policies.get_import_job_for(request.user, pk)
    form = ImportConfirmForm(request.POST)
    if job.status == ImportJob.Status.PREVIEW and form.is_valid():
        if services.import_confirm(job=job, on_duplicate=form.cleaned_data["on_duplicate"],
                                   all_or_nothing=form.cleaned_data["all_or_nothing"], by=request.user):
            tasks.run_import.enqueue(job.pk)
    return redirect(job)


@require_GET
@may_import
def customer_import_status(request, pk):
    """The progress bar, polled by htmx; a finished job reloads the page to show the outcome."""
    job = _current_job(request.user, pk)
    response = render(request, "transfers/_import_status.html", {"job": job})
    if job.status not in (ImportJob.Status.ANALYSING, ImportJob.Status.IMPORTING):
        response["HX-Refresh"] = "true"
    return response


def _current_job(user, pk):
    """The job, after marking it failed if the worker running it died (so it can be retried)."""
    job = policies.get_import_job_for(user, pk)
    if job.status in tasks.RUNNING and tasks.reap_stale_imports(pks=[job.pk]):
        job.refresh_from_db()
    return job


@require_POST
@may_import
def customer_import_retry(request, pk):
    job = policies.get_import_job_for(request.user, pk)
    if tasks.import_retry(job=job, by=request.user) is None:
        messages.error(request, _("This import cannot be retried: upload the file again."))
    return redirect(job)


@require_GET
@may_import
def customer_import_errors(request, pk):
    job = policies.get_import_job_for(request.user, pk)
    if not job.errors_path:
        raise Http404
    name = f"{Path(job.original_name).stem}-{_('rejected')}.xlsx"
    return FileResponse(open(private_path(job.errors_path), "rb"), as_attachment=True,
                        filename=name, content_type=XLSX)


@require_GET
@may_import
def customer_import_template(request):
    response = HttpResponse(services.template_workbook(custom=custom_import.targets(request.user)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="customers-template.xlsx"; filename*=UTF-8\'\'%E5%AE%A2%E6%88%B7%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx'
    return response
