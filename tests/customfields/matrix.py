"""Authorization rows for the custom-field admin pages (issue 23): admins only; everyone else the
same 404 as an unknown address."""

from customfields.models import FieldDefinition
from tests.authz import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row


def build(world):
    world.field_definition = FieldDefinition.objects.create(
        target="customer", key="matrix_wechat", label_zh_hans="微信号", label_en="WeChat ID", kind="text")


def admin_only(outcome):
    return {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": NOT_FOUND, "admin": outcome,
            "backup": NOT_FOUND}


def definition(world, relation):
    return {"pk": world.field_definition.pk}


def new_definition(world=None, relation=None):
    return {"target": "customer", "key": "matrix_budget", "label_zh_hans": "预算", "label_en": "Budget",
            "kind": "money", "order": "", "see": "all", "edit": "all", "group": "", "help_text": "",
            "choices_text": ""}


def edited_definition(world=None, relation=None):
    return {"label_zh_hans": "微信", "label_en": "WeChat", "kind": "text", "order": "10", "see": "all",
            "edit": "all", "group": "联系方式", "help_text": "", "choices_text": ""}


ROWS = [
    Row("customfields:field-list", "GET", admin_only(OK)),
    Row("customfields:field-list", "POST", admin_only(NOT_ALLOWED)),
    Row("customfields:field-create", "GET", admin_only(OK)),
    Row("customfields:field-create", "POST", admin_only(REDIRECT), data=new_definition),
    Row("customfields:field-edit", "GET", admin_only(OK), kwargs=definition),
    Row("customfields:field-edit", "POST", admin_only(REDIRECT), kwargs=definition, data=edited_definition),
    Row("customfields:field-hide", "GET", admin_only(NOT_ALLOWED), kwargs=definition),
    Row("customfields:field-hide", "POST", admin_only(REDIRECT), kwargs=definition, data={"hidden": "1"}),
    Row("customfields:field-move", "POST", admin_only(REDIRECT), kwargs=definition, data={"direction": "up"}),
    Row("customfields:field-delete", "GET", admin_only(OK), kwargs=definition),
    Row("customfields:field-delete", "POST", admin_only(REDIRECT), kwargs=definition, data={"confirm_count": "0"}),
]
