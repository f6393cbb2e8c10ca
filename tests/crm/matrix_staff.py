"""Authorization-matrix rows for a salesperson's page, offboarding and bulk reassignment.

People as objects, seen from sup1 (supervisor of Group A): own = sales1, same_group = sales1b,
other_group = sales2, pool = the backup operator (in no group). Customers: tests/crm/matrix.py.
"""

from crm.models import Customer
from tests.accounts.matrix import managers, person, person_kwargs
from tests.authz import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, everyone


def offboard_form(world, relation):
    return {"mode": "pool", "confirm": "1", "expected_customers": Customer.objects.filter(owner=person(world, relation)).count()}


def bulk_form(world, relation):
    return {"action": "pool", "customers": [world.customers[relation].pk]}


ROWS = [
    Row("crm:staff-detail", "GET", managers(OK), kwargs=person_kwargs),
    Row("crm:staff-detail", "POST", everyone(NOT_ALLOWED), kwargs=person_kwargs),
    Row("crm:staff-offboard", "GET", managers(OK), kwargs=person_kwargs),
    Row("crm:staff-offboard", "POST", managers(REDIRECT), kwargs=person_kwargs, data=offboard_form),
    Row("crm:customer-bulk", "POST", {
        "anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": REDIRECT, "admin": REDIRECT, "backup": NOT_FOUND,
    }, data=bulk_form),
    Row("crm:customer-bulk", "GET", everyone(NOT_ALLOWED)),
]
