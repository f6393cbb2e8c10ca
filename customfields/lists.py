"""The custom fields' part of a list: the search box's condition, the columns' cells."""

from django.db.models import Q

from accounts.models import User
from customfields import kinds, registry
from customfields.models import FieldDefinition

CUSTOMER = FieldDefinition.Target.CUSTOMER
FIELD_PREFIX = "cf_"
TEXT_KINDS = {FieldDefinition.Kind.TEXT, FieldDefinition.Kind.LONG_TEXT, FieldDefinition.Kind.PHONE,
              FieldDefinition.Kind.EMAIL, FieldDefinition.Kind.URL, FieldDefinition.Kind.NUMBER}
CHOICE_KINDS = {FieldDefinition.Kind.CHOICE, FieldDefinition.Kind.MULTI_CHOICE}


def is_custom(name: str) -> bool:
    return name.startswith(FIELD_PREFIX)


def _searchable(definition) -> bool:
    return definition.searchable and (definition.kind in TEXT_KINDS or definition.kind in CHOICE_KINDS)


def search_condition(user, fields):
    """fn(term) -> the condition finding a customer by the searchable custom fields `user` may see
    (those among `fields` when some were chosen), or None when there are none. A field they may
    not see never finds a record for them."""
    definitions = [d for d in registry.visible_definitions(CUSTOMER, user) if _searchable(d)]
    if fields:
        chosen = {name.removeprefix(FIELD_PREFIX) for name in fields if is_custom(name)}
        definitions = [d for d in definitions if d.key in chosen]
    if not definitions:
        return None

    def condition(term: str, *, grams=None):
        """`grams`: the term's grams, for the `custom_grams` alias the search puts on the customers
        (crm.search: the GIN index of the custom values' grams narrows, each field rechecks)."""
        found, texts = Q(pk__in=[]), Q(pk__in=[])
        for definition in definitions:
            if definition.kind in CHOICE_KINDS:  # a label finds its key: custom @> {...}, the jsonb GIN index
                keys = [key for key, label in definition.choice_labels().items() if term in label.lower()]
                for key in keys:
                    found |= Q(custom__contains={definition.key: [key] if definition.kind == "multi_choice" else key})
            else:
                texts |= Q(**{f"custom__{definition.key}__icontains": term})
        return found | (Q(custom_grams__contains=grams) & texts if grams else texts)

    return condition


def list_columns(user, target: str = CUSTOMER) -> list[FieldDefinition]:
    return [d for d in registry.visible_definitions(target, user) if d.list_column]


def attach_cells(rows, columns) -> None:
    """Each row's `custom_cells`, the columns' display values (one query for the people named)."""
    person_keys = [d.key for d in columns if d.kind == FieldDefinition.Kind.PERSON]
    people_ids = {row.custom.get(key) for row in rows for key in person_keys} - {None}
    people = {u.pk: u for u in User.objects.filter(pk__in=people_ids)} if people_ids else {}
    for row in rows:
        row.custom_cells = [kinds.display(d, row.custom.get(d.key), people_by_id=people) for d in columns]


def add_filters(filterset, target: str) -> None:
    """The filters of the custom fields `filterset.user` may see (named cf_<key>), and the searchable
    ones among the search box's "search only in these fields"."""
    definitions = registry.visible_definitions(target, filterset.user)
    for definition in definitions:
        filter_ = kinds.filter_for(definition)
        if filter_ is not None:
            filterset.filters[FIELD_PREFIX + definition.key] = filter_
    searchable = [(FIELD_PREFIX + d.key, d.label) for d in definitions if _searchable(d)]
    if searchable and "fields" in filterset.filters:
        field_filter = filterset.filters["fields"]
        field_filter.extra["choices"] = [*field_filter.extra["choices"], *searchable]


def filter_names(form) -> list[str]:
    return [name for name in form.fields if is_custom(name)]
