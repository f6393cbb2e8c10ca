"""Background tasks of the import and export (django-tasks; the db_worker runs them)."""

import logging

from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from crm import import_services
from crm.forms import CustomerFilterForm
from crm.job_models import ExportJob, ImportJob
from crm.selectors import customer_list

log = logging.getLogger(__name__)


def _fail(model, pk, message):
    model.objects.filter(pk=pk).update(status=model.Status.FAILED, message=message)


@task()
def analyse_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        import_services.import_analyse(job=job)
    except Exception:
        log.exception("import %s: checking the file failed", job_id)
        _fail(ImportJob, job_id, _("The file could not be checked. Try again, or ask an administrator."))


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by", "owner").get(pk=job_id)
    try:
        import_services.import_run(job=job)
    except Exception:
        log.exception("import %s failed", job_id)
        _fail(ImportJob, job_id, _("The import failed and nothing was imported. Try again, or ask an administrator."))


@task()
def run_export(job_id: int) -> None:
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with translation.override(job.language or None):
            customers = export_queryset(job.created_by, job.params)
            import_services.export_run(job=job, customers=customers)
    except Exception:
        log.exception("export %s failed", job_id)
        _fail(ExportJob, job_id, _("The export failed. Try again, or ask an administrator."))


def export_queryset(user, params: str):
    """The customer list `user` sees with these filters, now (visibility is checked when it runs)."""
    form = CustomerFilterForm(QueryDict(params), user=user)
    return customer_list(user, form.query())
