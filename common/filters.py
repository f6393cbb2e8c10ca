"""The base of every list's FilterSet (django-filter): one class per list reads its query string,
and the list's page, its export and its saved searches all ask that class, so the list you see
and the list you export cannot differ.

What this base adds to django-filter's FilterSet:
- always bound (no query string is an empty one), scoped to a `user` and one `now`;
- a bad value is dropped, never an error page: a filter whose value does not validate (an unknown
  or foreign id, a NUL byte, 100 KB of text, a date out of range) is left out and the others still
  apply (`valid`);
- `filter_queryset` applies the declared filters in their order, then `arrange(rows, valid)` (the
  list's ordering, joins, annotations); a subclass adds a filter with one line (`add_filter`).
"""

import django_filters
from django.http import QueryDict
from django.utils import timezone


class ListFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, user, now=None, **kwargs):
        super().__init__(QueryDict() if data is None else data, queryset, **kwargs)
        self.user = user
        self.now = now or timezone.now()
        self.scope()

    def scope(self) -> None:
        """Narrow the choices of the filters to what `self.user` may pick (from the policy), or
        delete a filter the user may not use: its value is then ignored."""

    @classmethod
    def add_filter(cls, name: str, filter_) -> None:
        """Another app's filter on this list (a custom field, a revenue class): appended to the
        declared ones, shown in the form, applied to the page, the export and saved searches."""
        cls.base_filters[name] = filter_

    @property
    def valid(self) -> dict:
        """The cleaned values of the fields that validated; the invalid ones are left out."""
        form = self.form
        form.is_valid()
        return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}

    def value(self, name: str, default=""):
        return self.valid.get(name) or default

    def filter_queryset(self, queryset):
        valid = self.valid
        for name, filter_ in self.filters.items():
            if name in valid:
                queryset = filter_.filter(queryset, valid[name])
        return self.arrange(queryset, valid)

    def arrange(self, queryset, valid: dict):
        """The list's ordering and what its rows carry (select_related, annotations)."""
        return queryset


def noop(queryset, name, value):
    """A filter method for a field that shapes another filter (search fields, sort)."""
    return queryset
