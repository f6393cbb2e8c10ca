"""Each role's home page, and the reports (issue 11): supervisors within their groups, admins
company-wide. What each page shows is decided by reports.policies; the numbers come from
reports.dashboard and reports.numbers, the report sections from reports.sections."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.policies import require
from reports import dashboard, deal_export, numbers, policies
from reports.deal_sections import deal_report
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


def _deal_report(request):
    form = ReportFilterForm(request.user, request.GET or None)
    choices = form.choices()
    scope = numbers.scope_for(request.user, group=choices["group"], person=choices["person"])
    sections, as_of = deal_report(scope, choices["days"])
    for number, section in enumerate(sections):
        section.key = f"chart-{number}"
    return form, scope, choices, sections, as_of


@require_GET
@require(policies.may_see_deal_reports)
def report_deals(request):
    """Deals and revenue: the funnel, win rate, lost reasons, revenue by month, person, group,
    industry and source, for the reader's scope; exportable to Excel with the same filters."""
    form, scope, choices, sections, as_of = _deal_report(request)
    own = policies.sees_only_own_deals(request.user)
    menu = [entry for entry in REPORTS if entry[0] == "deals"] if own else REPORTS
    filters = [option for option in form.options() if option["name"] == "days" or not own]
    return render(request, "reports/report_page.html", {
        "title": BY_KEY["deals"][0], "report": "deals", "form": form, "filters": filters, "sections": sections,
        "own_only": own,
        "scope": scope, "days": choices["days"], "refreshed": None, "deals_as_of": as_of, "reports_menu": menu,
        "export_url": deal_export.export_url(request),
    })


@require_GET
@require(policies.may_see_deal_reports)
def report_deals_export(request):
    form, scope, choices, sections, as_of = _deal_report(request)
    return deal_export.xlsx_response(BY_KEY["deals"][0], sections, days=choices["days"], scope=scope, as_of=as_of,
                                     own=policies.sees_only_own_deals(request.user))
