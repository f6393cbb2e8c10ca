"""Who may see and do what with contacts. The only place that decides it.

A contact is visible exactly when its customer is (crm.policies.can_view: owned in one's scope,
shared with one, or in the pool) and changed exactly when its customer may be (crm.policies.
can_edit: never in the pool). A contact someone may not see is a 404, like one that does not
exist or was removed; one they see but may not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import policies as roles
from contacts.models import ACTIVE, Contact
from crm import policies as customers


def may_use_contacts(user) -> bool:
    """Salespeople, supervisors and admins; never the backup operator."""
    return roles.has_sales_role(user)


def visible_contacts(user) -> QuerySet[Contact]:
    """Contacts (not removed) of every customer `user` may see, the pool's included."""
    if not may_use_contacts(user):
        return Contact.objects.none()
    of_customers = customers.visible_customers(user).values("pk")
    return Contact.objects.filter(ACTIVE).filter(
        Q(customer__in=of_customers) | Q(customer__owner__isnull=True)
    )


def can_see_contacts_of(user, customer) -> bool:
    return may_use_contacts(user) and customers.can_view(user, customer)


def can_change_contacts_of(user, customer) -> bool:
    """Add, edit and remove contacts: whoever may change the customer (not in the pool)."""
    return may_use_contacts(user) and customers.can_edit(user, customer)


def get_contact_for(user, pk, *, write=False) -> Contact:
    """The contact `user` may see, else 404 as if it did not exist (a removed one is gone too);
    with write=True, 403 when they may see it but not change it."""
    contact = (
        Contact.objects.filter(ACTIVE, pk=pk).select_related("customer__owner__sales_group").first()
        if may_use_contacts(user) else None
    )
    if contact is None or not customers.can_view(user, contact.customer):
        raise Http404
    if write and not customers.can_edit(user, contact.customer):
        raise PermissionDenied
    return contact


def get_customer_for_contacts(user, pk):
    """The customer a contact is added to: 404 unless `user` may see it, 403 unless they may
    change it (a pool customer, or one only shared with them)."""
    if not may_use_contacts(user):
        raise Http404
    customer = customers.get_customer_for(user, pk)
    if not can_change_contacts_of(user, customer):
        raise PermissionDenied
    return customer


def can_name_contact_on_followup(user, customer) -> bool:
    """A follow-up may say whom it was with when `user` may log it and see the contacts."""
    return may_use_contacts(user) and customers.can_log_followup(user, customer)
