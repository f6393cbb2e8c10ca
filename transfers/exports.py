"""Exports (SPEC §1.D): what each kind contains, exactly the list its page shows (from the
policies), and writing it, at once or as a background job. Every export is in the audit trail."""

from django.http import QueryDict
from django.utils import timezone, translation

from accounts import audit
from crm.filters import CustomerFilterSet, FollowUpFilterSet
from customfields import registry
from customfields.models import FieldDefinition
from transfers.columns import CustomerResource, FollowUpResource, ValuesResource, widget_for
from transfers.jobs import finish, new_private_file, progress_of
from transfers.models import ExportJob
from transfers.writer import CsvWriter, XlsxWriter
from workplans import columns as plan_columns
from workplans.filters import PlanFilterSet

# --- What each export contains ------------------------------------------------------------------


def export_queryset(user, params: str):
    """The customer list `user` sees with these filters, now (visibility is checked when it runs):
    the list's own FilterSet, so the export holds the page's rows in the page's order."""
    return CustomerFilterSet(QueryDict(params), user=user).qs


def followup_queryset(user, params: str):
    """The follow-ups page's list for `user`: its FilterSet (window, author)."""
    return FollowUpFilterSet(QueryDict(params), user=user).qs


def plan_queryset(user, params: str):
    """The plan list's plans for `user`: its FilterSet (window, status, person), in its order."""
    return PlanFilterSet(QueryDict(params), user=user).qs


class PlanResource(ValuesResource):
    """The columns workplans declares (workplans/columns.py), with this app's widgets."""

    columns = [(name, label, lookup, widget_for(kind)) for name, label, lookup, kind in plan_columns.EXPORT_COLUMNS]


def export_source(kind: str, user, params: str):
    """(resource, queryset) of an export of `kind` for `user` with the list's query string."""
    if kind == ExportJob.Kind.FOLLOWUPS:
        return FollowUpResource(), followup_queryset(user, params)
    if kind == ExportJob.Kind.PLANS:
        return PlanResource(), plan_queryset(user, params)
    return CustomerResource(custom=registry.visible_definitions(FieldDefinition.Target.CUSTOMER, user)), \
        export_queryset(user, params)


# --- Writing it ----------------------------------------------------------------------------------


def export_job_create(*, params: str, fmt: str, by, kind=ExportJob.Kind.CUSTOMERS) -> ExportJob:
    return ExportJob.objects.create(created_by=by, kind=kind, params=params[:2000], format=fmt,
                                    language=translation.get_language() or "")


def export_write(*, resource, queryset, fmt: str, target, by, kind="customers", progress=None, every=5000,
                 ip=None, label=None) -> int:
    """Write `queryset` (already scoped by the policy) to `target`; recorded in the audit trail."""
    sheet_name = str(label if label is not None else ExportJob.Kind(kind).label)
    writer = XlsxWriter(target, sheet_name=sheet_name) if fmt == ExportJob.Format.XLSX \
        else CsvWriter(target)
    count = 0
    try:
        writer.header(resource.headers())
        for cells in resource.export_rows(queryset):
            writer.append(cells)
            count += 1
            if progress and count % every == 0:
                progress(count)
    finally:
        writer.close()
    audit.record(actor=by, action=f"{kind}.export", summary=f"{count} {kind} ({fmt})", count=count, ip=ip, format=fmt)
    return count


def export_customers(*, customers, fmt: str, target, by, progress=None) -> int:
    custom = registry.visible_definitions(FieldDefinition.Target.CUSTOMER, by)
    return export_write(resource=CustomerResource(custom=custom), queryset=customers, fmt=fmt, target=target, by=by, progress=progress)


def export_filename(fmt: str, kind="customers") -> str:
    return f"{kind}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def export_job_run(*, job: ExportJob, resource, queryset) -> ExportJob:
    """Prepare a large export in the background (the task); the file waits for its creator."""
    relative, path = new_private_file("exports", f".{job.format}")
    ExportJob.objects.filter(pk=job.pk).update(total_rows=queryset.count())
    with open(path, "wb") as handle:
        export_write(resource=resource, queryset=queryset, fmt=job.format, target=handle, by=job.created_by,
                     kind=job.kind, progress=progress_of(ExportJob, job.pk))
    job.refresh_from_db()
    return finish(job, status=ExportJob.Status.DONE, result_path=relative, filename=export_filename(job.format, job.kind),
                  processed_rows=job.total_rows)
