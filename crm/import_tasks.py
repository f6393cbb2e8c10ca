"""Background tasks of the import and export (django-tasks; the db_worker runs them), and what
each kind of export contains. Cross-app: it reads work plans, so it sits above workplans."""

import logging

from django.db.models import F
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task
from import_export import widgets

from crm import import_services, policies, selectors
from crm import importexport as ie
from crm.forms import CustomerFilterForm, FollowUpFilterForm
from crm.job_models import ExportJob, ImportJob
from crm.models import FollowUp
from crm.timewindows import day_window, month_window, week_window
from workplans import selectors as plan_selectors
from workplans.forms import PlanFilterForm, PlanWindowForm
from workplans.models import Plan

log = logging.getLogger(__name__)


def _fail(model, pk, message):
    model.objects.filter(pk=pk).update(status=model.Status.FAILED, message=message)


@task()
def analyse_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with translation.override(job.language or None):
            import_services.import_analyse(job=job)
    except Exception:
        log.exception("import %s: checking the file failed", job_id)
        _fail(ImportJob, job_id, _("The file could not be checked. Try again, or ask an administrator."))


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by", "owner").get(pk=job_id)
    try:
        with translation.override(job.language or None):
            import_services.import_run(job=job)
    except Exception:
        log.exception("import %s failed", job_id)
        _fail(ImportJob, job_id, _("The import failed and nothing was imported. Try again, or ask an administrator."))


@task()
def run_export(job_id: int) -> None:
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with translation.override(job.language or None):
            resource, queryset = export_source(job.kind, job.created_by, job.params)
            import_services.export_job_run(job=job, resource=resource, queryset=queryset)
    except Exception:
        log.exception("export %s failed", job_id)
        _fail(ExportJob, job_id, _("The export failed. Try again, or ask an administrator."))


# --- What each export contains: exactly the list its page shows, from the policies -------------


def export_queryset(user, params: str):
    """The customer list `user` sees with these filters, now (visibility is checked when it runs)."""
    form = CustomerFilterForm(QueryDict(params), user=user)
    return selectors.customer_list(user, form.query())


def followup_queryset(user, params: str):
    """Follow-ups of the customers `user` may see, in the follow-ups page's window and author."""
    form = FollowUpFilterForm(QueryDict(params), user=user)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    key = data.get("window") or ""
    window = form.window() if key == "custom" else selectors.followup_window(key)
    followups = FollowUp.objects.filter(customer__in=policies.visible_customers(user))
    if window is not None:
        followups = followups.filter(**window.as_filter("occurred_at"))
    if data.get("author") is not None:
        followups = followups.filter(author=data["author"])
    return followups.order_by("-occurred_at", "-id")


def plan_queryset(user, params: str):
    """Work plans within `user`'s scope, with the plan list's window, status and person filters."""
    query = QueryDict(params)
    manager = user.is_supervisor or user.is_admin
    filters = PlanFilterForm(query, show_person=manager)
    when = filters.value("when", PlanFilterForm.WHEN_WEEK)
    windows = {PlanFilterForm.WHEN_TODAY: day_window, PlanFilterForm.WHEN_MONTH: month_window,
               PlanFilterForm.WHEN_WEEK: week_window}
    if when == PlanFilterForm.WHEN_CUSTOM:
        window = PlanWindowForm(query).window()
    else:
        window = windows[when]() if when in windows else None
    person = filters.value("person") if manager else ""
    author_ids = plan_selectors.people_matching(user, person) if person else None
    return plan_selectors.plan_list(user, window=window, status=filters.value("status"), author_ids=author_ids)


class PlanStatusWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return str(Plan.Status(value).label) if value else ""


class PlanResource(ie.ValuesResource):
    columns = [
        ("subject", gettext_lazy("Subject"), F("subject"), widgets.CharWidget()),
        ("author", gettext_lazy("Salesperson"), ie.person_name_of("author"), widgets.CharWidget()),
        ("start_at", gettext_lazy("Start time"), F("start_at"), ie.LenientDateWidget(with_time=True)),
        ("end_at", gettext_lazy("End time"), F("end_at"), ie.LenientDateWidget(with_time=True)),
        ("status", gettext_lazy("Status"), F("status"), PlanStatusWidget()),
        ("content", gettext_lazy("Content"), F("content"), widgets.CharWidget()),
        ("remarks", gettext_lazy("Remarks"), F("remarks"), widgets.CharWidget()),
        ("completed_at", gettext_lazy("Completed at"), F("completed_at"), ie.LenientDateWidget(with_time=True)),
    ]


def export_source(kind: str, user, params: str):
    """(resource, queryset) of an export of `kind` for `user` with the list's query string."""
    if kind == ExportJob.Kind.FOLLOWUPS:
        return ie.FollowUpResource(), followup_queryset(user, params)
    if kind == ExportJob.Kind.PLANS:
        return PlanResource(), plan_queryset(user, params)
    return ie.CustomerResource(), export_queryset(user, params)
