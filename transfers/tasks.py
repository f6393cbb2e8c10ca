"""Background tasks of the import and export (django-tasks; the db_worker runs them), and the
recovery of an import whose worker died."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from common import locks
from transfers import exports, services
from transfers.jobs import private_path
from transfers.models import ExportJob, ImportJob

log = logging.getLogger(__name__)


def _fail(model, pk, message):
    model.objects.filter(pk=pk).update(status=model.Status.FAILED, message=message, updated_at=timezone.now())


# --- A worker that dies mid-job ------------------------------------------------------------------
# The import itself is one transaction, so a killed worker leaves no customers behind; but its
# job would say "importing" forever. While a task works on a job it holds a session advisory
# lock named after the job: PostgreSQL drops it when the worker's connection dies. A job still
# running after IMPORT_STALE_MINUTES without progress, whose lock nobody holds, is marked failed
# and can be retried.


def _job_lock_key(job_id: int) -> str:
    return f"crm.import-job:{job_id}"


def _working_on(job_id: int):
    return locks.session(_job_lock_key(job_id))


def _nobody_works_on(job_id: int) -> bool:
    """True when no task holds the job's lock (called inside a transaction: the probe is released with it)."""
    return locks.try_hold(_job_lock_key(job_id))


RUNNING = (ImportJob.Status.ANALYSING, ImportJob.Status.IMPORTING)


def reap_stale_imports(*, pks=None, now=None) -> int:
    """Mark failed the running jobs (all, or those of `pks`) that no worker is running any more."""
    now = now or timezone.now()
    stale = ImportJob.objects.filter(status__in=RUNNING, updated_at__lt=now - timedelta(minutes=settings.IMPORT_STALE_MINUTES))
    if pks is not None:
        stale = stale.filter(pk__in=pks)
    reaped = 0
    for job_id, status in stale.values_list("pk", "status"):
        with transaction.atomic():
            if _nobody_works_on(job_id):
                reaped += ImportJob.objects.filter(pk=job_id, status=status).update(
                    status=ImportJob.Status.FAILED, updated_at=now,
                    message=_("The import was interrupted (the background worker stopped) and nothing was imported. "
                              "Retry it."),
                )
    if reaped:
        log.warning("marked %s interrupted import job(s) failed", reaped)
    return reaped


def can_retry(job: ImportJob) -> bool:
    return job.status == ImportJob.Status.FAILED and bool(job.upload_path) and \
        private_path(job.upload_path).exists()


def import_retry(*, job: ImportJob, by) -> ImportJob | None:
    """Start a failed job again from the uploaded file: back to the preview to confirm again when
    the file had been checked, else check it again. None when the job cannot be retried."""
    if not can_retry(job):
        return None
    checked = bool(job.headers) and job.rows.exists()  # the preview's rows are kept until the import is done
    status = ImportJob.Status.PREVIEW if checked else ImportJob.Status.ANALYSING
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED).update(
            status=status, message="", errors_path="", processed_rows=0, created_count=0, updated_count=0,
            rejected_count=0, updated_at=timezone.now()):
        return None
    if status == ImportJob.Status.ANALYSING:
        analyse_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


@task()
def analyse_import(job_id: int) -> None:
    with _working_on(job_id):
        job = ImportJob.objects.select_related("created_by").get(pk=job_id)
        if job.status != ImportJob.Status.ANALYSING:  # marked failed meanwhile (or already done)
            return
        try:
            with translation.override(job.language or None):
                services.import_analyse(job=job)
        except Exception:
            log.exception("import %s: checking the file failed", job_id)
            _fail(ImportJob, job_id, _("The file could not be checked. Try again, or ask an administrator."))


@task()
def run_import(job_id: int) -> None:
    with _working_on(job_id):
        job = ImportJob.objects.select_related("created_by", "owner").get(pk=job_id)
        if job.status != ImportJob.Status.IMPORTING:  # marked failed meanwhile: the importer retries
            return
        try:
            with translation.override(job.language or None):
                services.import_run(job=job)
        except Exception:
            log.exception("import %s failed", job_id)
            _fail(ImportJob, job_id, _("The import failed and nothing was imported. Try again, or ask an administrator."))


@task()
def run_export(job_id: int) -> None:
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with translation.override(job.language or None):
            resource, queryset = exports.export_source(job.kind, job.created_by, job.params)
            exports.export_job_run(job=job, resource=resource, queryset=queryset)
    except Exception:
        log.exception("export %s failed", job_id)
        _fail(ExportJob, job_id, _("The export failed. Try again, or ask an administrator."))
