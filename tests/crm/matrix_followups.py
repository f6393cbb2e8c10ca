"""Authorization-matrix rows for follow-ups. Each relation's customer (tests/crm/matrix.py) has
one follow-up written by its owner; the pool customer's was written by sales2 before giving it up."""

from django.utils import timezone

from crm.models import FollowUp
from tests.authz import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation, everyone, staff
from tests.crm.matrix import change, customer, see


def build(world):
    world.followups = {
        relation: FollowUp.objects.create(
            customer=c, author=c.owner or world.cast.sales2, subject=f"matrix {relation}", content="c",
            occurred_at=timezone.now() - timezone.timedelta(days=1),
        )
        for relation, c in world.customers.items()
    }


def followup(world, relation):
    return {"pk": world.followups[relation].pk}


def new_followup(world, relation):
    return {"subject": "matrix", "content": "c", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}


def correct(ok):
    """The author, their supervisor or an admin; others who can see the customer get 403."""
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=ok, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=FORBIDDEN),
        "supervisor": by_relation(own=ok, same_group=ok, other_group=NOT_FOUND, pool=FORBIDDEN),
        "admin": by_relation(own=ok, same_group=ok, other_group=ok, pool=ok),
        "backup": NOT_FOUND,
    }


ROWS = [
    Row("crm:followup-list", "GET", staff(OK)),
    Row("crm:followup-list", "POST", everyone(NOT_ALLOWED)),
    Row("crm:followup-create", "GET", change(OK), kwargs=customer),
    Row("crm:followup-create", "POST", change(REDIRECT), kwargs=customer, data=new_followup),
    Row("crm:followup-detail", "GET", see(), kwargs=followup),
    Row("crm:followup-detail", "POST", everyone(NOT_ALLOWED), kwargs=followup),
    Row("crm:followup-edit", "GET", correct(OK), kwargs=followup),
    Row("crm:followup-edit", "POST", correct(REDIRECT), kwargs=followup, data={"subject": "s", "content": "fixed"}),
    Row("crm:followup-continue", "GET", change(OK), kwargs=followup),
    Row("crm:followup-continue", "POST", change(REDIRECT), kwargs=followup,
        data=lambda world, relation: {"notes": "more", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
    Row("crm:followup-delete", "GET", correct(OK), kwargs=followup),
    Row("crm:followup-delete", "POST", correct(REDIRECT), kwargs=followup),
]
