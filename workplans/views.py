from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import require
from common.pagination import paginate
from common.timewindows import clamp_day, today
from workplans import policies, selectors, services
from workplans.filters import PlanFilterSet
from workplans.forms import CustomerSearchForm, PlanForm, StatusForm

REFUSALS = {
    "edit": _("This plan is completed: only a supervisor or an admin can change it now."),
    "complete": _("Only supervisors and admins can mark plans completed."),
    "confirm": _("Only a supervisor or an admin can confirm a completed plan."),
    "reopen": _("Only a supervisor or an admin can reopen a completed plan."),
    "delete": _("Only completed plans can be deleted (an admin can delete any plan)."),
}
ALREADY_DONE = _("This plan is already completed.")
ALREADY_CONFIRMED = _("This plan's completion is already confirmed.")
NOT_DONE = _("This plan is not completed.")
CAN_ACT = {
    "complete": policies.can_complete_plan,
    "confirm": policies.can_confirm_plan,
    "reopen": policies.can_reopen_plan,
}


def _nothing_to_do(action, plan):
    """Why `action` would change nothing (a second click, or someone was quicker), or None."""
    if action == "complete" and plan.is_done:
        return ALREADY_DONE
    if action != "complete" and not plan.is_done:
        return NOT_DONE
    if action == "confirm" and plan.is_confirmed:
        return ALREADY_CONFIRMED
    return None


def _refuse(request, plan, action):
    """403 with the reason: the user can see this plan but may not do this to it."""
    context = {"plan": plan, "reason": REFUSALS[action]}
    return render(request, "workplans/plan_refused.html", context, status=403)


def _back(request, plan):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(plan)


@require(policies.may_use_plans)
@require_GET
def plan_list(request):
    user = request.user
    filters = PlanFilterSet(request.GET, user=user)
    page_obj = paginate(request, filters.qs)
    return render(request, "workplans/plan_list.html", {
        "filters": filters.form, "custom": filters.form, "when": filters.starts(), "page_obj": page_obj,
        "show_author": policies.is_manager(user),
        "plans": policies.with_flags(user, page_obj.object_list), "newest_first": filters.newest_first,
        "can_see_summary": policies.can_see_summary(user),
    })


@require(policies.may_use_plans)
@require_GET
def plan_agenda(request):
    kind = "week" if request.GET.get("view") == "week" else "day"
    try:
        day = clamp_day(date.fromisoformat(request.GET.get("date", "")))
    except ValueError:
        day = today()
    step = timedelta(days=7 if kind == "week" else 1)
    days = selectors.agenda(request.user, author=request.user, window=selectors.agenda_window(kind, day))
    for entry in days:
        entry.plans = policies.with_flags(request.user, entry.plans)
    return render(request, "workplans/plan_agenda.html", {
        "kind": kind, "day": day, "days": days, "previous": day - step, "next": day + step, "today": today(),
    })


@require(policies.can_add_plan)
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = PlanForm(request.POST or None, author=request.user, initial=_about_customer(request),
                    search_url=reverse("workplans:plan-customer-search"))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:  # a customer changed hands while the form was open
            form.add_error(None, error)
        else:
            messages.success(request, _("Plan added."))
            return redirect(plan)
    return render(request, "workplans/plan_form.html", {"form": form, "plan": None})


def _about_customer(request) -> dict:
    """A plan started from a customer's page (?customer=<id>) is about that customer: linked and
    named in the subject. A customer the person may not see is ignored, as if not asked for."""
    customer = selectors.customer_to_plan(request.user, request.GET.get("customer", ""))
    if customer is None:
        return {}
    return {"customers": [customer.pk], "subject": _("Visit %(name)s") % {"name": customer.name}}


@require(policies.can_add_plan)
@require_GET
def plan_customer_search(request):
    """The new plan's customer picker: the customers the person may link, matching what they type."""
    return _customer_choices(request, author=request.user)


@require(policies.may_use_plans)
@require_GET
def plan_edit_customer_search(request, pk):
    """The same for a plan being edited: the customers its author may link."""
    plan = policies.get_plan_for(request.user, pk)
    if not policies.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return _customer_choices(request, author=plan.author)


def _customer_choices(request, *, author):
    form = CustomerSearchForm(request.GET)
    text = form.text()
    customers = selectors.customers_to_link(request.user, author=author, text=text, exclude=form.chosen())
    return render(request, "workplans/_customer_choices.html", {"customers": customers, "text": text})


@require(policies.may_use_plans)
@require_GET
def plan_detail(request, pk):
    plan = policies.get_plan_for(request.user, pk)
    history = plan.status_changes.select_related("by").order_by("at", "id")
    customers, hidden = selectors.linked_customers(request.user, plan)
    return render(request, "workplans/plan_detail.html", {
        "plan": plan, "history": history, "customers": customers, "hidden_customers": hidden,
        **policies.flags_for(request.user, plan),
    })


@require(policies.may_use_plans)
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = policies.get_plan_for(request.user, pk)
    if not policies.can_edit_plan(request.user, plan):
        return _refuse(request, plan, "edit")
    form = PlanForm(request.POST or None, instance=plan, author=plan.author, viewer=request.user,
                    search_url=reverse("workplans:plan-edit-customer-search", args=[plan.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except PermissionDenied:  # completed by someone else while this form was open
            return _refuse(request, plan, "edit")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(plan)
    return render(request, "workplans/plan_form.html", {"form": form, "plan": plan})


@require(policies.may_use_plans)
@require_POST
def plan_status(request, pk):
    plan = policies.get_plan_for(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the plan's status."))
        return redirect(plan)
    action = form.cleaned_data["action"]
    if reason := _nothing_to_do(action, plan):
        messages.info(request, reason)
        return _back(request, plan)
    if not CAN_ACT[action](request.user, plan):
        return _refuse(request, plan, action)
    try:
        services.STATUS_ACTIONS[action](plan=plan, by=request.user)
    except PermissionDenied:
        return _refuse(request, plan, action)
    messages.success(request, {
        "complete": _("Plan marked completed."), "confirm": _("Completion confirmed."), "reopen": _("Plan reopened."),
    }[action])
    return _back(request, plan)


@require(policies.may_use_plans)
@require_POST
def plan_delete(request, pk):
    plan = policies.get_plan_for(request.user, pk)
    if not policies.can_delete_plan(request.user, plan):
        return _refuse(request, plan, "delete")
    try:
        services.plan_delete(plan=plan, by=request.user)
    except PermissionDenied:
        return _refuse(request, plan, "delete")
    messages.success(request, _("Plan deleted."))
    return redirect(reverse("workplans:plan-list"))


@require(policies.can_see_summary)
@require_GET
def plan_summary(request):
    return render(request, "workplans/plan_summary.html", {"rows": selectors.week_summary(request.user)})
