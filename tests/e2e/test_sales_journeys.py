"""Journeys 1 and 2 (issue 14): a salesperson's day with a customer, then a colleague takes the
customer up from the pool. Each runs on a desktop and a phone, in English and in Chinese."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import services
from crm.models import Customer, FollowUp
from tests.e2e.steps import open_menu_item, submit, success_message
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEVICES_AND_LANGUAGES = pytest.mark.parametrize(
    "device,language", [("desktop", "en"), ("desktop", "zh-hans"), ("phone", "en"), ("phone", "zh-hans")]
)


@DEVICES_AND_LANGUAGES
def test_salesperson_adds_follows_finds_changes_and_gives_up_a_customer(cast, journey, device, language):
    me = journey("1-salesperson", device=device, language=language, allowed=["sales1", "138 0013 8000"])
    page = me.go(reverse("accounts:login"))
    me.shot("login")
    page.fill("#id_username", "sales1")
    page.fill("#id_password", PASSWORD)
    submit(page)
    me.shot("home")

    open_menu_item(page, reverse("crm:customer-list"))
    me.shot("customers-empty")
    page.locator(f"main a.btn[href='{reverse('crm:customer-create')}']").click()  # the page's Add button (an empty list also links it)
    page.fill("#id_name", "李雷")
    page.fill("#id_company", "雷霆贸易有限公司")
    page.fill("#id_phone", "138 0013 8000")
    page.fill("#id_address", "上海市浦东新区世纪大道100号")
    page.select_option("#id_type", "intention")
    me.shot("customer-form")
    submit(page)
    customer = Customer.objects.get(name="李雷")
    assert customer.owner == cast.sales1
    assert "李雷" in success_message(page)
    me.shot("customer-added")

    page.locator(f"main a[href='{reverse('crm:followup-create', args=[customer.pk])}']").click()
    page.fill("#id_subject", "首次电话沟通")
    page.fill("#id_content", "客户对年度采购有兴趣，下周寄样品。")
    me.shot("followup-form")
    submit(page)
    assert page.locator(".customer-log").inner_text().count("首次电话沟通") == 1
    me.shot("followup-logged")

    open_menu_item(page, reverse("crm:customer-list"))
    page.fill("#id_q", "雷")
    with page.expect_navigation():
        page.press("#id_q", "Enter")
    assert page.locator(".customer-table tbody a", has_text="李雷").count() == 1
    me.shot("search-one-character")

    page.locator(".customer-table tbody a", has_text="李雷").click()
    page.select_option("#quick-type", "prospect")
    submit(page, f"form[action='{reverse('crm:customer-type', args=[customer.pk])}']")
    page.select_option("#quick-grade", "vip")
    submit(page, f"form[action='{reverse('crm:customer-grade', args=[customer.pk])}']")
    customer.refresh_from_db()
    assert (customer.type, customer.grade) == ("prospect", "vip")
    me.shot("type-and-grade-changed")

    page.locator(f"main a[href='{reverse('crm:customer-give-up', args=[customer.pk])}']").click()
    page.select_option("#id_reason", "no_need")
    me.shot("give-up-form")
    submit(page)
    customer.refresh_from_db()
    assert customer.owner is None and customer.pooled_at is not None
    assert "李雷" in success_message(page)
    me.shot("given-up")


def _customer_given_up_today(cast):
    customer = services.customer_create(
        data={"name": "韩梅梅", "company": "梅花电子", "phone": "13912340000", "type": "intention"},
        owner=cast.sales1, by=cast.sales1,
    )
    services.followup_create(
        customer=customer, subject="报价已发", content="发了第一版报价，客户嫌贵。",
        occurred_at=timezone.now() - timedelta(days=2), by=cast.sales1,
    )
    services.customer_give_up(customer=customer, reason="客户暂时没有需求", by=cast.sales1)
    old = services.customer_create(
        data={"name": "王老五", "company": "老五五金", "phone": "13700000005"}, owner=cast.sales1b, by=cast.sales1b,
    )
    services.customer_give_up(customer=old, reason="联系不上", by=cast.sales1b)
    Customer.objects.filter(pk=old.pk).update(pooled_at=timezone.now() - timedelta(days=20))
    return customer


@pytest.mark.parametrize("device,language", [("desktop", "en"), ("phone", "zh-hans")])
def test_colleague_claims_a_customer_from_the_pool_and_reads_the_earlier_talks(cast, journey, device, language):
    customer = _customer_given_up_today(cast)
    me = journey("2-pool", cast.sales2, device=device, language=language)
    page = me.go(reverse("home"))
    open_menu_item(page, reverse("crm:pool-list"))
    assert page.locator(".pool-table tbody tr").count() == 2
    me.shot("pool")

    page.locator(".pool-windows a[href*='window=day']").click()
    rows = page.locator(".pool-table tbody tr")
    assert rows.count() == 1 and "韩梅梅" in rows.inner_text()
    me.shot("pool-within-a-day")

    submit(page, f"form[action='{reverse('crm:pool-claim', args=[customer.pk])}']")
    customer.refresh_from_db()
    assert customer.owner == cast.sales2
    assert "韩梅梅" in success_message(page)
    log = page.locator(".customer-log").inner_text()
    assert "报价已发" in log and "客户嫌贵" in log
    me.shot("claimed-with-history")
    assert FollowUp.objects.filter(customer=customer).count() == 1
