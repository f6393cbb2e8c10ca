"""Authorization rows for complaints (issue 25).

Relations, seen from sales1 (salesperson) and sup1 (supervisor of Group A):
  own         a complaint of sales1's customer (and that customer, to log one on)
  same_group  of sales1b's customer (Group A)
  other_group of sales2's customer (Group B)
  pool        of a customer now in the pool: the admin's alone; logging on a pool customer is refused
"""

from crm.models import Customer
from tests.authz import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation, staff
from tests.complaints.helpers import log
from tests.factories import CustomerFactory

OWNERS = {"own": "sales1", "same_group": "sales1b", "other_group": "sales2", "pool": None}


def build(world):
    cast = world.cast
    world.complaint_customers, world.complaints = {}, {}
    for relation, name in OWNERS.items():
        owner = getattr(cast, name) if name else cast.sales1
        customer = CustomerFactory(name=f"complaint matrix {relation}", owner=owner, created_by=owner)
        world.complaints[relation] = log(customer=customer, by=owner)
        if name is None:
            Customer.objects.filter(pk=customer.pk).update(owner=None)  # the test's pool, not a real move
            customer.refresh_from_db()
        world.complaint_customers[relation] = customer


def complaint(world, relation):
    return {"pk": world.complaints[relation or "own"].pk}


def customer(world, relation):
    return {"customer_pk": world.complaint_customers[relation or "own"].pk}


def complaint_form(world=None, relation=None):
    return {"channel": "wechat", "category": "delivery", "severity": "high", "description": "发货晚了三天", "resolve_by": ""}


def move_form(world=None, relation=None):
    return {"to_state": "responded", "seen_state": "new", "note": "已电话回复"}


def deadlines_form(world=None, relation=None):
    data = {}
    for severity in ("low", "normal", "high", "critical"):
        data[f"response_{severity}"], data[f"resolution_{severity}"] = "24", "72"
    return data


def on_complaint(outcome):
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=outcome, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=NOT_FOUND),
        "supervisor": by_relation(own=outcome, same_group=outcome, other_group=NOT_FOUND, pool=NOT_FOUND),
        "admin": by_relation(own=outcome, same_group=outcome, other_group=outcome, pool=outcome),
        "backup": NOT_FOUND,
    }


def on_customer(outcome):
    """Logging a complaint: on a customer one may change; a pool customer is seen but refused (403)."""
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=outcome, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=FORBIDDEN),
        "supervisor": by_relation(own=outcome, same_group=outcome, other_group=NOT_FOUND, pool=FORBIDDEN),
        "admin": by_relation(own=outcome, same_group=outcome, other_group=outcome, pool=FORBIDDEN),
        "backup": NOT_FOUND,
    }


ADMIN_ONLY = {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": NOT_FOUND, "admin": OK, "backup": NOT_FOUND}
ADMIN_SAVES = {**ADMIN_ONLY, "admin": REDIRECT}
EVERYWHERE_NOT_ALLOWED = by_relation(own=NOT_ALLOWED, same_group=NOT_ALLOWED, other_group=NOT_ALLOWED,
                                     pool=NOT_ALLOWED)

ROWS = [
    Row("complaints:complaint-list", "GET", staff(OK)),
    Row("complaints:complaint-list", "POST", staff(NOT_ALLOWED)),
    Row("complaints:complaint-create", "GET", on_customer(OK), kwargs=customer),
    Row("complaints:complaint-create", "POST", on_customer(REDIRECT), kwargs=customer, data=complaint_form),
    Row("complaints:complaint-detail", "GET", on_complaint(OK), kwargs=complaint),
    Row("complaints:complaint-detail", "POST", staff(EVERYWHERE_NOT_ALLOWED), kwargs=complaint),
    Row("complaints:complaint-move", "POST", on_complaint(REDIRECT), kwargs=complaint, data=move_form),
    Row("complaints:complaint-move", "GET", staff(EVERYWHERE_NOT_ALLOWED), kwargs=complaint),
    Row("complaints:complaint-link", "POST", on_complaint(REDIRECT), kwargs=complaint, data={}),
    Row("complaints:complaint-link", "GET", staff(EVERYWHERE_NOT_ALLOWED), kwargs=complaint),
    Row("complaints:deadline-settings", "GET", ADMIN_ONLY),
    Row("complaints:deadline-settings", "POST", ADMIN_SAVES, data=deadlines_form),
]
