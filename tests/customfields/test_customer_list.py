"""Custom fields on the customer list: filters, columns, the search box, with field permission."""

import pytest
from django.urls import reverse

from crm.filters import CustomerFilterSet
from customfields.models import FieldDefinition
from tests.customfields.helpers import INDUSTRY_CHOICES, Kind, define
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
Access = FieldDefinition.Access


def _names(user, **params):
    return sorted(CustomerFilterSet(params, user=user).qs.values_list("name", flat=True))


@pytest.fixture
def customers(cast):
    define("segment", Kind.CHOICE, choices=INDUSTRY_CHOICES, list_column=True, label_en="Segment")
    define("budget", Kind.MONEY)
    define("signed", Kind.DATE)
    define("vip", Kind.BOOLEAN)
    define("tags", Kind.MULTI_CHOICE, choices=INDUSTRY_CHOICES)
    define("wechat", searchable=True)
    define("secret", searchable=True, see=Access.ADMINS, edit=Access.ADMINS)
    return [
        CustomerFactory(name="甲", owner=cast.sales1, custom={"segment": "retail", "budget": "900.00", "vip": True,
                                                              "signed": "2027-01-03", "tags": ["retail"],
                                                              "wechat": "wx_jia", "secret": "暗号"}),
        CustomerFactory(name="乙", owner=cast.sales1, custom={"segment": "factory", "budget": "20000.00",
                                                              "tags": ["retail", "factory"], "signed": "2027-03-01"}),
        CustomerFactory(name="丙", owner=cast.sales1),
    ]


def test_filters_by_choice_yes_no_number_and_date_range(cast, customers):
    assert _names(cast.sales1, cf_segment="retail") == ["甲"]
    assert _names(cast.sales1, cf_vip="true") == ["甲"]
    assert _names(cast.sales1, cf_budget_min="1000") == ["乙"]
    assert _names(cast.sales1, cf_budget_min="100", cf_budget_max="1000") == ["甲"]
    assert _names(cast.sales1, cf_signed_after="2027-02-01") == ["乙"]
    assert _names(cast.sales1, cf_tags="factory") == ["乙"]
    assert _names(cast.sales1, cf_segment="nosuch") == ["丙", "乙", "甲"]  # a bad value is dropped


def test_the_search_box_finds_searchable_fields_the_searcher_may_see(cast, customers):
    assert _names(cast.sales1, q="wx_ji") == ["甲"]
    assert _names(cast.sales1, q="wx", fields=["cf_wechat"]) == ["甲"]
    assert _names(cast.sales1, q="wx", fields=["name"]) == []
    assert _names(cast.sales1, q="暗号") == []  # a field they may not see finds nothing for them
    assert _names(cast.sales1, q="暗号", fields=["cf_secret"]) == []
    assert _names(cast.admin, q="暗号") == ["甲"]


def test_the_list_shows_custom_columns_and_filters(cast, client_for, customers, django_assert_max_num_queries):
    client = client_for(cast.sales1)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("crm:customer-list")).content.decode()
    assert '<th class="custom-column">Segment</th>' in page
    assert '<td class="custom-cell">Retail</td>' in page
    assert 'name="cf_budget_min"' in page and 'name="cf_secret"' not in page


def test_a_saved_search_keeps_custom_filters(cast, client_for, customers):
    client = client_for(cast.sales1)
    response = client.post(reverse("crm:saved-search-create"), {
        "name": "零售大客户", "cf_segment": "retail", "cf_budget_min": "100", "q": "甲"})
    assert response.status_code == 302
    search = cast.sales1.saved_searches.get()
    assert search.extra_params == {"pairs": [["cf_budget_min", "100"], ["cf_segment", "retail"]]}
    page = client.get(search.get_absolute_url())
    assert [c.name for c in page.context["page_obj"]] == ["甲"]
    assert page.context["open_search"] == search
