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
from common.pagination import PER_PAGE_CHOICES
from crm import import_services, import_tasks, policies
from crm import importexport as ie
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
    all_or_nothing = forms.BooleanField(required=False, initial=False,
                                        label=gettext_lazy("All or nothing: import nothing if any row is invalid"))


class ImportColumnsForm(forms.Form):
    """The mapping step: the field each column of the file goes to, and a name to keep it under."""

    save_as = forms.CharField(required=False, max_length=50, label=gettext_lazy("Save these columns as (optional)"),
                              help_text=gettext_lazy("A name, e.g. “Trade fair list”: next time a file with these headers uses them by itself."))

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = len(job.headers)
        for index, (header, sample) in enumerate(job.headers):
            self.fields[f"col{index}"] = forms.ChoiceField(
                choices=ie.field_choices(), required=False, label=header or _("(no header)"),
                initial=job.columns[index] if index < len(job.columns) else "", help_text=sample)

    def column_fields(self):
        return [self[f"col{index}"] for index in range(self.count)]

    def clean(self):
        columns = [self.cleaned_data.get(f"col{index}") or "" for index in range(self.count)]
        labels = dict(ie.field_choices())
        for field in dict.fromkeys(columns):
            if field and columns.count(field) > 1:
                raise forms.ValidationError(_("Two columns go to “%(field)s”: choose one of them, ignore the other.")
                                            % {"field": labels[field]}, code="twice")
        if "name" not in columns:
            raise forms.ValidationError(_("Choose the column that holds the customers' names."), code="no_name")
        self.cleaned_data["columns"] = columns
        return self.cleaned_data


class SavedMappingForm(forms.Form):
    mapping = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Use saved columns"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = policies.visible_column_mappings(user)


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
        "mappings": policies.visible_column_mappings(request.user),
    })


@require_GET
@sales_only
def customer_import_preview(request, pk):
    job = _current_job(request.user, pk)
    return render(request, "crm/import_preview.html", _preview_context(request, job))


def _preview_context(request, job, *, columns_form=None, mapping_form=None):
    context = {"job": job, "labels": ie.LABELS, "confirm_form": ImportConfirmForm(),
               "can_retry": import_tasks.can_retry(job)}
    if job.status == ImportJob.Status.PREVIEW:
        shown = request.GET.get("label", "")
        shown = shown if shown in ie.LABELS else ""
        choices = dict(ie.field_choices())
        context.update(
            page_obj=_page(request, import_services.PreviewRows(job, shown)), shown=shown,
            label_counts=[(key, label, job.counts.get(key, 0)) for key, label in ie.LABELS.items()],
            mapped=[choices[field] for field in job.columns if field], has_name="name" in job.columns,
            ignored=ie.ignored_headers([header for header, _sample in job.headers], job.columns),
            can_update_mine=bool(job.counts.get(ie.Label.MINE)),
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
@sales_only
def customer_import_columns(request, pk):
    """The mapping step: check the file again with the columns the person chose (or saved ones)."""
    job = policies.get_import_job_for(request.user, pk)
    if job.status != ImportJob.Status.PREVIEW:
        return redirect(job)
    if "mapping" in request.POST:
        form = SavedMappingForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, "crm/import_preview.html", _preview_context(request, job, mapping_form=form))
        columns, save_as = import_services.apply_mapping(job, form.cleaned_data["mapping"]), ""
    else:
        form = ImportColumnsForm(request.POST, job=job)
        if not form.is_valid():
            return render(request, "crm/import_preview.html", _preview_context(request, job, columns_form=form))
        columns, save_as = form.cleaned_data["columns"], form.cleaned_data["save_as"].strip()
    if import_services.import_columns_set(job=job, columns=columns, save_as=save_as, by=request.user):
        analyse_import.enqueue(job.pk)
    return redirect(job)


@require_POST
@sales_only
def column_mapping_delete(request, pk):
    mapping = policies.get_column_mapping_for(request.user, pk)
    mapping.delete()
    messages.success(request, _("The saved columns “%(name)s” were deleted.") % {"name": mapping.name})
    return redirect("crm:customer-import")


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
