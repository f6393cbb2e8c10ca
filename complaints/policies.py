"""Who may see and do what with complaints. The only place that decides it.

A complaint is scoped by its customer's holder, like the customer (crm.policies): a salesperson
the complaints of their own customers, a supervisor those of their groups' people, an admin
every complaint (those of customers in the pool included). A share of a customer shows no
complaint. The backup operator reaches nothing. Invisible is a 404, exactly like missing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts import policies as roles
from complaints.models import Complaint
from crm import policies as customers


def may_use_complaints(user) -> bool:
    """Salespeople, supervisors and admins; never the backup operator."""
    return roles.has_sales_role(user)


def may_set_deadlines(user) -> bool:
    """The deadlines per severity are a company setting: admins."""
    return roles.is_admin(user)


def sees_owner(user) -> bool:
    """Lists name the salesperson for whoever sees more than their own."""
    return roles.is_management(user)


def visible_complaints(user) -> QuerySet[Complaint]:
    if not roles.has_sales_role(user):
        return Complaint.objects.none()
    if user.is_admin:
        return Complaint.objects.all()
    return Complaint.objects.filter(customer__owner_id__in=customers.overseen_owner_ids(user))


def can_see_complaint(user, complaint) -> bool:
    customer = complaint.customer
    if not roles.has_sales_role(user):
        return False
    if customer.owner_id is None:
        return user.is_admin
    return roles.can_see_work_of(user, customer.owner_id, customer.owner.sales_group_id)


def get_complaint_for(user, pk) -> Complaint:
    """The complaint `user` may see, else 404 as if it did not exist. Whoever sees a complaint
    works on it (its salesperson, their supervisor, an admin)."""
    complaint = (Complaint.objects.select_related("customer__owner__sales_group", "owner", "logged_by")
                 .filter(pk=pk).first())
    if complaint is None or not can_see_complaint(user, complaint):
        raise Http404
    return complaint


def may_attach_files(user, complaint) -> bool:
    """Files on a complaint (photos of the goods, the customer's letter): whoever works on it,
    i.e. whoever sees it, adds and removes them, in any state (a closed complaint keeps its record)."""
    return may_use_complaints(user) and can_see_complaint(user, complaint)


def may_log_complaint(user, customer) -> bool:
    """On a customer someone holds, by whoever may change it (owner, their supervisor, an admin)."""
    return customer.owner_id is not None and customers.can_edit(user, customer)


def get_customer_for_complaint(user, pk):
    """404 unless `user` sees the customer; 403 when they see it but may not log a complaint on it."""
    customer = customers.get_customer_for(user, pk)
    if not may_log_complaint(user, customer):
        raise PermissionDenied
    return customer


def linkable_followups(user, complaint):
    """The follow-ups a complaint may be linked to: its customer's, that `user` sees."""
    return customers.visible_followups(user).filter(customer_id=complaint.customer_id).order_by("-occurred_at", "-id")


def filterable_owners(user):
    return roles.sales_staff_for(user)


def filterable_groups(user):
    return roles.visible_sales_groups(user)


def open_complaint_customer_ids(user, customer_ids) -> set[int]:
    """Of these customers (already visible to `user`), those with an open complaint (the badge)."""
    if not may_use_complaints(user) or not customer_ids:
        return set()
    return set(Complaint.objects.filter(customer_id__in=customer_ids).exclude(state="closed")
               .values_list("customer_id", flat=True))
