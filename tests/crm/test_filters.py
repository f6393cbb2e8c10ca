"""The customer list's FilterSet takes another app's filter with one line (custom fields, a
revenue class), applied to the page, the export and saved searches alike."""

import pytest
from django_filters import CharFilter

from crm.filters import CustomerFilterSet

pytestmark = pytest.mark.django_db


class WithCompany(CustomerFilterSet):
    """A subclass, so the test leaves the real list as it is."""


WithCompany.add_filter("company", CharFilter(field_name="company", lookup_expr="icontains", max_length=100))


def test_an_added_filter_narrows_the_list_and_keeps_its_order_and_scope(cast, customers):
    rows = WithCompany({"company": "宏达", "q": ""}, user=cast.sup1).qs
    assert list(rows) == [customers.same_group]
    assert "company" in WithCompany({}, user=cast.sup1).form.fields
    assert list(WithCompany({"company": "博远"}, user=cast.sup1).qs) == []  # another group's: not visible
    assert "company" not in CustomerFilterSet({}, user=cast.sup1).form.fields


def test_a_bad_value_of_an_added_filter_is_dropped_not_an_error(cast, customers):
    rows = WithCompany({"company": "x" * 5000, "type": "intention"}, user=cast.admin).qs
    assert set(rows) == set(CustomerFilterSet({"type": "intention"}, user=cast.admin).qs)
