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
