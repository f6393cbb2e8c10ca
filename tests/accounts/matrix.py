"""Authorization-matrix rows for logging in and for staff management.

People as objects, seen from sales1 (salesperson) and sup1 (supervisor of Group A):
own = sales1, same_group = sales1b, other_group = sales2, pool = the backup operator (in no group).
Groups: own and same_group = Group A, other_group and pool = Group B.
"""

from tests.authz import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation, everyone, staff
from tests.factories import PASSWORD


def person(world, relation):
    cast = world.cast
    return {"own": cast.sales1, "same_group": cast.sales1b, "other_group": cast.sales2, "pool": cast.backup}[relation]


def person_kwargs(world, relation):
    return {"pk": person(world, relation).pk}


def group_kwargs(world, relation):
    return {"pk": (world.cast.group1 if relation in ("own", "same_group") else world.cast.group2).pk}


def person_form(world, relation):
    target = person(world, relation)
    return {"full_name": target.full_name, "role": target.role, "sales_group": target.sales_group_id or ""}


def managers(ok, *, anonymous=LOGIN):
    """Admins manage everyone, a supervisor the salespeople of their groups; others see nothing."""
    return {
        "anonymous": anonymous,
        "salesperson": NOT_FOUND,
        "supervisor": by_relation(own=ok, same_group=ok, other_group=NOT_FOUND, pool=NOT_FOUND),
        "admin": ok,
        "backup": NOT_FOUND,
    }


def managers_page(ok):
    return {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": ok, "admin": ok, "backup": NOT_FOUND}


def admin_page(ok):
    return {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": NOT_FOUND, "admin": ok, "backup": NOT_FOUND}


ROWS = [
    Row("accounts:login", "GET", staff(REDIRECT, anonymous=OK, backup=REDIRECT)),
    Row("accounts:logout", "POST", everyone(LOGIN)),
    Row("accounts:logout", "GET", everyone(NOT_ALLOWED)),
    Row("accounts:password-change", "GET", staff(OK, backup=OK)),
    Row("set-language", "POST", everyone(REDIRECT), data={"language": "zh-hans", "next": "/"}),
    # Staff management (SPEC §7)
    Row("accounts:user-list", "GET", managers_page(OK)),
    Row("accounts:user-list", "POST", everyone(NOT_ALLOWED)),
    Row("accounts:user-create", "GET", managers_page(OK)),
    Row("accounts:user-create", "POST", managers_page(REDIRECT), data=lambda world, relation: {
        "username": "matrix-new", "full_name": "新同事", "role": "salesperson", "sales_group": world.cast.group1.pk,
        "password1": PASSWORD, "password2": PASSWORD,
    }),
    Row("accounts:user-edit", "GET", managers(OK), kwargs=person_kwargs),
    Row("accounts:user-edit", "POST", managers(REDIRECT), kwargs=person_kwargs, data=person_form),
    Row("accounts:user-reactivate", "POST", {**admin_page(REDIRECT)}, kwargs=person_kwargs),
    Row("accounts:user-reactivate", "GET", everyone(NOT_ALLOWED), kwargs=person_kwargs),
    Row("accounts:group-list", "GET", managers_page(OK)),
    Row("accounts:group-create", "GET", admin_page(OK)),
    Row("accounts:group-create", "POST", admin_page(REDIRECT), data={"name": "Group Matrix"}),
    Row("accounts:group-edit", "GET", admin_page(OK), kwargs=group_kwargs),
    Row("accounts:group-edit", "POST", admin_page(REDIRECT), kwargs=group_kwargs,
        data=lambda world, relation: {"name": f"Renamed {relation}", "supervisor": world.cast.sup1.pk}),
    Row("accounts:group-grant", "POST", admin_page(REDIRECT), kwargs=group_kwargs,
        data=lambda world, relation: {"supervisor": world.cast.sup2.pk}),
    Row("accounts:group-grant", "GET", everyone(NOT_ALLOWED), kwargs=group_kwargs),
    Row("accounts:group-revoke", "POST", admin_page(REDIRECT),
        kwargs=lambda world, relation: {**group_kwargs(world, relation), "user_pk": world.cast.sup2.pk}),
    Row("accounts:audit-list", "GET", admin_page(OK)),
    Row("accounts:audit-list", "POST", everyone(NOT_ALLOWED)),
]
