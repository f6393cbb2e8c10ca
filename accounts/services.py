"""Writes to staff and groups (SPEC §7): keyword-only, atomic, each one in the audit trail.

Who may do what is decided by accounts/policies.py and staff/policies.py (checked by the views
and the forms' choices); these functions only save. A departure (offboarding) spans apps and lives in
staff/offboarding.py.
"""

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import SalesGroup, SalesGroupUserObjectPermission, User
from accounts.policies import SUPERVISE_GROUP, takes_no_sales_group

PROFILE_FIELDS = ["full_name", "email", "phone", "wechat", "address", "hire_date", "notes", "role", "sales_group"]


def _normalise_group(user: User) -> None:
    if takes_no_sales_group(user.role):
        user.sales_group = None


@transaction.atomic
def user_create(*, username: str, password: str, data: dict, by) -> User:
    user = User(username=username, **{field: value for field, value in data.items() if field in PROFILE_FIELDS})
    _normalise_group(user)
    user.set_password(password)
    user.save()
    audit.record(actor=by, action="staff.create", summary=f"{user.username} ({user.role})", count=1,
                 user_id=user.pk, username=user.username, role=user.role, group_id=user.sales_group_id)
    return user


@transaction.atomic
def user_update(*, user: User, data: dict, password: str = "", by) -> User:
    """Save profile, role and group changes; `password`, when given, replaces the old one
    (and so ends the person's open sessions)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = {}
    for field, value in data.items():
        if field in PROFILE_FIELDS and getattr(user, field) != value:
            changed[field] = value
            setattr(user, field, value)
    _normalise_group(user)
    if password:
        user.set_password(password)
    user.save()
    if changed or password:
        moved = "sales_group" in changed or "role" in changed
        audit.record(
            actor=by, action="staff.move" if moved else "staff.edit", summary=user.username, count=1,
            user_id=user.pk, fields=sorted(changed) + (["password"] if password else []),
            role=user.role, group_id=user.sales_group_id,
        )
    return user


@transaction.atomic
def password_change(*, form, by, ip=None) -> User:
    """Save the person's own new password (a valid accounts.forms.PasswordChangeForm), note it in
    the audit trail, and clear their failed guesses from this address as a login would."""
    user = form.save()
    audit.record(actor=by, action="auth.password_changed", summary=user.username, ip=ip, username=user.username)
    axes_reset(ip=ip, username=user.get_username())
    return user


@transaction.atomic
def user_reactivate(*, user: User, by) -> User:
    """Undo a mistaken deactivation. The person needs a new password (set on the edit page)."""
    User.objects.filter(pk=user.pk).update(is_active=True, departed_at=None)
    user.refresh_from_db()
    audit.record(actor=by, action="staff.reactivate", summary=user.username, count=1, user_id=user.pk)
    return user


@transaction.atomic
def group_create(*, name: str, supervisor, by) -> SalesGroup:
    group = SalesGroup.objects.create(name=name, supervisor=supervisor)
    audit.record(actor=by, action="group.create", summary=name, count=1, group_id=group.pk,
                 supervisor_id=getattr(supervisor, "pk", None))
    return group


@transaction.atomic
def group_update(*, group: SalesGroup, name: str, supervisor, by) -> SalesGroup:
    group = SalesGroup.objects.select_for_update().get(pk=group.pk)
    before = (group.name, group.supervisor_id)
    group.name, group.supervisor = name, supervisor
    group.save(update_fields=["name", "supervisor"])
    if before != (group.name, group.supervisor_id):
        audit.record(actor=by, action="group.edit", summary=name, count=1, group_id=group.pk,
                     old_name=before[0], supervisor_id=group.supervisor_id, old_supervisor_id=before[1])
    return group


def _supervise_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="accounts", codename=SUPERVISE_GROUP)


@transaction.atomic
def group_grant(*, group: SalesGroup, supervisor: User, by) -> None:
    """Let a supervisor cover a further group (a guardian object permission)."""
    _, created = SalesGroupUserObjectPermission.objects.get_or_create(
        user=supervisor, content_object=group, permission=_supervise_permission()
    )
    if created:
        audit.record(actor=by, action="group.grant", summary=f"{supervisor.username} → {group.name}", count=1,
                     group_id=group.pk, supervisor_id=supervisor.pk)


@transaction.atomic
def group_revoke(*, group: SalesGroup, supervisor: User, by) -> None:
    removed, _ = SalesGroupUserObjectPermission.objects.filter(
        user=supervisor, content_object=group, permission__codename=SUPERVISE_GROUP
    ).delete()
    if removed:
        audit.record(actor=by, action="group.revoke", summary=f"{supervisor.username} → {group.name}", count=1,
                     group_id=group.pk, supervisor_id=supervisor.pk)


def granted_supervisors(group: SalesGroup):
    """Supervisors covering `group` by an explicit grant (besides the one who leads it)."""
    ids = SalesGroupUserObjectPermission.objects.filter(
        content_object=group, permission__codename=SUPERVISE_GROUP
    ).values_list("user_id", flat=True)
    return User.objects.filter(pk__in=ids).order_by("username")


def mark_departed(*, user: User, at=None) -> None:
    """The account side of a departure: deactivate (never delete), clear the contact details,
    keep the name so history still shows who wrote what, and make the password unusable so
    every open session ends. Called inside the offboarding transaction; run again (offboarding
    someone already gone), it keeps the day they left."""
    user.is_active = False
    user.departed_at = user.departed_at or at or timezone.now()
    user.email = user.phone = user.wechat = user.address = user.notes = ""
    user.hire_date = None
    user.set_unusable_password()
    user.save(update_fields=["is_active", "departed_at", "email", "phone", "wechat", "address", "notes", "hire_date", "password"])
    SalesGroupUserObjectPermission.objects.filter(user=user).delete()
    SalesGroup.objects.filter(supervisor=user).update(supervisor=None)
