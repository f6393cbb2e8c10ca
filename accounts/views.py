from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit, policies, services
from accounts.forms import LoginForm, PasswordChangeForm
from accounts.models import AuditEvent, SalesGroup, SalesGroupUserObjectPermission, User
from accounts.policies import require
from accounts.staff_forms import (
    AuditFilterForm,
    GroupForm,
    GroupGrantForm,
    StaffFilterForm,
    UserCreateForm,
    UserEditForm,
)
from common.http import client_ip


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """The current password is checked like a login (locked out after repeated failures, each
    one audited), and a change is audited too (issue 19.8)."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        user = services.password_change(form=form, by=self.request.user, ip=client_ip(self.request))
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()
password_change = PasswordChangeView.as_view()


# --- Staff management (SPEC §7) ----------------------------------------------------------------

STAFF_PER_PAGE = 25
AUDIT_PER_PAGE = 50

manages_staff = require(policies.may_manage_staff)
manages_groups = require(policies.may_manage_groups)
admin_only = require(policies.is_admin)


class ListPaginator(Paginator):
    per_page_choices = (25, 50, 100)


def _page(request, rows, per_page):
    """One page of a list; the reader may choose 25, 50 or 100 a page (includes/_pagination.html)."""
    chosen = request.GET.get("per_page", "")
    if chosen.isdigit() and int(chosen) in ListPaginator.per_page_choices:
        per_page = int(chosen)
    return ListPaginator(rows, per_page).get_page(request.GET.get("page"))


@require_GET
@manages_staff
def user_list(request):
    form = StaffFilterForm(request.GET, user=request.user)
    page = _page(request, form.filter(policies.staff_directory(request.user)), STAFF_PER_PAGE)
    manageable = set(policies.manageable_users(request.user).filter(pk__in=[u.pk for u in page]).values_list("pk", flat=True))
    for person in page:
        person.can_manage = person.pk in manageable
    return render(request, "accounts/user_list.html", {
        "form": form, "page_obj": page, "can_manage_groups": policies.may_manage_groups(request.user),
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
        return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@manages_staff
def user_edit(request, pk):
    person = policies.get_managed_user_for(request.user, pk)
    form = UserEditForm(request.POST or None, instance=person, by=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update(user=person, data=form.profile_data(), password=form.cleaned_data["new_password"], by=request.user)
        messages.success(request, _("Changes to %(name)s saved.") % {"name": person.display_name})
        return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "person": person, "creating": False})


@require_POST
@admin_only
def user_reactivate(request, pk):
    person = policies.get_managed_user_for(request.user, pk)
    if person.is_active:
        messages.info(request, _("%(name)s is already active.") % {"name": person.display_name})
    else:
        services.user_reactivate(user=person, by=request.user)
        messages.success(request, _("%(name)s is active again; set a new password so they can log in.") % {"name": person.display_name})
    return redirect("accounts:user-edit", pk=person.pk)


@require_GET
@manages_staff
def group_list(request):
    groups = policies.visible_sales_groups(request.user).select_related("supervisor").annotate(
        active_members=Count("members", filter=Q(members__is_active=True))
    )
    grants = SalesGroupUserObjectPermission.objects.filter(
        content_object__in=groups, permission__codename=policies.SUPERVISE_GROUP
    ).select_related("user")
    granted = {}
    for grant in grants:
        granted.setdefault(grant.content_object_id, []).append(grant.user)
    for group in groups:
        group.granted = granted.get(group.pk, [])
    return render(request, "accounts/group_list.html", {
        "groups": groups, "can_manage_groups": policies.may_manage_groups(request.user),
    })


@require_http_methods(["GET", "POST"])
@manages_groups
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.group_create(name=form.cleaned_data["name"], supervisor=form.cleaned_data["supervisor"], by=request.user)
        messages.success(request, _("Group %(name)s created.") % {"name": group.name})
        return redirect("accounts:group-list")
    return render(request, "accounts/group_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@manages_groups
def group_edit(request, pk):
    group = get_object_or_404(SalesGroup, pk=pk)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        services.group_update(group=group, name=form.cleaned_data["name"], supervisor=form.cleaned_data["supervisor"], by=request.user)
        messages.success(request, _("Group %(name)s saved.") % {"name": form.cleaned_data["name"]})
        return redirect("accounts:group-list")
    return render(request, "accounts/group_form.html", {
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
    return redirect("accounts:group-edit", pk=group.pk)


@require_POST
@manages_groups
def group_revoke(request, pk, user_pk):
    group = get_object_or_404(SalesGroup, pk=pk)
    supervisor = get_object_or_404(User, pk=user_pk)
    services.group_revoke(group=group, supervisor=supervisor, by=request.user)
    messages.success(request, _("%(name)s no longer supervises %(group)s.") % {"name": supervisor.display_name, "group": group.name})
    return redirect("accounts:group-edit", pk=group.pk)


@require_GET
@admin_only
def audit_list(request):
    """The audit trail (read-only): who did what, when, to how many."""
    form = AuditFilterForm(request.GET)
    page = _page(request, form.filter(AuditEvent.objects.all()), AUDIT_PER_PAGE)
    for event in page:
        event.summary_text = audit.summary_of(event)
    return render(request, "accounts/audit_list.html", {"form": form, "page_obj": page})
