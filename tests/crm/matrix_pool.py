"""Authorization-matrix rows for the isolation pool (world.customers from tests/crm/matrix.py).

Claim and assign act only on pool customers: a customer you can see but that is owned is a 403,
one you cannot see a 404, exactly as the policy answers for every other customer page."""

from tests.authz import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation, everyone, staff
from tests.crm.matrix import customer


def pool_only(salesperson, supervisor, admin):
    """Outcomes on the pool customer per role; owned customers answer as the policy does."""
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=FORBIDDEN, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=salesperson),
        "supervisor": by_relation(own=FORBIDDEN, same_group=FORBIDDEN, other_group=NOT_FOUND, pool=supervisor),
        "admin": by_relation(own=FORBIDDEN, same_group=FORBIDDEN, other_group=FORBIDDEN, pool=admin),
        "backup": NOT_FOUND,
    }


def assignee(world, relation):
    return {"owner": world.cast.sales1.pk}


ROWS = [
    Row("crm:pool-list", "GET", staff(OK)),
    Row("crm:pool-list", "POST", everyone(NOT_ALLOWED)),
    Row("crm:pool-claim", "POST", pool_only(REDIRECT, REDIRECT, REDIRECT), kwargs=customer),
    Row("crm:pool-claim", "GET", everyone(NOT_ALLOWED), kwargs=customer),
    Row("crm:pool-assign", "POST", pool_only(FORBIDDEN, REDIRECT, REDIRECT), kwargs=customer, data=assignee),
    Row("crm:pool-assign", "GET", everyone(NOT_ALLOWED), kwargs=customer),
    Row("crm:customer-lock", "POST", {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=FORBIDDEN, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=FORBIDDEN),
        "supervisor": by_relation(own=REDIRECT, same_group=REDIRECT, other_group=NOT_FOUND, pool=FORBIDDEN),
        "admin": by_relation(own=REDIRECT, same_group=REDIRECT, other_group=REDIRECT, pool=FORBIDDEN),
        "backup": NOT_FOUND,
    }, kwargs=customer, data={"locked": "1"}),
    Row("crm:customer-lock", "GET", everyone(NOT_ALLOWED), kwargs=customer),
]
