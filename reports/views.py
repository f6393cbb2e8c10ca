"""Each role's home page, and the reports (issue 11): supervisors within their groups, admins
company-wide. What each page shows is decided by reports.policies; the numbers come from
reports.dashboard and reports.numbers, the report sections from reports.sections."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.policies import require
from reports import dashboard, numbers, policies
from reports.forms import ReportFilterForm
from reports.sections import BY_KEY, REPORTS


@require_GET
@login_required
def home(request):
    """Each role's start page (the dashboard: it reads every app); a backup operator's shows only what that role may do."""
    user = request.user
    if policies.home_is_backups(user):
        return render(request, "backups/home.html")
    return render(request, "reports/home.html", {**dashboard.home(user), **policies.home_flags(user)})


def _page(request, template_key, title, build):
    """Shared shape of every report view: filter form -> scope -> sections -> page."""
    form = ReportFilterForm(request.user, request.GET or None)
    choices = form.choices()
    scope = numbers.scope_for(request.user, group=choices["group"], person=choices["person"])
    sections = build(scope, choices["days"])
    for number, section in enumerate(sections):
        section.key = f"chart-{number}"
    refreshed = scope.refresh
    return render(request, "reports/report_page.html", {
        "title": title, "report": template_key, "form": form, "filters": form.options(), "sections": sections, "scope": scope,
        "days": choices["days"], "refreshed": refreshed, "reports_menu": REPORTS,
    })


@require_GET
@require(policies.may_see_reports)
def report_index(request):
    return render(request, "reports/report_index.html", {"reports_menu": REPORTS, "may_see_company": policies.may_see_company(request.user)})


def _view(key):
    @require_GET
    @require(policies.may_see_reports)
    def view(request):
        title, build = BY_KEY[key]
        return _page(request, key, title, build)

    view.__name__ = f"report_{key}"
    return view


report_funnel = _view("funnel")
report_activity = _view("activity")
report_pool = _view("pool")
report_retention = _view("retention")
report_customers = _view("customers")
report_complaints = _view("complaints")
