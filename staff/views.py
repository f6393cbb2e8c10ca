"""The staff pages (SPEC §7): the staff list, adding and editing people, a person's page and
their departure, sales groups, and the audit trail. Admins for everyone; supervisors for the
salespeople of their groups (staff/policies.py)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit, services
from accounts.models import SalesGroup, User
from accounts.policies import require
from common.pagination import paginate
from staff import offboarding, policies, selectors
from staff.filters import AuditFilterSet, StaffFilterSet
from staff.forms import GroupForm, GroupGrantForm, OffboardForm, UserCreateForm, UserEditForm

STAFF_PER_PAGE = 25
AUDIT_PER_PAGE = 50
PER_PAGE_CHOICES = (25, 50, 100)  # the reader may choose 25, 50 or 100 a page

manages_staff = require(policies.may_manage_staff)
manages_groups = require(policies.may_manage_groups)
reads_audit_trail = require(policies.may_read_audit_trail)
reactivates = require(policies.may_reactivate)


def _page(request, rows, per_page):
    """One page of a list (common.pagination: capped count, cursor links where the order allows)."""
    return paginate(request, rows, default_per_page=per_page, per_page_choices=PER_PAGE_CHOICES)


# --- People -------------------------------------------------------------------------------------


@require_GET
@manages_staff
def user_list(request):
    filters = StaffFilterSet(request.GET, user=request.user)
    page = _page(request, filters.qs, STAFF_PER_PAGE)
    manageable = set(policies.manageable_users(request.user).filter(pk__in=[u.pk for u in page]).values_list("pk", flat=True))
    for person in page:
        person.can_manage = person.pk in manageable
        person.can_offboard = person.can_manage and policies.offboarding_offered(request.user, person)
    return render(request, "staff/user_list.html", {
        "form": filters.form, "page_obj": page, "can_manage_groups": policies.may_manage_groups(request.user),
    })


@require_http_methods(["GET", "POST"])
@manages_staff
def user_create(request):
    form = UserCreateForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        person = services.user_create(
            username=form.cleaned_data["username"], password=form.cleaned_data["password1"],
            data=form.profile_data(), by=request.user,
        )
        messages.success(request, _("%(name)s can now log in as %(login)s.") % {"name": person.display_name, "login": person.username})
        return redirect("staff:user-list")
    return render(request, "staff/user_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@manages_staff
def user_edit(request, pk):
    person = policies.get_managed_user_for(request.user, pk)
    form = UserEditForm(request.POST or None, instance=person, by=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update(user=person, data=form.profile_data(), password=form.cleaned_data["new_password"], by=request.user)
        messages.success(request, _("Changes to %(name)s saved.") % {"name": person.display_name})
        return redirect("staff:user-list")
    return render(request, "staff/user_form.html", {
        "form": form, "person": person, "creating": False,
        "can_reactivate": policies.may_reactivate(request.user),
        "can_offboard": policies.offboarding_offered(request.user, person),
    })


@require_POST
@reactivates
def user_reactivate(request, pk):
    person = policies.get_managed_user_for(request.user, pk)
    if person.is_active:
        messages.info(request, _("%(name)s is already active.") % {"name": person.display_name})
    else:
        services.user_reactivate(user=person, by=request.user)
        messages.success(request, _("%(name)s is active again; set a new password so they can log in.") % {"name": person.display_name})
    return redirect("staff:user-edit", pk=person.pk)


@require_GET
@manages_staff
def user_detail(request, pk):
    person = policies.get_visible_user_for(request.user, pk)
    page = selectors.staff_page(request.user, person)
    can_manage = policies.can_manage_user(request.user, person)
    return render(request, "staff/user_detail.html", {
        "person": person,
        "can_manage": can_manage,
        "can_offboard": can_manage and policies.offboarding_offered(
            request.user, person, holds_customers=bool(page["headline"]["total"])),
        **page,
    })


def _each_customers(person, preview):
    if preview.customers == 0 or preview.customers > offboarding.EACH_LIMIT:
        return []
    return list(person.customers.select_related(None).order_by("name", "id"))


@require_http_methods(["GET", "POST"])
@manages_staff
def user_offboard(request, pk):
    """Preview exactly what will happen, choose where the customers go, confirm: all or nothing."""
    person = policies.get_managed_user_for(request.user, pk)
    preview = offboarding.offboard_preview(person)
    refusal = policies.deactivation_refusal(request.user, person)
    form = OffboardForm(request.POST or None, person=person, by=request.user,
                        customers=_each_customers(person, preview), initial={"expected_customers": preview.customers})
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
        return redirect("staff:user-detail", pk=person.pk)
    # Choose, review exactly where the customers go, confirm; "change" goes back with the choice kept.
    reviewing = request.method == "POST" and "change" not in request.POST and form.is_valid()
    if reviewing and "confirm" in request.POST:
        try:
            result = offboarding.offboard(person=person, by=request.user, **form.service_arguments())
        except offboarding.Refused as refused:
            messages.error(request, refused.message)
            return redirect("staff:user-offboard", pk=person.pk)
        messages.success(request, _(
            "%(name)s has been offboarded: %(customers)d customers moved (%(pool)d to the pool), "
            "%(plans)d plans and %(suggestions)d signed suggestions removed, account deactivated."
        ) % {"name": person.display_name, "customers": result.customers, "pool": result.to_pool,
             "plans": result.plans, "suggestions": result.signed_suggestions})
        return redirect("staff:user-detail", pk=person.pk)
    return render(request, "staff/user_offboard.html", {
        "person": person, "preview": preview, "form": form, "refusal": refusal, "each_limit": offboarding.EACH_LIMIT,
        "destinations": form.destinations(preview.customers) if reviewing else None,
    })


# --- Sales groups -------------------------------------------------------------------------------


@require_GET
@manages_staff
def group_list(request):
    return render(request, "staff/group_list.html", {
        "groups": selectors.groups_with_grants(request.user),
        "can_manage_groups": policies.may_manage_groups(request.user),
    })


@require_http_methods(["GET", "POST"])
@manages_groups
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.group_create(name=form.cleaned_data["name"], supervisor=form.cleaned_data["supervisor"], by=request.user)
        messages.success(request, _("Group %(name)s created.") % {"name": group.name})
        return redirect("staff:group-list")
    return render(request, "staff/group_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@manages_groups
def group_edit(request, pk):
    group = get_object_or_404(SalesGroup, pk=pk)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        services.group_update(group=group, name=form.cleaned_data["name"], supervisor=form.cleaned_data["supervisor"], by=request.user)
        messages.success(request, _("Group %(name)s saved.") % {"name": form.cleaned_data["name"]})
        return redirect("staff:group-list")
    return render(request, "staff/group_form.html", {
        "form": form, "group": group, "creating": False,
        "grant_form": GroupGrantForm(group=group), "granted": services.granted_supervisors(group),
    })


@require_POST
@manages_groups
def group_grant(request, pk):
    group = get_object_or_404(SalesGroup, pk=pk)
    form = GroupGrantForm(request.POST, group=group)
    if form.is_valid():
        supervisor = form.cleaned_data["supervisor"]
        services.group_grant(group=group, supervisor=supervisor, by=request.user)
        messages.success(request, _("%(name)s now also supervises %(group)s.") % {"name": supervisor.display_name, "group": group.name})
    else:
        messages.error(request, _("Choose one of the offered supervisors."))
    return redirect("staff:group-edit", pk=group.pk)


@require_POST
@manages_groups
def group_revoke(request, pk, user_pk):
    group = get_object_or_404(SalesGroup, pk=pk)
    supervisor = get_object_or_404(User, pk=user_pk)
    services.group_revoke(group=group, supervisor=supervisor, by=request.user)
    messages.success(request, _("%(name)s no longer supervises %(group)s.") % {"name": supervisor.display_name, "group": group.name})
    return redirect("staff:group-edit", pk=group.pk)


# --- The audit trail ----------------------------------------------------------------------------


@require_GET
@reads_audit_trail
def audit_list(request):
    """The audit trail (read-only): who did what, when, to how many."""
    filters = AuditFilterSet(request.GET, user=request.user)
    page = _page(request, filters.qs, AUDIT_PER_PAGE)
    for event in page:
        event.summary_text = audit.summary_of(event)
    return render(request, "staff/audit_list.html", {"form": filters.form, "page_obj": page})
