"""Issue 22's journey: a salesperson on a phone, in Chinese, opens a deal from a customer's page,
finds it in the deal list, moves its card across the pipeline board with the card's stage select
(no dragging needed: a thumb or the keyboard does it), wins it with the signed amount and date,
and records the first payment; logs a conversation about the deal and reads the deals report.
Also on a desktop in English, where the card is dragged to the next stage with the mouse."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import services
from deals import defaults
from deals.models import Deal, LostReason, Payment, Stage
from tests.e2e.steps import open_menu_item, submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device,language", [("phone", "zh-hans"), ("desktop", "en")])
def test_a_salesperson_opens_a_deal_and_wins_it(cast, journey, device, language):
    defaults.install(Stage, LostReason)  # a transactional test before this one emptied the tables
    customer = services.customer_create(
        data={"name": "韩梅梅", "company": "梅花电子", "phone": "139 1234 0000", "type": "intention"},
        owner=cast.sales1, by=cast.sales1,
    )
    me = journey("22-deal", cast.sales1, device=device, language=language)
    page = me.go(customer.get_absolute_url())
    me.shot("customer")

    page.locator(f"main a[href='{reverse('deals:deal-create', args=[customer.pk])}']").click()
    page.fill("#id_title", "服务器年度采购")
    page.fill("#id_amount", "120000.50")
    close = (timezone.localdate() + timezone.timedelta(days=30)).isoformat()
    page.fill("#id_expected_close_on", close)
    me.shot("deal-form")
    submit(page)
    deal = Deal.objects.get()
    assert (deal.owner, deal.amount, deal.expected_close_on.isoformat()) == (cast.sales1, Decimal("120000.50"), close)
    assert success_message(page)
    me.shot("deal-opened")

    open_menu_item(page, reverse("deals:deal-list"))
    assert page.locator(".deal-table", has_text="服务器年度采购").count() == 1
    me.shot("deal-list")

    page.locator(f"main a[href='{reverse('deals:deal-board')}']").first.click()
    negotiation = Stage.objects.get(name_zh="商务谈判")
    card = page.locator(".deal-card", has_text="服务器年度采购")
    if device == "desktop":  # drag the card onto the 商务谈判 column (htmx posts; the board reloads)
        start, target = card.bounding_box(), page.locator(f".deal-cards[data-stage='{negotiation.pk}']").bounding_box()
        page.mouse.move(start["x"] + 20, start["y"] + 10)
        page.mouse.down()
        for step in range(1, 11):
            page.mouse.move(start["x"] + 20 + (target["x"] + 30 - start["x"] - 20) * step / 10,
                            start["y"] + 10 + (target["y"] + 15 - start["y"] - 10) * step / 10)
        me.shot("board-dragging")
        with page.expect_navigation():
            page.mouse.up()
        assert page.locator(f".deal-cards[data-stage='{negotiation.pk}'] .deal-card", has_text="服务器年度采购").count() == 1
    else:
        card.locator("select[name=stage]").select_option(str(negotiation.pk))
        me.shot("board-choosing")
        with page.expect_navigation():
            card.locator("button[type=submit]").click()
    deal.refresh_from_db()
    assert deal.stage == negotiation and deal.probability == 70
    me.shot("board-moved")

    won = Stage.objects.get(kind="won")
    card = page.locator(".deal-card", has_text="服务器年度采购")
    card.locator("select[name=stage]").focus()  # by keyboard: the select, then the button
    card.locator("select[name=stage]").select_option(str(won.pk))
    with page.expect_navigation():
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
    assert page.input_value("#id_won_amount") == "120000.50"
    assert page.input_value("#id_won_on") == timezone.localdate().isoformat()
    page.fill("#id_won_amount", "118000")
    me.shot("won-details")
    submit(page)
    deal.refresh_from_db()
    assert (deal.stage, deal.won_amount, deal.won_on) == (won, Decimal("118000"), timezone.localdate())
    me.shot("won")

    page.locator(f"main a[href='{reverse('deals:payment-create', args=[deal.pk])}']").click()
    page.fill("#id_amount", "50000")
    me.shot("payment-form")
    submit(page)
    assert Payment.objects.get().amount == Decimal("50000")
    assert "68,000.00" in page.locator(".deal-balance").inner_text() or "68000.00" in page.locator(".deal-balance").inner_text()
    me.shot("payment-recorded")

    # A conversation about the deal, logged from the customer's page, shows on the deal.
    page = me.go(reverse("crm:followup-create", args=[customer.pk]))
    page.fill("#id_subject", "首付款确认")
    page.fill("#id_content", "客户确认已付五万")
    page.select_option("#id_extra_deal", str(deal.pk))
    me.shot("followup-about-deal")
    submit(page)
    page = me.go(deal.get_absolute_url())
    assert "首付款确认" in page.locator(".deal-conversations").inner_text()
    me.shot("deal-conversations")

    # The deals report: their own funnel and revenue, with the table under each chart.
    page = me.go(reverse("deals:deal-list"))
    page.locator(f"main a[href='{reverse('reports:deals')}']").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator(".report-section").count() >= 6
    assert "118000.00" in page.locator("main").inner_text()
    me.shot("deal-report")
