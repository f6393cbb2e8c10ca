"""Issue 20's journey: a salesperson's morning on a phone, in Chinese. Home, today's visits, open
a customer, call (the number is a tel: link), log the conversation (the next contact date comes
pre-filled), plan the visit from the customer's page, and find it in the agenda beside the day's
visits. Then the customer list's search: hits marked, a saved search kept, renamed and reopened,
the page size changed without losing the ticked fields. On a phone and a desktop, in Chinese and
English."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import services
from crm.models import Customer, SavedSearch
from tests.e2e.steps import open_menu_item, submit, success_message
from workplans.forms import next_full_hour
from workplans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEVICES_AND_LANGUAGES = pytest.mark.parametrize(
    "device,language", [("phone", "zh-hans"), ("phone", "en"), ("desktop", "zh-hans"), ("desktop", "en")]
)
PHONE = "139 1234 0000"


def _morning(cast):
    """sales1's customers: two due today, one overdue, one tomorrow, some later."""
    today = timezone.localdate()
    people = [
        ("韩梅梅", "梅花电子", PHONE, "上海市浦东新区世纪大道100号", "vip", 0),
        ("李雷", "雷霆贸易", "138 0013 8000", "", "normal", 0),
        ("王五", "五金商行", "137 0000 0005", "", "normal", -3),
        ("赵六", "六合物流", "136 0000 0006", "", "normal", 1),
    ] + [(f"客户{n}", f"公司{n}", f"135 0000 00{n:02d}", "", "normal", 10 + n) for n in range(8)]
    for name, company, phone, address, grade, days in people:
        customer = services.customer_create(
            data={"name": name, "company": company, "phone": phone, "address": address, "grade": grade, "type": "intention"},
            owner=cast.sales1, by=cast.sales1,
        )
        Customer.objects.filter(pk=customer.pk).update(next_contact_on=today + timedelta(days=days))
    return Customer.objects.get(name="韩梅梅")


