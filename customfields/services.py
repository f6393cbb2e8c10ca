"""Writes of definitions: save, hide, reorder, delete (the values go to the record's history)."""

from django.db import transaction
from django.db.models import Max

from accounts import audit
from customfields import registry
from customfields.models import FieldDefinition

# target -> fn(definition, by): called inside the deletion's transaction, before the definition
# goes, to keep each record's value in its history and remove it (crm: CustomerChange rows).
_deletion_listeners = {}


def register_deletion_listener(target: str, fn) -> None:
    _deletion_listeners[target] = fn


def count_holding(definition: FieldDefinition) -> int:
    return registry.count_holding(definition)


@transaction.atomic
def save_definition(form, *, by) -> FieldDefinition:
    creating = form.instance.pk is None
    if creating:
        last = FieldDefinition.objects.filter(target=form.cleaned_data["target"]).aggregate(m=Max("order"))["m"]
        form.instance.order = form.cleaned_data.get("order") or (last or 0) + 10
    definition = form.save()
    audit.record(actor=by, action="customfields.saved", summary=definition.key, key=definition.key)
    return definition


@transaction.atomic
def set_hidden(definition: FieldDefinition, *, hidden: bool, by) -> None:
    definition.hidden = hidden
    definition.save(update_fields=["hidden"])
    audit.record(actor=by, action="customfields.hidden" if hidden else "customfields.shown", summary=definition.key, key=definition.key)


@transaction.atomic
def move(definition: FieldDefinition, *, up: bool, by) -> None:
    """Swap places with the neighbour above or below (orders are renumbered 10, 20, … first)."""
    siblings = list(FieldDefinition.objects.select_for_update().filter(target=definition.target)
                    .order_by("order", "id"))
    index = next(i for i, d in enumerate(siblings) if d.pk == definition.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.order = position * 10
    FieldDefinition.objects.bulk_update(siblings, ["order"])


@transaction.atomic
def delete_definition(definition: FieldDefinition, *, by) -> None:
    listener = _deletion_listeners.get(definition.target)
    if listener is not None:
        listener(definition, by=by)
    audit.record(actor=by, action="customfields.deleted", summary=definition.key, key=definition.key)
    definition.delete()
