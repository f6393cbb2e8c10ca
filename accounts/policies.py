"""The role policy: who is who, and whose data each person may reach.

Every app's policy builds on these functions, and views, forms, templates and the navigation
ask named questions (`may_see_reports(user)`), never the role itself.
Rules come from columns (role, sales group, supervisor); django-guardian holds the
exceptions (a supervisor granted a further group).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import SalesGroup, SalesGroupUserObjectPermission, User

SUPERVISE_GROUP = "supervise_salesgroup"


# --- Roles ------------------------------------------------------------------------------------


def has_sales_role(user) -> bool:
    return bool(getattr(user, "has_sales_role", False))


def is_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_admin


def is_backup_operator(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_backup_operator


def is_management(user) -> bool:
    """Supervisors and admins: they oversee other people's work."""
    return has_sales_role(user) and (user.is_admin or user.is_supervisor)


def works_alone(user) -> bool:
    """A salesperson: sees and does their own work only (no one else's columns, filters or choices)."""
    return has_sales_role(user) and user.is_salesperson


def takes_no_sales_group(role) -> bool:
    """Admins and backup operators belong to no sales group."""
    return role in (User.Role.ADMIN, User.Role.BACKUP_OPERATOR)


# --- Groups -----------------------------------------------------------------------------------


def supervised_group_ids(user) -> frozenset[int]:
    """The sales groups a supervisor covers: the ones they lead plus explicit guardian grants.

    Cached on the user object, which lives for one request.
    """
    cached = getattr(user, "_supervised_group_ids", None)
    if cached is not None:
        return cached
    if not (user.is_authenticated and user.is_active and user.is_supervisor):
        ids = frozenset()
    else:
        led = SalesGroup.objects.filter(supervisor=user).values_list("id", flat=True)
        granted = SalesGroupUserObjectPermission.objects.filter(
            user=user, permission__codename=SUPERVISE_GROUP
        ).values_list("content_object_id", flat=True)
        ids = frozenset(led) | frozenset(granted)
    user._supervised_group_ids = ids
    return ids


def visible_sales_groups(user) -> QuerySet[SalesGroup]:
    if is_admin(user):
        return SalesGroup.objects.all()
    if has_sales_role(user) and user.is_supervisor:
        return SalesGroup.objects.filter(id__in=supervised_group_ids(user))
    if has_sales_role(user) and user.sales_group_id:
        return SalesGroup.objects.filter(id=user.sales_group_id)
    return SalesGroup.objects.none()


# --- People -----------------------------------------------------------------------------------


def visible_users(user) -> QuerySet[User]:
    """People whose work `user` may look at: admin everyone, supervisor their groups, others themselves."""
    if not (user.is_authenticated and user.is_active):
        return User.objects.none()
    if user.is_admin:
        return User.objects.all()
    if user.is_supervisor:
        return User.objects.filter(Q(pk=user.pk) | Q(sales_group_id__in=supervised_group_ids(user)))
    return User.objects.filter(pk=user.pk)


def can_see_work_of(user, owner_id: int | None, owner_group_id: int | None) -> bool:
    """May `user` see data owned by the person with this id and sales group?

    Takes ids, not a User, so that callers can answer from columns they already have.
    """
    if not has_sales_role(user) or owner_id is None:
        return False
    if user.is_admin or owner_id == user.pk:
        return True
    return user.is_supervisor and owner_group_id in supervised_group_ids(user)


def sales_staff_for(user) -> QuerySet[User]:
    """Active salespeople (and supervisors) that `user` may assign work to or filter by."""
    people = visible_users(user).filter(
        is_active=True, role__in=[User.Role.SALESPERSON, User.Role.SUPERVISOR, User.Role.ADMIN]
    )
    return people.select_related("sales_group").order_by("sales_group__name", "username")


def can_see_user(user, target) -> bool:
    return visible_users(user).filter(pk=target.pk).exists()


# --- Staff management (SPEC §7): the rules the role backend answers for `accounts.change_user`;
# the staff pages' other rules are staff/policies.py's. ------------------------------------------


def may_manage_staff(user) -> bool:
    """Admins manage everyone; supervisors the salespeople of their groups."""
    return is_management(user)


def manageable_users(user) -> QuerySet[User]:
    """Whom `user` may create, edit, deactivate and offboard: the admin anyone (former staff
    included, to see them), a supervisor the salespeople of the groups they cover."""
    if not may_manage_staff(user):
        return User.objects.none()
    if user.is_admin:
        return User.objects.all()
    return User.objects.filter(role=User.Role.SALESPERSON, sales_group_id__in=supervised_group_ids(user))


def can_manage_user(user, target) -> bool:
    return manageable_users(user).filter(pk=target.pk).exists()


# --- View guard -------------------------------------------------------------------------------


def require(check: Callable[[User], bool]):
    """Decorate a view: log in first, then 404 unless `check(user)` holds.

    A role that may not use a page learns nothing about it: the same 404 as an unknown URL.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- Navigation ---------------------------------------------------------------------------------
# The rooms above accounts (reports, staff, backups) answer their navigation questions in their own
# policies and register their entries (accounts.context_processors.register_navigation); the
# suggestions box's questions stay here, where bulletin's policy reads them.


def may_read_suggestions(user) -> bool:
    """Management reads the suggestions box (SPEC §6.3)."""
    return is_management(user)


def sees_own_suggestions_only(user) -> bool:
    """A salesperson sees the suggestions they sent, never the box."""
    return works_alone(user)
