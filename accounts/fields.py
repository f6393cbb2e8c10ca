"""A choice of person that lists hundreds of people cheaply.

A plain ModelChoiceField builds a User object (and its group) for every option each time the
choices are read: 500 salespeople cost an admin's customer list more than its own SQL. This one
reads the names as plain values in one query; choosing and validating are ModelChoiceField's own.
"""

from django import forms
from django.forms.models import ModelChoiceIterator

from accounts.models import display_name

_NAME_COLUMNS = ("pk", "full_name", "first_name", "last_name", "username", "sales_group__name")


def _label(name: str, group: str | None, *, with_group: bool) -> str:
    return f"{name} · {group}" if with_group and group else name


def person_choices(queryset, *, with_group=False) -> list[tuple[int, str]]:
    """(id, name) of each person of `queryset`, in its order, from one query of plain values."""
    return [
        (pk, _label(display_name(full, first, last, username), group, with_group=with_group))
        for pk, full, first, last, username, group in queryset.values_list(*_NAME_COLUMNS)
    ]


class _PersonIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from person_choices(self.queryset, with_group=self.field.with_group)


class PersonChoiceField(forms.ModelChoiceField):
    """ModelChoiceField over users whose options are (id, name[ · group]) read as values."""

    iterator = _PersonIterator

    def __init__(self, *args, with_group=False, **kwargs):
        self.with_group = with_group
        super().__init__(*args, **kwargs)
