"""Authorization rows for contacts (issue 25).

Relations, seen from sales1 (salesperson) and sup1 (supervisor of Group A): a contact of a
customer of sales1 (own), sales1b (same_group), sales2 (other_group), and of a pool customer.
A contact is seen exactly when its customer is (the pool's by every sales role) and changed
exactly when its customer may be (never in the pool: 403).
"""

from contacts.models import Contact
from tests.authz import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation, staff
from tests.factories import CustomerFactory

OWNERS = {"own": "sales1", "same_group": "sales1b", "other_group": "sales2", "pool": None}
PHONES = {"own": "13722220001", "same_group": "13722220002", "other_group": "13722220003", "pool": "13722220004"}


def build(world):
    cast = world.cast
    world.contact_customers, world.contacts = {}, {}
    for relation, name in OWNERS.items():
        owner = getattr(cast, name) if name else None
        customer = CustomerFactory(name=f"contact matrix {relation}", owner=owner, created_by=cast.sales1)
        world.contact_customers[relation] = customer
        world.contacts[relation] = Contact.objects.create(customer=customer, name=f"联系人{relation}",
                                                          mobile=PHONES[relation], created_by=cast.sales1)


def contact(world, relation):
    return {"pk": world.contacts[relation or "own"].pk}


def customer(world, relation):
    return {"customer_pk": world.contact_customers[relation or "own"].pk}


def new_contact(world=None, relation=None):
    return {"name": "王经理", "title": "采购经理", "role": "decision_maker", "mobile": "", "landline": "",
            "wechat": "wang_buyer", "email": "", "birthday": "1980-05-06", "notes": ""}


def edited_contact(world, relation):
    return {**new_contact(), "mobile": PHONES[relation or "own"], "name": "王经理（改）"}


def on_contact(outcome):
    """Changing a contact: sales1 their own customer's, sup1 Group A's, the admin any; a pool
    customer's contact is seen but not changed (403)."""
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=outcome, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=FORBIDDEN),
        "supervisor": by_relation(own=outcome, same_group=outcome, other_group=NOT_FOUND, pool=FORBIDDEN),
        "admin": by_relation(own=outcome, same_group=outcome, other_group=outcome, pool=FORBIDDEN),
        "backup": NOT_FOUND,
    }


EVERYWHERE_NOT_ALLOWED = by_relation(own=NOT_ALLOWED, same_group=NOT_ALLOWED, other_group=NOT_ALLOWED,
                                     pool=NOT_ALLOWED)

ROWS = [
    Row("contacts:contact-create", "GET", on_contact(OK), kwargs=customer),
    Row("contacts:contact-create", "POST", on_contact(REDIRECT), kwargs=customer, data=new_contact),
    Row("contacts:contact-edit", "GET", on_contact(OK), kwargs=contact),
    Row("contacts:contact-edit", "POST", on_contact(REDIRECT), kwargs=contact, data=edited_contact),
    Row("contacts:contact-remove", "POST", on_contact(REDIRECT), kwargs=contact),
    Row("contacts:contact-remove", "GET", staff(EVERYWHERE_NOT_ALLOWED), kwargs=contact),
]
