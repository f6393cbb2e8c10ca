"""Keyset paging: the Next and Previous links carry a cursor, and walking them shows every row
exactly once, in order, even when many rows share a sort value or have none."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.pagination import paginate
from crm.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _page(query_string, queryset):
    return paginate(RequestFactory().get("/customers/" + query_string), queryset)


def _walk(queryset, per_page=10):
    """Follow the Next cursors from the first page to the last: the pages' rows, in order."""
    seen, query = [], f"?per_page={per_page}"
    while True:
        page = _page(query, queryset)
        seen.append([row.pk for row in page.object_list])
        if not page.has_next():
            return seen
        query = f"?per_page={per_page}&page={page.next_page_number()}&after={page.next_cursor}"


@pytest.fixture
def crowd(cast):
    """27 customers: ties on created_at (an import gives many rows one time) and on
    last_contact_at, some never contacted (NULL)."""
    now = timezone.now()
    for i in range(27):
        CustomerFactory(
            owner=cast.sales1,
            created_at=now - timedelta(hours=i // 4),
            last_contact_at=None if i % 3 == 0 else now - timedelta(days=i // 5),
        )
    return cast


@pytest.mark.parametrize("ordering", [("-created_at", "-id"), ("created_at", "id"), ("-last_contact_at", "-id"),
                                      ("last_contact_at", "id"), ("name", "id"), ("number",)])
def test_walking_next_shows_every_row_once_in_order(crowd, ordering):
    queryset = Customer.objects.order_by(*ordering)
    pages = _walk(queryset)
    assert [pk for page in pages for pk in page] == list(queryset.values_list("pk", flat=True))
    assert [len(page) for page in pages] == [10, 10, 7]


def test_deep_pages_use_the_cursor_not_an_offset(crowd):
    queryset = Customer.objects.order_by("-created_at", "-id")
    first = _page("?per_page=10", queryset)
    with CaptureQueriesContext(connection) as queries:
        second = _page(f"?per_page=10&page=2&after={first.next_cursor}", queryset)
    assert not any("OFFSET" in query["sql"] for query in queries.captured_queries)
    assert [row.pk for row in second.object_list] == list(queryset.values_list("pk", flat=True)[10:20])
    assert second.number == 2 and second.has_previous() and second.has_next()


def test_previous_returns_the_same_rows(crowd):
    queryset = Customer.objects.order_by("-last_contact_at", "-id")
    pages = _walk(queryset)
    third = _page(f"?per_page=10&page=2&after={_page('?per_page=10', queryset).next_cursor}", queryset)
    third = _page(f"?per_page=10&page=3&after={third.next_cursor}", queryset)
    back = _page(f"?per_page=10&page=2&before={third.previous_cursor}", queryset)
    assert [row.pk for row in back.object_list] == pages[1]
    assert back.has_next() and back.has_previous()


def test_a_bad_cursor_falls_back_to_the_page_number(crowd):
    queryset = Customer.objects.order_by("-created_at", "-id")
    for cursor in ("garbage", "W10", "WyJ4IiwieSJd", ""):
        page = _page(f"?per_page=10&page=2&after={cursor}", queryset)
        assert [row.pk for row in page.object_list] == list(queryset.values_list("pk", flat=True)[10:20])


def test_the_list_page_links_carry_the_cursor(crowd, client_for):
    client = client_for(crowd.sales1)
    body = client.get("/customers/").content.decode()
    next_link = re.search(r'href="(\?[^"]*after=[^"]*)"', body).group(1).replace("&amp;", "&")
    assert parse_qs(urlparse(next_link).query)["page"] == ["2"]
    second = client.get("/customers/" + next_link)
    assert second.status_code == 200
    expected = Customer.objects.order_by("-created_at", "-id")[10:20]
    assert [c.pk for c in second.context["page_obj"].object_list] == [c.pk for c in expected]
    # A view tab resets the page and drops the cursor with it.
    tab = re.search(r'href="(\?[^"]*view=prospects[^"]*)"', second.content.decode()).group(1)
    assert "after=" not in tab


# A search hands paginate a second queryset, the walk: the same rows without the gram index.
# Once the count passes its cap, pages near the start (and cursor pages) are read from it.

def _searched(crowd, term="李明"):
    from crm.filters import CustomerFilterSet

    return CustomerFilterSet({"q": term}, user=crowd.sales1).rows_and_walk()


@pytest.fixture
def namesakes(crowd):
    for customer in Customer.objects.all()[:20]:
        Customer.objects.filter(pk=customer.pk).update(name="李明" + customer.name, search_text="李明 " + customer.search_text)
    return crowd


def _page_sql(queries):
    return [q["sql"] for q in queries.captured_queries if "COUNT(" not in q["sql"] and "crm_customer" in q["sql"]]


@pytest.mark.parametrize("cap, walks", [(5, True), (1000, False)])
def test_a_search_past_its_count_cap_reads_its_first_pages_by_walking(namesakes, cap, walks):
    rows, walk = _searched(namesakes)
    expected = list(rows.values_list("pk", flat=True))
    assert len(expected) == 20
    with CaptureQueriesContext(connection) as queries:
        page = paginate(RequestFactory().get("/customers/?per_page=10"), rows, cap=cap, walk=walk)
        shown = [row.pk for row in page.object_list]
    assert shown == expected[:10]
    assert [("crm_grams" in sql) for sql in _page_sql(queries)] == [not walks]


def test_walked_cursor_pages_and_deep_offset_pages_show_the_same_rows(namesakes, monkeypatch):
    from common import pagination

    rows, walk = _searched(namesakes)
    expected = list(rows.values_list("pk", flat=True))
    first = paginate(RequestFactory().get("/customers/?per_page=10"), rows, cap=5, walk=walk)
    request = RequestFactory().get(f"/customers/?per_page=10&page=2&after={first.next_cursor}")
    with CaptureQueriesContext(connection) as queries:
        second = paginate(request, rows, cap=5, walk=walk)
        assert [row.pk for row in second.object_list] == expected[10:20]
    assert ["crm_grams" in sql for sql in _page_sql(queries)] == [False]
    # A page far down by its number alone: read from the narrowed rows (the walk could be long).
    monkeypatch.setattr(pagination, "WALK_DEPTH", 10)
    with CaptureQueriesContext(connection) as queries:
        deep = paginate(RequestFactory().get("/customers/?per_page=10&page=2"), rows, cap=5, walk=walk)
        assert [row.pk for row in deep.object_list] == expected[10:20]
    assert ["crm_grams" in sql for sql in _page_sql(queries)] == [True]


def test_the_list_page_finds_the_same_customers_either_way(namesakes, client_for, monkeypatch):
    from common import pagination

    client = client_for(namesakes.sales1)
    narrowed = client.get("/customers/?q=李明&per_page=10").context["page_obj"]
    monkeypatch.setattr(pagination, "SEARCH_COUNT_CAP", 5)
    walked = client.get("/customers/?q=李明&per_page=10").context["page_obj"]
    assert [c.pk for c in walked.object_list] == [c.pk for c in narrowed.object_list]
    assert narrowed.paginator.count == 20 and walked.paginator.capped
