"""The contacts section of a customer's page (crm.sections: crm never imports contacts)."""

from contacts import policies, selectors


def customer_section(user, customer) -> dict | None:
    if not policies.can_see_contacts_of(user, customer):
        return None
    may_change = policies.can_change_contacts_of(user, customer)
    return {
        "customer": customer,
        "contacts": selectors.customer_contacts(customer),
        "removed": selectors.removed_contacts(customer) if may_change else [],
        "may_change": may_change,
    }
