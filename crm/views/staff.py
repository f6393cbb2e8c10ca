"""A salesperson's page and their departure (SPEC §7.2, §7.3): admins for everyone,
supervisors for the salespeople of their groups."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import policies as roles
from crm import offboarding, staff_selectors
from crm.staff_forms import OffboardForm

manages_staff = roles.require(roles.may_manage_staff)


@require_GET
@manages_staff
def staff_detail(request, pk):
    person = roles.get_visible_user_for(request.user, pk)
    return render(request, "crm/staff_detail.html", {
        "person": person,
        "can_manage": roles.can_manage_user(request.user, person),
        **staff_selectors.staff_page(request.user, person),
    })


def _each_customers(person, preview):
    if preview.customers == 0 or preview.customers > offboarding.EACH_LIMIT:
        return []
    return list(person.customers.select_related(None).order_by("name", "id"))


@require_http_methods(["GET", "POST"])
@manages_staff
def staff_offboard(request, pk):
    """Preview exactly what will happen, choose where the customers go, confirm: all or nothing."""
    person = roles.get_managed_user_for(request.user, pk)
    preview = offboarding.offboard_preview(person)
    refusal = roles.deactivation_refusal(request.user, person)
    form = OffboardForm(request.POST or None, person=person, by=request.user,
                        customers=_each_customers(person, preview), initial={"expected_customers": preview.customers})
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
        return redirect("crm:staff-detail", pk=person.pk)
    # Choose, review exactly where the customers go, confirm; "change" goes back with the choice kept.
    reviewing = request.method == "POST" and "change" not in request.POST and form.is_valid()
    if reviewing and "confirm" in request.POST:
        try:
            result = offboarding.offboard(person=person, by=request.user, **form.service_arguments())
        except offboarding.Refused as refused:
            messages.error(request, refused.message)
            return redirect("crm:staff-offboard", pk=person.pk)
        messages.success(request, _(
            "%(name)s has been offboarded: %(customers)d customers moved (%(pool)d to the pool), "
            "%(plans)d plans and %(suggestions)d signed suggestions removed, account deactivated."
        ) % {"name": person.display_name, "customers": result.customers, "pool": result.to_pool,
             "plans": result.plans, "suggestions": result.signed_suggestions})
        return redirect("crm:staff-detail", pk=person.pk)
    return render(request, "crm/staff_offboard.html", {
        "person": person, "preview": preview, "form": form, "refusal": refusal, "each_limit": offboarding.EACH_LIMIT,
        "destinations": form.destinations(preview.customers) if reviewing else None,
    })
