"""Exports (SPEC §1.D): exactly the list the person sees — customers with their filters and
search, the follow-ups page's list, work plans within scope. Only a POST exports (and is
audited); the GETs here show a page or hand over a file already made, and change nothing."""

import tempfile

from django.conf import settings
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.policies import require
from common.http import client_ip
from transfers import exports, policies
from transfers.exports import export_source
from transfers.jobs import private_path
from transfers.models import ExportJob
from transfers.record_exports import RECORD_EXPORTS
from transfers.tasks import run_export

may_export = require(policies.may_export)
CONTENT_TYPES = {
    ExportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportJob.Format.CSV: "text/csv; charset=utf-8",
}
LIST_URLS = {
    ExportJob.Kind.CUSTOMERS: "crm:customer-list",
    ExportJob.Kind.FOLLOWUPS: "crm:followup-list",
    ExportJob.Kind.PLANS: "workplans:plan-list",
}


def _format(data) -> str:
    return data.get("format") if data.get("format") in ExportJob.Format.values else ExportJob.Format.XLSX


def _list_params(query) -> str:
    params = query.copy()
    for name in ("format", "page"):
        params.pop(name, None)
    return params.urlencode()


def _export(request, kind):
    """GET: the export page (how many rows, which format), which writes nothing, so a link, a
    bookmark or another site cannot make anyone export (issue 19.8). POST, with the CSRF token:
    a small list downloads at once, a large one is prepared in the background; either way the
    export is in the audit trail."""
    if request.method == "GET":
        fmt, params = _format(request.GET), _list_params(request.GET)
        _resource, queryset = export_source(kind, request.user, params)
        count = queryset.count()
        return render(request, "transfers/export_confirm.html", {
            "count": count, "format": fmt, "params": params, "list_url": LIST_URLS[kind], "kind": ExportJob.Kind(kind),
            "background": count > settings.EXPORT_BACKGROUND_THRESHOLD,
        })
    fmt, params = _format(request.POST), _list_params(QueryDict(request.POST.get("params", "")))
    resource, queryset = export_source(kind, request.user, params)
    if queryset.count() > settings.EXPORT_BACKGROUND_THRESHOLD:
        job = exports.export_job_create(params=params, fmt=fmt, by=request.user, kind=kind)
        run_export.enqueue(job.pk)
        return redirect(job)
    target = tempfile.TemporaryFile()
    exports.export_write(resource=resource, queryset=queryset, fmt=fmt, target=target, by=request.user, kind=kind,
                         ip=client_ip(request))
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=exports.export_filename(fmt, kind),
                        content_type=CONTENT_TYPES[fmt])


@require_http_methods(["GET", "POST"])
@may_export
def customer_export(request):
    return _export(request, ExportJob.Kind.CUSTOMERS)


@require_http_methods(["GET", "POST"])
@may_export
def followup_export(request):
    return _export(request, ExportJob.Kind.FOLLOWUPS)


@require_http_methods(["GET", "POST"])
@may_export
def plan_export(request):
    return _export(request, ExportJob.Kind.PLANS)


@require_GET
@may_export
def export_status(request, pk):
    job = policies.get_export_job_for(request.user, pk)
    template = "transfers/_export_status.html" if request.headers.get("HX-Request") else "transfers/export_status.html"
    response = render(request, template, {"job": job, "list_url": LIST_URLS[job.kind]})
    if request.headers.get("HX-Request") and job.finished:
        response["HX-Refresh"] = "true"
    return response


@require_GET
@may_export
def export_download(request, pk):
    job = policies.get_export_job_for(request.user, pk)
    if job.status != ExportJob.Status.DONE or not job.result_path:
        raise Http404
    return FileResponse(open(private_path(job.result_path), "rb"), as_attachment=True,
                        filename=job.filename, content_type=CONTENT_TYPES[job.format])


@require_http_methods(["GET", "POST"])
@may_export
def record_export(request, kind):
    """Contacts, deals and payments (record_exports.RECORD_EXPORTS): the same page as the other
    exports; written at once (these lists are a person's own scope, and no background job kind
    exists for them)."""
    export = RECORD_EXPORTS.get(kind)
    if export is None or (export.allowed is not None and not export.allowed(request.user)):
        raise Http404
    if request.method == "GET":
        fmt, params = _format(request.GET), _list_params(request.GET)
        return render(request, "transfers/export_confirm.html", {
            "count": export.queryset(request.user, params).count(), "format": fmt, "params": params,
            "list_url": export.list_url, "kind": export, "background": False,
        })
    fmt, params = _format(request.POST), _list_params(QueryDict(request.POST.get("params", "")))
    target = tempfile.TemporaryFile()
    exports.export_write(resource=export.resource(), queryset=export.queryset(request.user, params), fmt=fmt,
                         target=target, by=request.user, kind=kind, ip=client_ip(request), label=export.label)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=exports.export_filename(fmt, kind),
                        content_type=CONTENT_TYPES[fmt])
