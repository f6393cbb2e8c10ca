"""Authorization-matrix rows for customers.

Relations, seen from sales1 (salesperson) and sup1 (supervisor of Group A):
own = sales1's customer, same_group = sales1b's (Group A), other_group = sales2's (Group B),
pool = a customer in the isolation pool.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image

from crm.models import SavedSearch
from tests.authz import (
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Row,
    by_relation,
    everyone,
    staff,
)
from tests.factories import CustomerFactory


def build(world):
    cast = world.cast
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(png, "PNG")
    world.customers = {}
    for relation, owner, phone in [
        ("own", cast.sales1, "13811110001"),
        ("same_group", cast.sales1b, "13811110002"),
        ("other_group", cast.sales2, "13811110003"),
        ("pool", None, "13811110004"),
    ]:
        customer = CustomerFactory(name=f"matrix {relation}", phone=phone, owner=owner, created_by=cast.sales2)
        customer.photo.save("matrix.png", ContentFile(png.getvalue()), save=True)
        world.customers[relation] = customer
    world.saved_search = SavedSearch.objects.create(owner=cast.sales1, name="matrix", query="李")


def customer(world, relation):
    return {"pk": world.customers[relation].pk}


def customer_form(world, relation):
    c = world.customers[relation]
    return {"name": c.name, "phone": c.phone, "type": "prospect", "grade": "vip", "source": "self"}


# Outcomes per role for pages that show one customer / change one customer.
SEE = {
    "salesperson": by_relation(own=OK, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=OK),
    "supervisor": by_relation(own=OK, same_group=OK, other_group=NOT_FOUND, pool=OK),
    "admin": by_relation(own=OK, same_group=OK, other_group=OK, pool=OK),
}


def change(ok):
    """Owner, their supervisor or an admin; a pool customer can be seen but not changed (403)."""
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=ok, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=FORBIDDEN),
        "supervisor": by_relation(own=ok, same_group=ok, other_group=NOT_FOUND, pool=FORBIDDEN),
        "admin": by_relation(own=ok, same_group=ok, other_group=ok, pool=FORBIDDEN),
        "backup": NOT_FOUND,
    }


def admin_only(ok):
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=FORBIDDEN, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=FORBIDDEN),
        "supervisor": by_relation(own=FORBIDDEN, same_group=FORBIDDEN, other_group=NOT_FOUND, pool=FORBIDDEN),
        "admin": by_relation(own=ok, same_group=ok, other_group=ok, pool=ok),
        "backup": NOT_FOUND,
    }


def see(ok=OK):
    return {"anonymous": LOGIN, "backup": NOT_FOUND, **{role: {r: ok if o == OK else o for r, o in outcomes.items()} for role, outcomes in SEE.items()}}


ROWS = [
    Row("crm:customer-list", "GET", staff(OK)),
    Row("crm:customer-list", "POST", everyone(NOT_ALLOWED)),
    Row("crm:customer-create", "GET", staff(OK)),
    Row("crm:customer-create", "POST", staff(REDIRECT), data=lambda world, relation: {
        "name": "矩阵新客户", "phone": "13899990000", "type": "intention", "grade": "normal", "source": "self",
        "owner": world.cast.sales1.pk,
    }),
    Row("crm:customer-detail", "GET", see(), kwargs=customer),
    Row("crm:customer-detail", "POST", everyone(NOT_ALLOWED), kwargs=customer),
    Row("crm:customer-photo", "GET", see(), kwargs=customer),
    Row("crm:customer-photo", "POST", everyone(NOT_ALLOWED), kwargs=customer),
    Row("crm:customer-edit", "GET", change(OK), kwargs=customer),
    Row("crm:customer-edit", "POST", change(REDIRECT), kwargs=customer, data=customer_form),
    Row("crm:customer-type", "POST", change(REDIRECT), kwargs=customer, data={"type": "prospect"}),
    Row("crm:customer-type", "GET", everyone(NOT_ALLOWED), kwargs=customer),
    Row("crm:customer-grade", "POST", change(REDIRECT), kwargs=customer, data={"grade": "vip"}),
    Row("crm:customer-grade", "GET", everyone(NOT_ALLOWED), kwargs=customer),
    Row("crm:customer-give-up", "GET", change(OK), kwargs=customer),
    Row("crm:customer-give-up", "POST", change(REDIRECT), kwargs=customer, data={"reason": "no_need"}),
    Row("crm:customer-share", "GET", change(OK), kwargs=customer),
    Row("crm:customer-share", "POST", change(REDIRECT), kwargs=customer,
        data=lambda world, relation: {"colleague": world.cast.sales2b.pk}),
    Row("crm:customer-unshare", "POST", change(REDIRECT),
        kwargs=lambda world, relation: {"pk": world.customers[relation].pk, "user_pk": world.cast.sales2b.pk}),
    Row("crm:customer-delete", "GET", admin_only(OK), kwargs=customer),
    Row("crm:customer-delete", "POST", admin_only(REDIRECT), kwargs=customer),
    Row("crm:saved-search-create", "POST", staff(REDIRECT), data={"name": "matrix 2", "q": "王"}),
    Row("crm:saved-search-create", "GET", everyone(NOT_ALLOWED)),
    # A saved search is its owner's alone (the matrix's belongs to sales1): anyone else gets 404.
    Row("crm:saved-search-rename", "POST",
        {"anonymous": LOGIN, "salesperson": REDIRECT, "supervisor": NOT_FOUND, "admin": NOT_FOUND, "backup": NOT_FOUND},
        kwargs=lambda world, relation: {"pk": world.saved_search.pk}, data={"name": "matrix renamed"}),
    Row("crm:saved-search-rename", "GET", everyone(NOT_ALLOWED), kwargs=lambda world, relation: {"pk": world.saved_search.pk}),
    Row("crm:saved-search-delete", "POST",
        {"anonymous": LOGIN, "salesperson": REDIRECT, "supervisor": NOT_FOUND, "admin": NOT_FOUND, "backup": NOT_FOUND},
        kwargs=lambda world, relation: {"pk": world.saved_search.pk}),
    # The customer list's bulk bar (reassign or move to the pool): supervisors within their groups, admins.
    Row("crm:customer-bulk", "POST", {
        "anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": REDIRECT, "admin": REDIRECT, "backup": NOT_FOUND,
    }, data=lambda world, relation: {"action": "pool", "customers": [world.customers[relation].pk]}),
    Row("crm:customer-bulk", "GET", everyone(NOT_ALLOWED)),
]
