from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.policies import has_sales_role, require
from common.pagination import paginate
from crm import custom, followup_extras, policies, sections, services
from crm.filters import FollowUpFilterSet
from crm.forms import FollowUpContinueForm, FollowUpEditForm, FollowUpForm
from customfields import forms as custom_forms
from customfields import registry, values

sales_only = require(has_sales_role)


def _now_input():
    return timezone.localtime().replace(second=0, microsecond=0)


@require_GET
@sales_only
def followup_list(request):
    filters = FollowUpFilterSet(request.GET, user=request.user)
    key = filters.value("window")
    if key == "custom" and filters.errors:
        for errors in filters.errors.values():
            for error in errors:
                messages.error(request, error)
    page = paginate(request, filters.qs)
    return render(request, "crm/followup_list.html", {"form": filters.form, "page_obj": page, "window": key})


@require_http_methods(["GET", "POST"])
@sales_only
def followup_create(request, pk):
    customer = policies.get_customer_for(request.user, pk)
    if not policies.can_log_followup(request.user, customer):
        raise PermissionDenied
    initial = {"occurred_at": _now_input(), "next_contact_on": services.default_next_contact(customer.grade)}
    form = FollowUpForm(request.POST or None, initial=initial)
    followup_extras.add_fields(form, request.user, customer)
    custom_forms.add_fields(form, custom.FOLLOWUP, request.user, {})
    if request.method == "POST" and form.is_valid():
        extras = followup_extras.pop_values(form.cleaned_data)
        custom_values = custom_forms.pop_values(form)
        services.followup_create(customer=customer, by=request.user, extras=extras, custom_values=custom_values,
                                 **form.cleaned_data)
        messages.success(request, _("Conversation logged."))
        return redirect(customer)
    return render(request, "crm/followup_form.html", {"form": form, "customer": customer, "mode": "create"})


@require_GET
@sales_only
def followup_detail(request, pk):
    followup = policies.get_followup_for(request.user, pk)
    return render(request, "crm/followup_detail.html", {
        "followup": followup,
        "revisions": followup.revisions.select_related("by"),
        "extras": followup_extras.details(followup),
        "can_change": policies.can_change_followup(request.user, followup),
        "can_continue": policies.can_continue_followup(request.user, followup),
        "sections": sections.followup_sections(request.user, followup),
        "extra_panels": followup_extras.panels(request.user, followup),
        "custom_values": registry.shown_values(custom.FOLLOWUP, request.user, followup.custom),
        "custom_history": values.history(custom.FOLLOWUP, followup.pk, request.user),
    })


@require_http_methods(["GET", "POST"])
@sales_only
def followup_edit(request, pk):
    followup = policies.get_followup_for(request.user, pk)
    if not policies.can_change_followup(request.user, followup):
        raise PermissionDenied
    form = FollowUpEditForm(request.POST or None, initial={
        "subject": followup.subject, "content": followup.content, "version": services.followup_version(followup)})
    custom_forms.add_fields(form, custom.FOLLOWUP, request.user, followup.custom)
    changed = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.followup_edit(followup=followup, subject=data["subject"], content=data["content"], by=request.user,
                                   expected_version=data.get("version"),
                                   custom_values=custom_forms.merged_values(form, followup.custom))
        except services.FollowUpChanged as error:
            # Keep their words, show the record as it is now; saving again is a deliberate choice.
            followup = changed = error.followup
            post = request.POST.copy()  # a multiple choice keeps all its values
            post["version"] = services.followup_version(followup)
            form = FollowUpEditForm(post)
            custom_forms.add_fields(form, custom.FOLLOWUP, request.user, followup.custom)
            form.is_valid()
            form.add_error(None, _("Someone else changed this record while you were correcting it, so nothing was saved. "
                                   "Its text now is shown above; save again to keep yours."))
        else:
            messages.success(request, _("Record corrected; its time is unchanged."))
            return redirect(followup)
    return render(request, "crm/followup_form.html", {"form": form, "followup": followup, "customer": followup.customer,
                                                      "mode": "edit", "changed": changed})


@require_http_methods(["GET", "POST"])
@sales_only
def followup_continue(request, pk):
    followup = policies.get_followup_for(request.user, pk)
    if not policies.can_continue_followup(request.user, followup):
        raise PermissionDenied
    initial = {"occurred_at": _now_input(), "next_contact_on": services.default_next_contact(followup.customer.grade)}
    form = FollowUpContinueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_continue(followup=followup, by=request.user, **form.cleaned_data)
        except services.FollowUpTimeError as error:
            form.add_error("occurred_at", str(error))
        else:
            messages.success(request, _("Topic continued: the record now carries today's time."))
            return redirect(followup)
    return render(request, "crm/followup_form.html", {"form": form, "followup": followup, "customer": followup.customer, "mode": "continue"})


@require_http_methods(["GET", "POST"])
@sales_only
def followup_delete(request, pk):
    followup = policies.get_followup_for(request.user, pk)
    if not policies.can_change_followup(request.user, followup):
        raise PermissionDenied
    if request.method == "POST":
        services.followup_delete(followup=followup, by=request.user)
        messages.success(request, _("Record deleted."))
        return redirect(followup.customer)
    return render(request, "crm/followup_delete.html", {"followup": followup})
