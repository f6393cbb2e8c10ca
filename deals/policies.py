"""Who may see and do what with deals. The only place that decides it.

A deal is scoped like a customer (crm.policies.visible_customers): a salesperson their own, a
supervisor their groups' people's, an admin every deal, including the open deals of customers
in the pool (owner NULL). A share of a customer is a favour to follow it, not to its money: it
shows no deal. The backup operator reaches nothing. A deal someone may not see is a 404,
exactly like one that does not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts import policies as roles
from crm import policies as customers
from deals.models import Deal


def may_use_deals(user) -> bool:
    """Salespeople, supervisors and admins; never the backup operator."""
    return roles.has_sales_role(user)


def may_manage_stages(user) -> bool:
    """The stage list and the lost reasons are a company setting: admins."""
    return roles.is_admin(user)


def may_see_receivables(user) -> bool:
    return may_use_deals(user)


def visible_deals(user) -> QuerySet[Deal]:
    if not roles.has_sales_role(user):
        return Deal.objects.none()
    if user.is_admin:
        return Deal.objects.all()
    return Deal.objects.filter(owner_id__in=customers.overseen_owner_ids(user))


def can_see_deal(user, deal) -> bool:
    if not roles.has_sales_role(user):
        return False
    if deal.owner_id is None:
        return user.is_admin
    return roles.can_see_work_of(user, deal.owner_id, deal.owner.sales_group_id)


def can_edit_deal(user, deal) -> bool:
    """Whoever sees a deal works on it: its salesperson, their supervisor, an admin."""
    return can_see_deal(user, deal)


def can_record_payments(user, deal) -> bool:
    """Instalments and payments are recorded on won deals only."""
    return can_edit_deal(user, deal) and deal.stage.kind == deal.stage.Kind.WON


def get_deal_for(user, pk, *, write=False) -> Deal:
    """The deal `user` may see, else 404 as if it did not exist; with write=True, 403 when they may
    see it but not change it."""
    deal = Deal.objects.select_related("owner__sales_group", "customer", "stage", "lost_reason").filter(pk=pk).first()
    if deal is None or not can_see_deal(user, deal):
        raise Http404
    if write and not can_edit_deal(user, deal):
        raise PermissionDenied
    return deal


def may_open_deal(user, customer) -> bool:
    """A deal is opened on a customer someone holds, by whoever may change that customer."""
    return customer.owner_id is not None and customers.can_edit(user, customer)


def get_customer_for_deal(user, pk):
    """The customer a new deal is opened on: 404 unless `user` may see it, 403 unless they may
    open a deal on it (e.g. a customer in the pool, or one only shared with them)."""
    customer = customers.get_customer_for(user, pk)
    if not may_open_deal(user, customer):
        raise PermissionDenied
    return customer


def filterable_owners(user):
    """Whom the deal list may be filtered by: the people `user` oversees (admin: all sales staff)."""
    return roles.sales_staff_for(user)


def filterable_groups(user):
    return roles.visible_sales_groups(user)


def flags_for(user, deal) -> dict:
    return {
        "can_edit": can_edit_deal(user, deal),
        "can_pay": can_record_payments(user, deal),
    }


# --- Targets and forecast (issue 22) ---------------------------------------------------------


def may_manage_deal_settings(user) -> bool:
    """Company settings of deals (e.g. "A-class customers become VIP"): admins."""
    return roles.is_admin(user)


def may_see_targets(user) -> bool:
    """Everyone in sales sees progress against target: a salesperson their own (and where they
    stand in their group, without the others' figures), a supervisor their groups', an admin all."""
    return roles.has_sales_role(user)


def may_set_targets(user) -> bool:
    return roles.is_management(user)


def sees_rankings(user) -> bool:
    """Names and figures of colleagues: supervisors (their groups) and admins."""
    return roles.is_management(user)


def sees_group_ranking(user) -> bool:
    """Every group's figures side by side: admins. A supervisor sees where their groups stand."""
    return roles.is_admin(user)


def target_people(user):
    """Whose monthly target `user` may set: an admin everyone in sales, a supervisor the people
    of their groups (not themselves), nobody else."""
    if not may_set_targets(user):
        return roles.sales_staff_for(user).none()
    people = roles.sales_staff_for(user)
    return people if user.is_admin else people.exclude(pk=user.pk).filter(
        sales_group_id__in=roles.supervised_group_ids(user))


def target_groups(user):
    if not may_set_targets(user):
        return roles.visible_sales_groups(user).none()
    return roles.visible_sales_groups(user)


def get_target_person_for(user, pk):
    person = target_people(user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def get_target_group_for(user, pk):
    group = target_groups(user).filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def progress_people(user):
    """Whose progress `user` sees by name: themselves, and the people they oversee."""
    return roles.sales_staff_for(user) if roles.is_management(user) else roles.sales_staff_for(user).filter(pk=user.pk)


def progress_groups(user):
    """Which groups' progress `user` sees: an admin all, a supervisor theirs, a salesperson none
    (they see their own figures and their place in the group)."""
    return roles.visible_sales_groups(user) if roles.is_management(user) else roles.visible_sales_groups(user).none()
