"""Authorization-matrix rows for the grades settings pages: admins only (supervisors: none)."""

from companylists.models import Entry, Grade
from tests.authz import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, everyone


def build(world):
    world.grade = Grade.objects.create(
        key="matrix",
        label_zh_hans="矩阵",
        label_en="Matrix",
        order=9,
        cadence_days=14,
        recycle_days=60,
    )


    world.entry = Entry.objects.create(list="source", key="matrix", label_zh_hans="矩阵", label_en="Matrix", order=9)


def admin_page(outcome):
    return {
        "anonymous": LOGIN,
        "salesperson": NOT_FOUND,
        "supervisor": NOT_FOUND,
        "admin": outcome,
        "backup": NOT_FOUND,
    }


def one_grade(world, relation):
    return {"pk": world.grade.pk}


GRADE_DATA = {
    "label_zh_hans": "矩阵",
    "label_en": "Matrix",
    "cadence_days": "10",
    "recycle_days": "50",
}

ROWS = [
    Row("companylists:grades", "GET", admin_page(OK)),
    Row("companylists:grades", "POST", everyone(NOT_ALLOWED)),
    Row("companylists:grade-create", "GET", admin_page(OK)),
    Row(
        "companylists:grade-create",
        "POST",
        admin_page(REDIRECT),
        data={**GRADE_DATA, "key": "newer"},
    ),
    Row("companylists:grade-edit", "GET", admin_page(OK), kwargs=one_grade),
    Row(
        "companylists:grade-edit",
        "POST",
        admin_page(REDIRECT),
        kwargs=one_grade,
        data=GRADE_DATA,
    ),
    Row(
        "companylists:grade-active",
        "POST",
        admin_page(REDIRECT),
        kwargs=one_grade,
        data={"active": "0"},
    ),
    Row("companylists:grade-active", "GET", everyone(NOT_ALLOWED), kwargs=one_grade),
    Row(
        "companylists:grade-move",
        "POST",
        admin_page(REDIRECT),
        kwargs=one_grade,
        data={"up": "1"},
    ),
    Row("companylists:grade-move", "GET", everyone(NOT_ALLOWED), kwargs=one_grade),
    Row("companylists:grade-delete", "POST", admin_page(REDIRECT), kwargs=one_grade),
    Row("companylists:grade-delete", "GET", everyone(NOT_ALLOWED), kwargs=one_grade),
]


def source_list(world, relation):
    return {"list_slug": "source"}


def one_entry(world, relation):
    return {"list_slug": "source", "pk": world.entry.pk}


ENTRY_DATA = {"label_zh_hans": "矩阵", "label_en": "Matrix"}

ROWS += [
    Row("companylists:lists", "GET", admin_page(OK)),
    Row("companylists:lists", "POST", everyone(NOT_ALLOWED)),
    Row("companylists:entries", "GET", admin_page(OK), kwargs=source_list),
    Row("companylists:entries", "POST", everyone(NOT_ALLOWED), kwargs=source_list),
    Row("companylists:entry-create", "GET", admin_page(OK), kwargs=source_list),
    Row("companylists:entry-create", "POST", admin_page(REDIRECT), kwargs=source_list,
        data={**ENTRY_DATA, "key": "newer"}),
    Row("companylists:entry-edit", "GET", admin_page(OK), kwargs=one_entry),
    Row("companylists:entry-edit", "POST", admin_page(REDIRECT), kwargs=one_entry, data=ENTRY_DATA),
    Row("companylists:entry-active", "POST", admin_page(REDIRECT), kwargs=one_entry, data={"active": "0"}),
    Row("companylists:entry-active", "GET", everyone(NOT_ALLOWED), kwargs=one_entry),
    Row("companylists:entry-move", "POST", admin_page(REDIRECT), kwargs=one_entry, data={"up": "1"}),
    Row("companylists:entry-move", "GET", everyone(NOT_ALLOWED), kwargs=one_entry),
    Row("companylists:entry-delete", "POST", admin_page(REDIRECT), kwargs=one_entry),
    Row("companylists:entry-delete", "GET", everyone(NOT_ALLOWED), kwargs=one_entry),
]
