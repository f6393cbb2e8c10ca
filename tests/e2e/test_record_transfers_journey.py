"""Journeys (issues 22, 25): a salesperson on a phone, in Chinese, exports their deals from the
deal list; an admin imports payments and the preview shows the one bad row, so nothing is
imported until it is fixed."""

import csv
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from deals import defaults
from deals.models import LostReason, Payment, Stage
from tests.crm.conftest import customers  # noqa: F401
from tests.deals.deals_helpers import make_deal, win
from tests.e2e.steps import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def stages(db):
    defaults.install(Stage, LostReason)


def test_salesperson_on_a_phone_exports_their_deals_in_chinese(cast, journey, customers):
    make_deal(customer=customers.own, title="年度采购")
    me = journey("deals-export", user=cast.sales1, device="phone", language="zh-hans", allowed=["Excel", "CSV"])
    page = me.go(reverse("deals:deal-list"))
    me.shot("deal-list")
    page.locator(f"main a[href^='{reverse('transfers:record-export', args=['deals'])}']").first.click()
    page.wait_for_load_state("domcontentloaded")
    me.shot("export-page")
    assert not AuditEvent.objects.filter(action="deals.export").exists()
    with page.expect_download() as download:
        page.locator("main form[method=post] button[value=xlsx]").click()
    assert download.value.suggested_filename.startswith("deals-")
    assert AuditEvent.objects.get(action="deals.export").count == 1


def test_admin_imports_payments_and_the_preview_shows_the_one_bad_row(cast, journey, customers, tmp_path):
    deal = win(make_deal(customer=customers.own), amount="1000.00")
    path = tmp_path / "回款.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["商机编号", "回款日期", "回款金额", "方式"],
                                      [deal.pk, timezone.localdate().isoformat(), "400", "转账"],
                                      [deal.pk, timezone.localdate().isoformat(), "900", "现金"]])
    me = journey("payments-import", user=cast.admin, device="phone", language="zh-hans", allowed=["xlsx", "CSV", "csv"])
    page = me.go(reverse("transfers:payment-import"))
    me.shot("upload")
    page.set_input_files("#id_file", str(path))
    submit(page)
    me.shot("preview")
    assert page.locator(".import-row-bad").count() == 1
    assert "600.00" in page.locator(".import-row-bad").inner_text()
    assert page.locator("button[value=import]").is_disabled()
    assert Payment.objects.count() == 0 and deal.won_amount == Decimal("1000.00")
