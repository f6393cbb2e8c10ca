"""A record's custom values written by a form or a service, with their history: follow-ups and
deals (customers keep theirs in crm's CustomerChange, crm/custom.py)."""

import json

from django.db import connection
from django.utils import timezone

from customfields import kinds, policies, registry
from customfields.models import ValueChange


def checked_changes(target: str, current: dict, wanted: dict) -> tuple[dict, list[str]]:
    """The values after a write, every changed one validated (ValidationError naming the field);
    and the keys that changed. Values nobody touched stay as stored, readable even if a later
    definition change would refuse them."""
    current = current or {}
    changed = {key: value for key, value in (wanted or {}).items() if value != current.get(key)}
    changed.update({key: None for key in current if key not in (wanted or {})})
    cleaned = registry.clean_values(target, {k: v for k, v in changed.items() if v not in (None, "", [])})
    merged = registry.merge(current, {key: cleaned.get(key) for key in changed})
    return merged, sorted(key for key in changed if merged.get(key) != current.get(key))


def write(record, target: str, wanted: dict | None, *, by, now=None) -> list[str]:
    """Set `record.custom` to `wanted` (validated; the caller saves the record in its transaction)
    and keep each changed value in the history. Returns the keys that changed."""
    if wanted is None:
        return []
    before = record.custom or {}
    record.custom, keys = checked_changes(target, before, wanted)
    if record.pk and keys:
        now = now or timezone.now()
        ValueChange.objects.bulk_create([
            ValueChange(target=target, record_id=record.pk, key=key, old_value=as_text(before.get(key)),
                        new_value=as_text(record.custom.get(key)), by=by, at=now) for key in keys])
    return keys


def as_text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def from_text(text: str):
    if text == "":
        return None
    try:
        return json.loads(text) if text[:1] in "[{" or text in ("true", "false") or text.isdigit() else text
    except ValueError:
        return text


def history(target: str, record_id: int, user) -> list[dict]:
    """The changes of a record's custom values `user` may read: a field they may not see is left
    out; a deleted field's values only admins read."""
    by_key = {d.key: d for d in registry.all_definitions(target, user=user)}
    shown = []
    for change in ValueChange.objects.filter(target=target, record_id=record_id).select_related("by"):
        definition = by_key.get(change.key)
        if definition is None:
            if policies.may_manage_fields(user):
                shown.append({"change": change, "label": change.key, "old": change.old_value, "new": change.new_value})
            continue
        if not policies.may_see_field(user, definition):
            continue
        shown.append({"change": change, "label": definition.label,
                      "old": kinds.display(definition, from_text(change.old_value)),
                      "new": kinds.display(definition, from_text(change.new_value))})
    return shown


def keep_and_remove(definition, *, by) -> None:
    """A definition is deleted: each record's value goes to the history, then off the records
    (a deletion listener of customfields.services)."""
    model = registry.target_model(definition.target)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {ValueChange._meta.db_table} (target, record_id, key, old_value, new_value, by_id, at)
                SELECT %s, id, %s, custom ->> %s, '', %s, %s FROM {table} WHERE custom ? %s""",
            [definition.target, definition.key, definition.key, getattr(by, "pk", None), timezone.now(),
             definition.key])
        cursor.execute(f"UPDATE {table} SET custom = custom - %s WHERE custom ? %s", [definition.key] * 2)
