"""Custom fields marked unique take part in the duplicate check (撞单, issue 23): a value another
record already holds is refused like a duplicate phone. The records are found by
`custom @> {"key": value}`, which the GIN (jsonb_path_ops) index on the `custom` column answers
(crm_customer_custom_gin: docs/benchmarks.md), so no index per field is needed."""

from django.db.models import Count
from django.db.models.fields.json import KT

from customfields import registry
from customfields.models import FieldDefinition

Kind = FieldDefinition.Kind
# A unique value is one scalar: text, a number, a phone, an e-mail, a URL.
UNIQUE_KINDS = {Kind.TEXT, Kind.NUMBER, Kind.PHONE, Kind.EMAIL, Kind.URL}


def unique_definitions(target: str) -> list[FieldDefinition]:
    return [d for d in registry.all_definitions(target) if d.unique and not d.hidden and d.kind in UNIQUE_KINDS]


def checked_values(target: str, values: dict, keys) -> list[tuple[FieldDefinition, object]]:
    """The unique values among `keys` (the ones a write sets) of `values`: [(definition, value)]."""
    values = values or {}
    return [(d, values[d.key]) for d in unique_definitions(target)
            if d.key in keys and values.get(d.key) not in (None, "")]


def lock_keys(checked) -> list[str]:
    """Advisory lock names: two saves of the same value wait for each other."""
    return [f"custom:{definition.key}:{value}" for definition, value in checked]


def holders(target: str, checked, *, exclude_pk=None, related=(), limit=5) -> list[tuple[FieldDefinition, object]]:
    """Records other than `exclude_pk` holding one of the `checked` values: [(definition, record)]."""
    model = registry.target_model(target)
    found = []
    for definition, value in checked:
        records = model.objects.filter(custom__contains={definition.key: value}).select_related(*related)
        if exclude_pk:
            records = records.exclude(pk=exclude_pk)
        found.extend((definition, record) for record in records.order_by("pk")[:limit])
    return found[:limit]


def shared_values(definition: FieldDefinition, *, limit=100) -> list[str]:
    """Values of `definition` more than one record holds (an admin marking it unique is told)."""
    model = registry.target_model(definition.target)
    path = KT(f"custom__{definition.key}")
    rows = (model.objects.filter(custom__has_key=definition.key).values(value=path).annotate(n=Count("pk"))
            .filter(n__gt=1).order_by("value").values_list("value", flat=True))
    return list(rows[:limit])
