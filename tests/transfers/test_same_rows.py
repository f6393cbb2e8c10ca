"""One filter per list: the page and its export read the same FilterSet, so for the same query
string they hold the same rows in the same order, for every role; a saved search reopens the
same list; bad filter values are ignored, never an error page."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import services
from crm.models import SavedSearch
from tests.factories import CustomerFactory
from tests.transfers.importexport_helpers import body, export, read_xlsx
from workplans import services as plan_services

pytestmark = pytest.mark.django_db
ROLES = ["sales1", "sup1", "admin", "sales2"]


def _page(client, url, query) -> list:
    response = client.get(url, {**query, "per_page": 100})
    assert response.status_code == 200
    return list(response.context["page_obj"].object_list)


def _exported(client, url, query, column) -> list:
    response = export(client, url, query)
    assert response.status_code == 200
    return [row[column] for row in read_xlsx(body(response))[1:]]


@pytest.fixture
def crowd(cast, customers):
    """A few more customers per group, of several types and grades, so filters cut somewhere."""
    for index, owner in enumerate([cast.sales1, cast.sales1b, cast.sales2, cast.sales2b] * 3):
        CustomerFactory(name=f"李{index}号", owner=owner, type=["prospect", "intention"][index % 2],
                        grade=["vip", "normal"][index % 2], next_contact_on=timezone.localdate() - timedelta(days=index))
    return customers


CUSTOMER_QUERIES = [
    {}, {"q": "李"}, {"q": "李", "fields": ["name"]}, {"view": "visit_today"}, {"type": "intention", "sort": "name"},
    {"grade": "vip", "sort": "created_asc"}, {"view": "visit_week", "q": "号"},
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("query", CUSTOMER_QUERIES, ids=lambda q: urlencode(q, doseq=True) or "all")
def test_the_customer_page_and_its_export_hold_the_same_rows(cast, client_for, crowd, who, query):
    client = client_for(getattr(cast, who))
    shown = [customer.name for customer in _page(client, reverse("crm:customer-list"), query)]
    assert shown == _exported(client, reverse("transfers:customer-export"), query, 1)


@pytest.mark.parametrize("who, foreign", [("sup1", "sales2"), ("admin", "sales2"), ("sales1", "sales1b")])
def test_a_person_filter_is_the_same_on_the_page_and_in_the_export(cast, client_for, crowd, who, foreign):
    """sup1 filtering by another group's salesperson, or a salesperson by a colleague, learns
    nothing: the filter is ignored on both alike."""
    client = client_for(getattr(cast, who))
    query = {"owner": getattr(cast, foreign).pk, "q": "李"}
    shown = [customer.name for customer in _page(client, reverse("crm:customer-list"), query)]
    assert shown == _exported(client, reverse("transfers:customer-export"), query, 1)
    if who != "admin":
        unfiltered = [customer.name for customer in _page(client, reverse("crm:customer-list"), {"q": "李"})]
        assert shown == unfiltered


def test_a_saved_search_reopens_the_list_its_export_holds(cast, client_for, crowd):
    client = client_for(cast.sup1)
    query = {"q": "李", "type": "intention", "owner": cast.sales1b.pk, "sort": "name"}
    client.post(reverse("crm:saved-search-create"), {"name": "一组意向", **query})
    saved = SavedSearch.objects.get(owner=cast.sup1)
    reopened = client.get(saved.get_absolute_url())
    names = [customer.name for customer in reopened.context["page_obj"].object_list]
    assert names and names == _exported(client, reverse("transfers:customer-export"), query, 1)
    assert reopened.context["open_search"] == saved


@pytest.fixture
def conversations(cast, customers):
    now = timezone.now()
    for days, (customer, author) in enumerate([(customers.own, cast.sales1), (customers.same_group, cast.sales1b),
                                                (customers.other_group, cast.sales2)] * 2):
        services.followup_create(customer=customer, subject=f"谈 {customer.name} {days}", content="报价",
                                 occurred_at=now - timedelta(days=days * 4, hours=1), by=author)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("query", [{}, {"window": "week"}, {"window": "month"}, {"window": "custom", "last_n": "10"},
                                   {"author": "SALES1B"}], ids=lambda q: urlencode(q) or "all")
def test_the_follow_up_page_and_its_export_hold_the_same_rows(cast, client_for, conversations, who, query):
    if query.get("author") == "SALES1B":
        query = {"author": cast.sales1b.pk}
    client = client_for(getattr(cast, who))
    shown = [followup.subject for followup in _page(client, reverse("crm:followup-list"), query)]
    assert shown == _exported(client, reverse("transfers:followup-export"), query, 3)


@pytest.fixture
def plans(cast):
    now = timezone.now()
    for days, author in enumerate([cast.sales1, cast.sales1b, cast.sales2] * 2):
        start = now - timedelta(days=days * 3, hours=2)
        plan_services.plan_create(by=author, subject=f"拜访 {author.username} {days}", start_at=start,
                                  end_at=start + timedelta(hours=1))


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("query", [{}, {"when": "any"}, {"when": "month"}, {"when": "any", "status": "overdue"},
                                   {"when": "any", "person": "sales1b"}, {"when": "custom", "date_from": "2020-01-01"}],
                         ids=lambda q: urlencode(q) or "week")
def test_the_plan_page_and_its_export_hold_the_same_rows_in_the_same_order(cast, client_for, plans, who, query):
    client = client_for(getattr(cast, who))
    shown = [plan.subject for plan in _page(client, reverse("workplans:plan-list"), query)]
    assert shown == _exported(client, reverse("transfers:plan-export"), query, 0)


BAD = [
    {"view": "bogus"}, {"owner": "abc"}, {"owner": "99999999999999999999999"}, {"group": "-1"},
    {"q": "李" * 100_000}, {"q": "a\x00b"}, {"fields": "nonsense"}, {"sort": "'; DROP TABLE"},
    {"date_from": "9999-12-31"}, {"date_to": "0000-00-00"}, {"date_from": "2026-05-02", "date_to": "2026-05-01"},
    {"window": "custom", "date_from": "9999-12-31", "date_to": "1-01-01"}, {"last_n": "99999999999999"},
    {"window": "custom", "last_n": "x"}, {"when": "custom", "date_from": "\x00"}, {"status": "\x00"},
    {"person": "x" * 100_000}, {"author": "1.5"}, {"previous_owner": "[]"}, {"industry": "\x00"},
    {"page": "abc", "per_page": "-1"}, {"after": "!!!"}, {"role": "god"}, {"action": "\x00"}, {"actor": "x"},
    {"joined_from": "9999-12-31", "joined_to": "10000-01-01"},
]
LISTS = ["crm:customer-list", "crm:followup-list", "crm:pool-list", "workplans:plan-list", "staff:user-list",
         "staff:audit-list"]
EXPORTS = ["transfers:customer-export", "transfers:followup-export", "transfers:plan-export"]


@pytest.mark.parametrize("query", BAD, ids=lambda q: urlencode(q)[:40])
def test_bad_filter_values_are_ignored_on_every_list_and_export(cast, client_for, customers, query):
    client = client_for(cast.admin)
    for name in LISTS:
        assert client.get(reverse(name), query).status_code == 200, name
    for name in EXPORTS:
        assert client.get(reverse(name), query).status_code == 200, name
        assert export(client, reverse(name), query).status_code in (200, 302), name
