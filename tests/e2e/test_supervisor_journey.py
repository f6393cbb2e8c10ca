"""Journey 3 (issue 14): a supervisor reviews the group: its customers, its plans (the overdue
ones, confirming a completion) and a suggestion that needs an answer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import services as bulletin_services
from bulletin.models import SuggestionReply
from crm import services as crm_services
from workplans import services as plan_services
from workplans.models import Plan
from tests.e2e.steps import open_menu_item, submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _group_at_work(cast):
    now = timezone.now()
    crm_services.customer_create(data={"name": "陈一", "company": "一号商行", "phone": "13600000001"},
                                 owner=cast.sales1, by=cast.sales1)
    crm_services.customer_create(data={"name": "周二", "company": "二号商行", "phone": "13600000002"},
                                 owner=cast.sales2, by=cast.sales2)
    overdue = plan_services.plan_create(by=cast.sales1, subject="拜访陈一", content="带上样品",
                                        start_at=now - timedelta(days=2, hours=3), end_at=now - timedelta(days=2))
    done = plan_services.plan_create(by=cast.sales1b, subject="整理报价单",
                                     start_at=now - timedelta(hours=5), end_at=now - timedelta(hours=4))
    plan_services.plan_complete(plan=done, by=cast.sales1b)
    plan_services.plan_create(by=cast.sales2, subject="别组的计划", start_at=now, end_at=now + timedelta(hours=1))
    suggestion = bulletin_services.suggestion_create(
        title="希望增加周末值班补贴", content="周末接待客户较多，建议增加值班补贴。", anonymous=False, by=cast.sales1b)
    return overdue, done, suggestion


@pytest.mark.parametrize("device,language", [("desktop", "en"), ("phone", "zh-hans")])
def test_supervisor_reviews_customers_plans_and_answers_a_suggestion(cast, journey, device, language):
    overdue, done, suggestion = _group_at_work(cast)
    me = journey("3-supervisor", cast.sup1, device=device, language=language)
    page = me.go(reverse("home"))
    me.shot("home")

    open_menu_item(page, reverse("crm:customer-list"))
    table = page.locator(".customer-table tbody").inner_text()
    assert "陈一" in table and "周二" not in table
    me.shot("group-customers")

    open_menu_item(page, reverse("workplans:plan-list"))
    page.select_option("#id_when", "any")
    page.select_option("#id_status", "overdue")
    submit(page, "form.plan-filters")
    rows = page.locator(".plan-list tbody").inner_text()
    assert "拜访陈一" in rows and "整理报价单" not in rows and "别组的计划" not in rows
    me.shot("plans-overdue")

    page.select_option("#id_status", "done")
    submit(page, "form.plan-filters")
    submit(page, f"form[action='{reverse('workplans:plan-status', args=[done.pk])}']")
    done.refresh_from_db()
    assert done.confirmed_by == cast.sup1
    assert success_message(page)
    me.shot("plan-confirmed")

    open_menu_item(page, reverse("bulletin:suggestion-list"))
    page.locator(f"a[href='{suggestion.get_absolute_url()}']").click()
    page.fill("#id_content", "收到，下个月起试行。")
    me.shot("suggestion")
    submit(page, f"form[action='{reverse('bulletin:suggestion-reply', args=[suggestion.pk])}']")
    assert SuggestionReply.objects.filter(suggestion=suggestion, author=cast.sup1).count() == 1
    assert "下个月起试行" in page.locator("main").inner_text()
    me.shot("suggestion-answered")
    assert Plan.objects.get(pk=overdue.pk).status == Plan.Status.OPEN