def _local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@DEVICES_AND_LANGUAGES
def test_a_salespersons_morning(cast, journey, device, language):
    customer = _morning(cast)
    me = journey("20-morning", cast.sales1, device=device, language=language)
    page = me.go(reverse("home"))
    me.shot("home")

    page.locator(".home-tiles a[href*='view=visit_today']").click()
    rows = page.locator(".customer-table tbody tr.customer-row")
    names = rows.locator(".row-link").all_inner_texts()
    assert {"韩梅梅", "李雷", "王五"} <= set(names) and "赵六" not in names
    if device == "phone":  # one compact line per customer: name, company, next contact, type
        heights = rows.evaluate_all("rows => rows.map(row => row.getBoundingClientRect().height)")
        assert all(44 <= height <= 844 / 6 for height in heights), heights
        first = rows.first
        assert first.locator(".cell-company").is_visible() and first.locator(".cell-type .badge").is_visible()
        assert first.locator(".cell-next").is_visible() and not first.locator("a[href^='tel:']").is_visible()
    me.shot("todays-visits")

    row = rows.filter(has=page.locator(".row-link", has_text="韩梅梅"))
    with page.expect_navigation():
        if device == "phone":  # a thumb taps anywhere on the line: here, on the company's name
            row.scroll_into_view_if_needed()
            box = row.locator(".cell-company").bounding_box()
            page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        else:
            row.locator(".row-link").click()
    assert page.url.endswith(customer.get_absolute_url())
    call = page.locator(".customer-actions a[href='tel:13912340000']")
    assert call.is_visible()
    assert page.locator(".customer-actions a[href='sms:13912340000']").is_visible() == (device == "phone")
    assert page.locator(".customer-actions a[href^='https://uri.amap.com/search?keyword=']").is_visible()
    me.shot("customer")

    page.locator(f"main a[href='{reverse('crm:followup-create', args=[customer.pk])}']").click()
    expected = services.default_next_contact("vip").isoformat()
    prefilled = page.input_value("#id_next_contact_on")
    assert prefilled == expected  # in Chinese too (issue 20.1: it was rendered 2027/01/03 and shown empty)
    page.fill("#id_subject", "电话确认拜访")
    page.fill("#id_content", "客户同意下周见面，带样品。")
    me.shot("followup-form")
    submit(page)
    customer.refresh_from_db()
    assert customer.next_contact_on.isoformat() == expected
    me.shot("followup-logged")

    before = timezone.now()
    page.locator(f".customer-actions a[href='{reverse('workplans:plan-create')}?customer={customer.pk}']").click()
    after = timezone.now()
    start = page.input_value("#id_start_at")
    assert start in {_local_input(next_full_hour(before)), _local_input(next_full_hour(after))}
    assert page.input_value("#id_end_at") == _local_input(next_full_hour(before if start == _local_input(next_full_hour(before)) else after) + timedelta(hours=1))
    assert page.locator("[data-picker-chosen] input:checked").count() == 1
    assert "韩梅梅" in page.locator("[data-picker-chosen]").inner_text()
    search = page.locator("[data-picker-search]")
    search.fill("雷霆")
    found = page.locator("[data-picker-results] .form-check", has_text="李雷")
    found.wait_for()
    found.locator("input").check()  # ticked, it joins the chosen ones
    search.fill("梅花")
    page.locator("[data-picker-results] .picker-empty").wait_for()  # 韩梅梅 is chosen already: not offered again
    assert page.locator("[data-picker-chosen] input:checked").count() == 2
    me.shot("plan-form")
    submit(page)
    plan = Plan.objects.get(author=cast.sales1)
    assert set(plan.customers.values_list("name", flat=True)) == {"韩梅梅", "李雷"}
    assert "韩梅梅" in plan.subject
    me.shot("plan-added")

    page.locator(".agenda-link").click()
    assert page.locator(".agenda-plans", has_text=plan.subject).count() == 1
    day = timezone.localtime(plan.start_at).date()
    visits = page.locator(".agenda-visits").inner_text()
    if day == timezone.localdate():  # the overdue wait on today; 李雷's visit is now planned
        assert "李雷" in visits and "王五" in visits and "赵六" not in visits
        assert page.locator(".agenda-visits li", has_text="李雷").locator(".badge.text-bg-success").count() == 1
    else:  # planned after 23:00: the plan is tomorrow's, beside tomorrow's visits
        assert "赵六" in visits and "王五" not in visits
    me.shot("agenda")


@DEVICES_AND_LANGUAGES
def test_a_salesperson_finds_saves_and_reopens_a_search(cast, journey, device, language):
    _morning(cast)
    me = journey("20-search", cast.sales1, device=device, language=language)
    page = me.go(reverse("crm:customer-list"))
    page.fill("#id_q", "梅")
    page.locator(".customer-filters details summary").click()
    page.locator("#field-name").check()
    page.locator("#field-company").check()
    submit(page, ".customer-filters")
    assert page.locator(".customer-table tbody mark.search-hit").count() >= 2  # 韩梅梅, 梅花电子
    me.shot("search-marked")

    page.fill("#saved-search-name", "梅字客户")
    submit(page, ".saved-search-save")
    assert "梅字客户" in success_message(page)
    chip = page.locator(".saved-search-chip a[aria-current='true']")
    assert chip.inner_text() == "梅字客户"
    me.shot("search-saved")

    page.fill("#saved-search-rename", "梅花客户")
    submit(page, ".saved-search-rename")
    assert SavedSearch.objects.get(owner=cast.sales1).name == "梅花客户"
    me.shot("search-renamed")

    with page.expect_navigation():
        page.locator(".pagination-size select, select#per-page").first.select_option("20")
    assert page.locator("#field-name").is_checked() and page.locator("#field-company").is_checked()
    assert "per_page=20" in page.url
    rows = page.locator(".customer-table .row-link").all_inner_texts()

    open_menu_item(page, reverse("crm:customer-list"))  # later, from the menu: a fresh list
    assert not page.locator("#field-name").is_checked()
    with page.expect_navigation():
        page.locator(".saved-search-chip a", has_text="梅花客户").click()
    assert page.locator("#field-name").is_checked() and page.locator("#field-company").is_checked()
    assert page.input_value("#id_q") == "梅" and page.locator(".customer-table .row-link").all_inner_texts() == rows
    me.shot("search-reopened")
