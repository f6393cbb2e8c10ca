"""Customer import (SPEC §1.C): upload, preview every row, confirm, watch the progress."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.fields import PersonChoiceField
from accounts.policies import has_sales_role, require
from crm import import_services, policies
from crm import importexport as ie
from crm import import_tasks
from crm.import_tasks import analyse_import, run_import
from crm.job_models import ImportJob

sales_only = require(has_sales_role)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel (.xlsx) or CSV file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    owner = PersonChoiceField(queryset=None, required=False, label=gettext_lazy("Salesperson"),
                              empty_label=gettext_lazy("Me"))
    to_pool = forms.BooleanField(required=False, label=gettext_lazy("Put the customers in the isolation pool"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_salesperson:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = policies.assignable_owners(user).exclude(pk=user.pk)
        if not user.is_admin:
            del self.fields["to_pool"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            ie.check_size(upload.size)
        except ie.ImportFileError as error:
            raise forms.ValidationError(str(error), code="too_large") from None
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv", ".txt"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."), code="format")
        return upload

    def owner_choice(self):
        """(owner, to_pool): the importer unless a supervisor or admin chose someone (or the pool)."""
        if self.cleaned_data.get("to_pool"):
            return None, True
        return self.cleaned_data.get("owner") or self.user, False


class ImportConfirmForm(forms.Form):
    on_duplicate = forms.ChoiceField(choices=ImportJob.OnDuplicate.choices, initial=ImportJob.OnDuplicate.SKIP,
                                     widget=forms.RadioSelect, label=gettext_lazy("Rows that duplicate one of your customers"))
    all_or_nothing = forms.BooleanField(required=False, initial=True,
                                        label=gettext_lazy("All or nothing: import nothing if any row is invalid"))


@require_http_methods(["GET", "POST"])
@sales_only
def customer_import(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        owner, to_pool = form.owner_choice()
        job = import_services.import_job_create(upload=form.cleaned_data["file"], owner=owner, to_pool=to_pool, by=request.user)
        analyse_import.enqueue(job.pk)
        return redirect(job)
    jobs = ImportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "crm/import_upload.html", {
        "form": form, "jobs": jobs, "max_bytes": settings.IMPORT_MAX_BYTES, "max_rows": settings.IMPORT_MAX_ROWS,
    })


@require_GET
@sales_only
def customer_import_preview(request, pk):
    job = _current_job(request.user, pk)
    context = {"job": job, "labels": ie.LABELS, "confirm_form": ImportConfirmForm(),
               "can_retry": import_tasks.can_retry(job)}
    if job.status == ImportJob.Status.PREVIEW:
        preview = import_services.import_preview(job)
        shown = request.GET.get("label", "")
        rows = [row for row in preview["rows"] if not shown or row[1] == shown]
        context.update(page_obj=Paginator(rows, 50).get_page(request.GET.get("page")), shown=shown,
                       label_counts=[(key, label, job.counts.get(key, 0)) for key, label in ie.LABELS.items()],
                       ignored=preview["ignored"], can_update_mine=bool(job.counts.get(ie.Label.MINE)))
    return render(request, "crm/import_preview.html", context)


@require_POST
@sales_only
def customer_import_confirm(request, pk):
    job = policies.get_import_job_for(request.user, pk)
    form = ImportConfirmForm(request.POST)
    if job.status == ImportJob.Status.PREVIEW and form.is_valid():
        if import_services.import_confirm(job=job, on_duplicate=form.cleaned_data["on_duplicate"],
                                          all_or_nothing=form.cleaned_data["all_or_nothing"], by=request.user):
            run_import.enqueue(job.pk)
    return redirect(job)


@require_GET
@sales_only
def customer_import_status(request, pk):
    """The progress bar, polled by htmx; a finished job reloads the page to show the outcome."""
    job = _current_job(request.user, pk)
    response = render(request, "crm/_import_status.html", {"job": job})
    if job.status not in (ImportJob.Status.ANALYSING, ImportJob.Status.IMPORTING):
        response["HX-Refresh"] = "true"
    return response


def _current_job(user, pk):
    """The job, after marking it failed if the worker running it died (so it can be retried)."""
    job = policies.get_import_job_for(user, pk)
    if job.status in import_tasks.RUNNING and import_tasks.reap_stale_imports(pks=[job.pk]):
        job.refresh_from_db()
    return job


@require_POST
@sales_only
def customer_import_retry(request, pk):
    job = policies.get_import_job_for(request.user, pk)
    if import_tasks.import_retry(job=job, by=request.user) is None:
        messages.error(request, _("This import cannot be retried: upload the file again."))
    return redirect(job)


@require_GET
@sales_only
def customer_import_errors(request, pk):
    job = policies.get_import_job_for(request.user, pk)
    if not job.errors_path:
        raise Http404
    name = f"{Path(job.original_name).stem}-{_('rejected')}.xlsx"
    return FileResponse(open(import_services.private_path(job.errors_path), "rb"), as_attachment=True,
                        filename=name, content_type=XLSX)


@require_GET
@sales_only
def customer_import_template(request):
    response = HttpResponse(import_services.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="customers-template.xlsx"; filename*=UTF-8\'\'%E5%AE%A2%E6%88%B7%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx'
    return response
