"""Custom fields (customfields) on customers and follow-ups: the values' writes, their history,
and what a person may see of them."""

from django.db import connection
from django.utils import timezone

from crm.models import Customer, CustomerChange, FollowUp
from customfields import kinds, policies, registry, services, values
from customfields.lists import (  # noqa: F401  (crm's lists ask them here)
    FIELD_PREFIX,
    add_filters,
    attach_cells,
    filter_names,
    is_custom,
    list_columns,
    search_condition,
)
from customfields.models import FieldDefinition
from customfields.values import checked_changes  # noqa: F401  (crm's services ask it here)

CUSTOMER = FieldDefinition.Target.CUSTOMER
FOLLOWUP = FieldDefinition.Target.FOLLOWUP
HISTORY_PREFIX = "custom."


def register() -> None:
    registry.register_target(CUSTOMER, Customer)
    registry.register_target(FOLLOWUP, FollowUp)
    services.register_deletion_listener(CUSTOMER, _customer_field_deleted)
    services.register_deletion_listener(FOLLOWUP, values.keep_and_remove)


def history_rows(customer, before: dict, keys, *, by, now) -> list[CustomerChange]:
    return [
        CustomerChange(customer=customer, field=HISTORY_PREFIX + key, old_value=values.as_text(before.get(key)),
                       new_value=values.as_text(customer.custom.get(key)), by=by, created_at=now)
        for key in keys
    ]


def shown_changes(changes, user) -> list:
    """The change history as `user` may read it: a custom field they may not see is left out, the
    others carry their label and readable values."""
    by_key = {d.key: d for d in registry.all_definitions(CUSTOMER, user=user)}
    shown = []
    for change in changes:
        if change.field.startswith(HISTORY_PREFIX):
            definition = by_key.get(change.field.removeprefix(HISTORY_PREFIX))
            if definition is not None:
                if not policies.may_see_field(user, definition):
                    continue
                change.custom_label = definition.label
                change.custom_old = kinds.display(definition, values.from_text(change.old_value))
                change.custom_new = kinds.display(definition, values.from_text(change.new_value))
            elif not policies.may_manage_fields(user):  # a deleted field's values: admins read them
                continue
        shown.append(change)
    return shown


def _customer_field_deleted(definition, *, by) -> None:
    """Keep each customer's value in its change history, then remove it from the records."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO crm_customerchange (customer_id, field, old_value, new_value, by_id, created_at)
               SELECT id, %s, custom ->> %s, '', %s, %s FROM crm_customer WHERE custom ? %s""",
            [HISTORY_PREFIX + definition.key, definition.key, getattr(by, "pk", None), timezone.now(), definition.key],
        )
        cursor.execute("UPDATE crm_customer SET custom = custom - %s WHERE custom ? %s", [definition.key] * 2)
