"""A salesperson exports their customer list (issue 19.8): the Export link opens a page that says
how many rows and offers Excel or CSV, and only its button (a POST with the CSRF token) makes the
file and writes the audit row. On a desktop and a phone, in English and in Chinese."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device,language", [("desktop", "en"), ("phone", "zh-hans")])
def test_salesperson_exports_the_customer_list_from_the_export_page(cast, journey, device, language):
    CustomerFactory(name="韩梅梅", owner=cast.sales1)
    me = journey("export", user=cast.sales1, device=device, language=language, allowed=["Excel", "CSV"])
    page = me.go(reverse("crm:customer-list"))
    page.locator(f"main a[href^='{reverse('transfers:customer-export')}']").first.click()
    page.wait_for_load_state("domcontentloaded")
    me.shot("export-page")
    assert not AuditEvent.objects.filter(action="customers.export").exists()  # opening the page exported nothing

    with page.expect_download() as download:
        page.locator("main form[method=post] button[value=xlsx]").click()
    assert download.value.suggested_filename.startswith("customers-")
    assert download.value.suggested_filename.endswith(".xlsx")
    event = AuditEvent.objects.get(action="customers.export")
    assert event.actor == cast.sales1 and event.count == 1
