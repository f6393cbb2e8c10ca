"""Who may do what on the staff pages (SPEC §7): people, sales groups, a person's page, their
departure, and the audit trail. The pages, forms and templates ask these capabilities; none of
them compares roles.

The rules the role backend itself answers (`user.has_perm("accounts.change_user", person)`)
stay in accounts/policies.py (`may_manage_staff`, `manageable_users`, `can_manage_user`) and are
named here too, so the staff pages ask one module.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import SalesGroup, User
from accounts.policies import (
    can_manage_user,
    is_admin,
    manageable_users,
    may_manage_staff,
    supervised_group_ids,
    visible_sales_groups,
    visible_users,
)
from crm.policies import assignable_owners

__all__ = [
    "can_manage_user", "manageable_users", "may_manage_staff", "visible_sales_groups",  # accounts' rules
    "may_manage_groups", "may_read_audit_trail", "may_reactivate", "may_leave_without_group", "offboarding_offered",
    "staff_directory", "assignable_roles", "assignable_groups", "supervisor_candidates",
    "deactivation_refusal", "role_change_refusal", "offboarding_receivers", "get_managed_user_for", "get_visible_user_for",
]


# --- Capabilities -------------------------------------------------------------------------------


def may_manage_groups(user) -> bool:
    """Creating and renaming groups, choosing supervisors and granting further groups: admins."""
    return is_admin(user)


def may_read_audit_trail(user) -> bool:
    """The audit trail (who exported, offboarded, reassigned …): admins."""
    return is_admin(user)


def may_reactivate(user) -> bool:
    """Undoing a departure (the account comes back, without customers): admins."""
    return is_admin(user)


def may_leave_without_group(user) -> bool:
    """May `user` save a person in no sales group (admins and backup operators belong to none)?
    A supervisor always puts people in one of the groups they cover."""
    return is_admin(user)


def offboarding_offered(user, person, *, holds_customers: bool = False) -> bool:
    """Whether a page offers to offboard `person` (someone `user` manages): an active colleague
    other than oneself, or someone already gone who still holds customers (to sweep them)."""
    if person.is_active:
        return person.pk != user.pk
    return holds_customers


# --- People -------------------------------------------------------------------------------------


def staff_directory(user) -> QuerySet[User]:
    """The staff list: whom `user` may look up (their own scope of visible people)."""
    if not may_manage_staff(user):
        return User.objects.none()
    return visible_users(user)


def assignable_roles(user) -> list[tuple[str, str]]:
    """Roles `user` may give: any for an admin; a supervisor only makes salespeople."""
    if is_admin(user):
        return list(User.Role.choices)
    if may_manage_staff(user):
        return [(User.Role.SALESPERSON, User.Role.SALESPERSON.label)]
    return []


def assignable_groups(user) -> QuerySet[SalesGroup]:
    """Groups `user` may put people in: every group for an admin, their own for a supervisor,
    so a supervisor can never move someone out of the groups they cover."""
    if is_admin(user):
        return SalesGroup.objects.all()
    if may_manage_staff(user):
        return SalesGroup.objects.filter(id__in=supervised_group_ids(user))
    return SalesGroup.objects.none()


def supervisor_candidates() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=User.Role.SUPERVISOR).order_by("username")


def _is_last_admin(target) -> bool:
    return target.is_admin and not User.objects.filter(role=User.Role.ADMIN, is_active=True).exclude(pk=target.pk).exists()


def deactivation_refusal(user, target) -> str | None:
    """Why `user` may not deactivate or offboard `target` (already in scope), or None.
    Someone already gone may be offboarded again: it sweeps whatever they still hold.

    The message is shown as is: translated, and saying what to do instead.
    """
    if target.pk == user.pk:
        return _("You cannot offboard or deactivate yourself; ask another admin.")
    if target.is_active and _is_last_admin(target):
        return _("%(name)s is the last active admin; make someone else admin first.") % {"name": target.display_name}
    return None


def role_change_refusal(user, target, new_role) -> str | None:
    """Nobody changes their own role (an admin could lock the company out)."""
    if target.pk is not None and target.pk == user.pk and new_role != target.role:
        return _("You cannot change your own role; ask another admin.")
    if target.pk is not None and target.role != new_role and _is_last_admin(target):
        return _("%(name)s is the last active admin; make someone else admin first.") % {"name": target.display_name}
    return None


def offboarding_receivers(user, person) -> QuerySet[User]:
    """Who may receive `person`'s customers when they leave: the colleagues `user` may hand
    customers to (crm's rule), never the leaver."""
    return assignable_owners(user).exclude(pk=person.pk)


def get_managed_user_for(user, pk) -> User:
    """A person `user` may manage; anyone else is the 404 of a person who does not exist."""
    target = manageable_users(user).select_related("sales_group").filter(pk=pk).first()
    if target is None:
        raise Http404
    return target


def get_visible_user_for(user, pk) -> User:
    """A person whose page `user` may open (staff directory), else 404."""
    target = staff_directory(user).select_related("sales_group").filter(pk=pk).first()
    if target is None:
        raise Http404
    return target
