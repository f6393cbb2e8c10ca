"""Issue 22's targets: a supervisor on a phone, in Chinese, sees the group's progress on the home
page, opens the targets page, sets a salesperson's monthly target and sees the ranking; the
salesperson sees their own progress and place, and the forecast."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from deals import defaults, targets
from deals.models import LostReason, Stage, Target
from tests.deals.deals_helpers import make_deal, win
from tests.e2e.steps import submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_sets_a_target_and_sees_the_progress_on_a_phone(cast, journey):
    defaults.install(Stage, LostReason)
    month = targets.month_start(timezone.localdate())
    win(make_deal(cast.sales1, amount="30000"), amount="30000")
    win(make_deal(cast.sales1b, amount="12000"), amount="12000")
    make_deal(cast.sales1, amount="50000", probability=40, expected_close_on=targets.add_months(month, 1))
    targets.target_set(by=cast.admin, month=month, amount=Decimal("100000"), sales_group=cast.group1)

    boss = journey("22-targets", cast.sup1, device="phone", language="zh-hans",
                   allowed={cast.sales1.display_name, cast.sales1b.display_name})
    page = boss.go("/")
    assert "42%" in page.locator(".home-targets").inner_text()
    boss.shot("home")

    page.locator(".home-targets a").click()
    boss.shot("targets")
    row = page.locator(".people-target-table tr", has_text=cast.sales1.display_name)
    row.locator("a").click()
    page.fill("#id_amount", "60000")
    page.fill("#id_new_customers", "5")
    boss.shot("target-form")
    submit(page)
    assert success_message(page)
    assert Target.objects.get(salesperson=cast.sales1).amount == Decimal("60000")
    assert "50%" in page.locator(".people-target-table tr", has_text=cast.sales1.display_name).inner_text()
    boss.shot("target-saved")

    page.select_option("#id_period", "year")
    with page.expect_navigation():
        page.locator(".target-filter button").click()
    boss.shot("targets-year")

    boss.go(reverse("deals:forecast"))
    assert "20,000.00" in page.locator(".forecast-total").inner_text().replace("20000.00", "20,000.00")
    boss.shot("forecast")

    me = journey("22-my-target", cast.sales1, device="phone", language="zh-hans")
    page = me.go(reverse("deals:target-list"))
    assert "50%" in page.locator(".my-target").inner_text()
    assert cast.sales1b.display_name not in page.content()
    me.shot("mine")
