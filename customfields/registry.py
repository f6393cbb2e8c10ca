"""The definitions, read once per request (cached on the user object, which lives for one
request) and never per row; and the checks every write of values goes through."""

from django.core.exceptions import ValidationError

from customfields import kinds, policies
from customfields.models import FieldDefinition

Target = FieldDefinition.Target

# target -> the model whose `custom` column holds its values (crm and deals register theirs).
_models = {}


def register_target(target: str, model) -> None:
    _models[target] = model


def target_model(target: str):
    return _models[target]


def stored_values(definition: FieldDefinition):
    """Every stored value of a definition (an admin's check before a change, not a page's read)."""
    model = _models.get(definition.target)
    if model is None:
        return []
    path = f"custom__{definition.key}"
    return model.objects.filter(custom__has_key=definition.key).values_list(path, flat=True).iterator()


def count_holding(definition: FieldDefinition) -> int:
    model = _models.get(definition.target)
    return model.objects.filter(custom__has_key=definition.key).count() if model else 0


def all_definitions(target: str, *, user=None) -> list[FieldDefinition]:
    """Every definition of `target` in order, hidden ones included (their values are kept)."""
    cache = getattr(user, "_custom_field_definitions", None) if user is not None else None
    if cache is None:
        cache = {}
        if user is not None:
            user._custom_field_definitions = cache
    if target not in cache:
        cache[target] = list(FieldDefinition.objects.filter(target=target).order_by("order", "id"))
    return cache[target]


def visible_definitions(target: str, user) -> list[FieldDefinition]:
    """The shown fields `user` may see: what their pages, lists, exports and search use."""
    return [d for d in all_definitions(target, user=user) if not d.hidden and policies.may_see_field(user, d)]


def editable_definitions(target: str, user) -> list[FieldDefinition]:
    return [d for d in visible_definitions(target, user) if policies.may_edit_field(user, d)]


def clean_values(target: str, values: dict, *, definitions=None) -> dict:
    """Validate values given by a service or the import against the definitions: an unknown key or
    a value of the wrong kind raises ValidationError naming the field; returns the values to store
    (empty ones dropped). Required fields are checked by `missing_required`."""
    by_key = {d.key: d for d in (definitions if definitions is not None else all_definitions(target))}
    cleaned, errors = {}, []
    for key, value in (values or {}).items():
        definition = by_key.get(key)
        if definition is None:
            errors.append(ValidationError("%(key)s: no such field.", params={"key": key}, code="unknown"))
            continue
        try:
            stored = kinds.clean(definition, value) if not _is_empty(value) else None
        except ValidationError as error:
            errors.append(error)
            continue
        if stored is not None:
            cleaned[key] = stored
    if errors:
        raise ValidationError(errors)
    return cleaned


def missing_required(target: str, values: dict, *, definitions=None) -> list[FieldDefinition]:
    definitions = definitions if definitions is not None else all_definitions(target)
    return [d for d in definitions if d.required and not d.hidden and _is_empty((values or {}).get(d.key))]


def merge(current: dict, changes: dict) -> dict:
    """The record's values after a write: keys given replace, empty ones are removed, others stay."""
    merged = dict(current or {})
    for key, value in changes.items():
        if _is_empty(value):
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []


def shown_values(target: str, user, values: dict) -> list[tuple[str, list[tuple[FieldDefinition, str]]]]:
    """The values `user` may see, grouped: [(group, [(definition, display), ...]), ...]."""
    groups: dict[str, list] = {}
    for definition in visible_definitions(target, user):
        groups.setdefault(definition.group, []).append(
            (definition, kinds.display(definition, (values or {}).get(definition.key))))
    return list(groups.items())
