"""The 404, 403 and 500 pages look like the rest of the site, speak the reader's language and
never show a stack trace. (Plain test-client tests: no browser needed.)"""

from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import CustomerFactory


def test_a_missing_page_is_a_friendly_404_in_the_site_style(cast, client_for):
    response = client_for(cast.sales1).get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "navbar" in body and reverse("home") in body
    assert "Traceback" not in body


def test_someone_elses_customer_is_the_same_404_in_chinese(cast, client_for):
    customer = CustomerFactory(owner=cast.sales2)
    client = client_for(cast.sales1)
    client.cookies["crm_language"] = "zh-hans"
    response = client.get(customer.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 404
    assert "找不到这个页面" in body and customer.name not in body


def test_a_forbidden_action_is_a_403_page_that_says_why(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    response = client_for(cast.sales1).get(reverse("crm:customer-delete", args=[customer.pk]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Not allowed" in body and "navbar" in body


def test_the_500_page_needs_neither_a_request_context_nor_the_database():
    # No `db` fixture: any query here would fail the test.
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body and "bootstrap.min.css" in body and "Traceback" not in body


def test_every_page_links_the_favicon(cast, client_for):
    body = client_for(cast.sales1).get(reverse("home")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in body
