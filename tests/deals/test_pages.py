"""The deal pages: opening a deal from a customer's page, the list and its filters, the board,
changing stage (won asks the signed amount and date, lost a reason), payments and receivables."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from deals.models import Deal, Instalment, Payment, Stage
from tests.deals.deals_helpers import days, lost_reason, make_deal, stage, win
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _new_deal(**overrides):
    data = {"title": "年度采购", "amount": "12000.50", "stage": stage().pk, "probability": "",
            "expected_close_on": days(30).isoformat(), "source": "self", "notes": "服务器 10 台"}
    return {**data, **overrides}


def test_customer_page_offers_to_open_a_deal_and_lists_its_deals(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    make_deal(customer=customer, title="第一单", amount="500")
    page = client_for(cast.sales1).get(customer.get_absolute_url()).content.decode()
    assert reverse("deals:deal-create", args=[customer.pk]) in page and "第一单" in page and "500.00" in page


def test_a_pool_customer_page_offers_no_deal_and_shows_no_money(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    make_deal(customer=customer, title="秘密单")
    customer.owner = None
    customer.save(update_fields=["owner"])
    Deal.objects.update(owner=None)
    page = client_for(cast.sales2).get(customer.get_absolute_url()).content.decode()
    assert "秘密单" not in page and reverse("deals:deal-create", args=[customer.pk]) not in page


def test_salesperson_opens_a_deal_from_the_customer_page(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    response = client_for(cast.sales1).post(reverse("deals:deal-create", args=[customer.pk]), _new_deal())
    deal = Deal.objects.get()
    assert response.status_code == 302 and response["Location"] == deal.get_absolute_url()
    assert (deal.owner, deal.amount, deal.probability) == (cast.sales1, Decimal("12000.50"), 10)


@pytest.mark.parametrize("field,value", [
    ("amount", "-1"), ("amount", "1000000000000"), ("amount", "1.234"), ("amount", "NaN"),
    ("expected_close_on", "9999-12-31"), ("expected_close_on", "2000-01-01"), ("title", "长" * 100_000),
    ("title", "abc\x00def"), ("title", ""), ("probability", "101"), ("stage", "999999"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_saved(cast, client_for, field, value):
    customer = CustomerFactory(owner=cast.sales1)
    response = client_for(cast.sales1).post(reverse("deals:deal-create", args=[customer.pk]), _new_deal(**{field: value}))
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not Deal.objects.exists()


def test_the_won_stage_cannot_open_a_deal(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    client_for(cast.sales1).post(reverse("deals:deal-create", args=[customer.pk]), _new_deal(stage=stage("won").pk))
    assert not Deal.objects.exists()


def test_another_groups_customer_is_a_404_even_in_the_form(cast, client_for):
    customer = CustomerFactory(owner=cast.sales2)
    response = client_for(cast.sales1).post(reverse("deals:deal-create", args=[customer.pk]), _new_deal())
    assert response.status_code == 404 and not Deal.objects.exists()


def test_editing_keeps_the_customer_salesperson_and_stage(cast, client_for):
    deal = make_deal(cast.sales1)
    other = CustomerFactory(owner=cast.sales2)
    response = client_for(cast.sales1).post(reverse("deals:deal-edit", args=[deal.pk]), _new_deal(
        title="改名", stage=stage("won").pk, customer=other.pk, owner=cast.sales2.pk, won_amount="1"))
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.title, deal.customer_id, deal.owner, deal.stage) == ("改名", deal.customer_id, cast.sales1, stage())
    assert deal.customer.owner == cast.sales1 and deal.won_amount is None


def test_the_board_moves_a_card_and_asks_details_for_won(cast, client_for):
    deal = make_deal(cast.sales1)
    client = client_for(cast.sales1)
    board = client.get(reverse("deals:deal-board")).content.decode()
    assert deal.title in board and f'id="move-{deal.pk}"' in board
    url = reverse("deals:deal-stage", args=[deal.pk])
    response = client.post(url, {"stage": stage(position=1).pk, "seen_stage": deal.stage_id, "back": "board"})
    assert response["Location"] == reverse("deals:deal-board")
    deal.refresh_from_db()
    assert deal.stage == stage(position=1)
    asked = client.post(url, {"stage": stage("won").pk, "seen_stage": deal.stage_id, "back": "board"})
    page = asked.content.decode()
    assert asked.status_code == 200 and 'name="won_amount"' in page and "invalid-feedback" not in page
    deal.refresh_from_db()
    assert deal.stage == stage(position=1)
    done = client.post(url, {"stage": stage("won").pk, "seen_stage": deal.stage_id, "won_amount": "8000",
                             "won_on": days(0).isoformat()})
    assert done.status_code == 302
    deal.refresh_from_db()
    assert deal.stage.kind == "won" and deal.won_amount == Decimal("8000")


def test_won_without_an_amount_is_refused_on_the_page(cast, client_for):
    deal = make_deal(cast.sales1)
    response = client_for(cast.sales1).post(reverse("deals:deal-stage", args=[deal.pk]), {
        "stage": stage("won").pk, "seen_stage": deal.stage_id, "won_amount": "", "won_on": ""})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == stage()


def test_lost_takes_a_reason_from_the_list(cast, client_for):
    deal = make_deal(cast.sales1)
    client_for(cast.sales1).post(reverse("deals:deal-stage", args=[deal.pk]), {
        "stage": stage("lost").pk, "seen_stage": deal.stage_id, "lost_reason": lost_reason().pk, "lost_note": "预算砍了"})
    deal.refresh_from_db()
    assert deal.stage.kind == "lost" and deal.lost_note == "预算砍了"


def test_a_card_moved_by_someone_else_meanwhile_is_not_moved_again(cast, client_for):
    deal = make_deal(cast.sales1)
    seen = deal.stage_id
    client_for(cast.sup1).post(reverse("deals:deal-stage", args=[deal.pk]), {"stage": stage(position=2).pk,
                                                                              "seen_stage": seen})
    response = client_for(cast.sales1).post(reverse("deals:deal-stage", args=[deal.pk]),
                                            {"stage": stage(position=1).pk, "seen_stage": seen}, follow=True)
    assert "meanwhile" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == stage(position=2)


def test_list_filters_by_owner_stage_close_window_amount_and_overdue(cast, client_for):
    small = make_deal(cast.sales1, title="小单", amount="100", expected_close_on=days(5))
    big = make_deal(cast.sales1b, title="大单", amount="90000", expected_close_on=days(60))
    late = make_deal(cast.sales1, title="逾期单", amount="500")
    Deal.objects.filter(pk=late.pk).update(expected_close_on=days(-2))
    client = client_for(cast.sup1)
    url = reverse("deals:deal-list")

    def titles(**params):
        page = client.get(url, params).content.decode()
        return {deal.title for deal in (small, big, late) if deal.title in page}

    assert titles() == {"小单", "大单", "逾期单"}
    assert titles(owner=cast.sales1b.pk) == {"大单"}
    assert titles(amount_min="1000") == {"大单"}
    assert titles(amount_max="1000") == {"小单", "逾期单"}
    assert titles(close_from=days(1).isoformat(), close_to=days(30).isoformat()) == {"小单"}
    assert titles(state="overdue") == {"逾期单"}
    assert titles(stage=stage("won").pk) == set()
    assert titles(group=cast.group1.pk, close_to="9999-12-31") == {"小单", "大单", "逾期单"}


def test_list_and_board_pin_their_query_counts(cast, client_for, django_assert_max_num_queries):
    for n in range(12):
        make_deal(cast.sales1 if n % 2 else cast.sales1b, title=f"单{n}")
    client = client_for(cast.sup1)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("deals:deal-list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("deals:deal-board")).status_code == 200


def test_payments_balance_and_overpayment_needs_confirmation(cast, client_for):
    deal = win(make_deal(cast.sales1), amount="1000")
    client = client_for(cast.sales1)
    client.post(reverse("deals:instalment-create", args=[deal.pk]),
                {"due_on": days(-1).isoformat(), "amount": "600", "note": "首付"})
    client.post(reverse("deals:payment-create", args=[deal.pk]),
                {"received_on": days(0).isoformat(), "amount": "400", "method": "transfer"})
    assert list(Instalment.objects.values_list("amount", flat=True)) == [Decimal("600")]
    overdue = client.get(reverse("deals:receivable-list")).content.decode()
    assert deal.title in overdue and "200.00" in overdue
    assert deal.title in client_for(cast.sup1).get(reverse("deals:receivable-list")).content.decode()
    assert deal.title not in client_for(cast.sup2).get(reverse("deals:receivable-list")).content.decode()
    refused = client.post(reverse("deals:payment-create", args=[deal.pk]),
                          {"received_on": days(0).isoformat(), "amount": "700", "method": "cash"})
    assert refused.status_code == 200 and Payment.objects.count() == 1
    client.post(reverse("deals:payment-create", args=[deal.pk]),
                {"received_on": days(0).isoformat(), "amount": "700", "method": "cash", "beyond_balance": "on"})
    assert Payment.objects.count() == 2
    detail = client.get(deal.get_absolute_url()).content.decode()
    assert "-100.00" in detail  # outstanding after a prepayment


def test_a_won_deal_with_payments_stays_won(cast, client_for):
    deal = win(make_deal(cast.sales1), amount="1000")
    Payment.objects.create(deal=deal, received_on=days(0), amount=Decimal("10"), created_by=cast.sales1)
    response = client_for(cast.sales1).post(reverse("deals:deal-stage", args=[deal.pk]),
                                            {"stage": stage().pk, "seen_stage": deal.stage_id})
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.stage.kind == "won"


def test_admin_edits_stages_and_the_last_won_stage_stays(cast, client_for):
    client = client_for(cast.admin)
    won = stage("won")
    response = client.post(reverse("deals:stage-edit", args=[won.pk]), {
        "name_zh": "赢单", "name_en": "Won", "order": "50", "probability": "100", "kind": "won"})
    assert response.status_code == 200 and Stage.objects.get(pk=won.pk).active
    client.post(reverse("deals:stage-create"), {"name_zh": "签合同", "name_en": "Contract", "order": "45",
                                                "probability": "90", "kind": "open", "active": "on"})
    assert Stage.objects.filter(name_en="Contract", probability=90).exists()
    make_deal(cast.sales1)
    first = stage()
    client.post(reverse("deals:stage-edit", args=[first.pk]), {
        "name_zh": first.name_zh, "name_en": first.name_en, "order": "10", "probability": "10", "kind": "won",
        "active": "on"})
    assert Stage.objects.get(pk=first.pk).kind == "open"


def test_a_chinese_deal_page_speaks_chinese(cast, client_for):
    deal = win(make_deal(cast.sales1), amount="1000")
    client = client_for(cast.sales1)
    for url in (reverse("deals:deal-list"), reverse("deals:deal-board"), deal.get_absolute_url(),
                reverse("deals:deal-stage", args=[deal.pk]), reverse("deals:payment-create", args=[deal.pk])):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
        assert "商机" in page, url
        text = re.sub(r"<[^>]*>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
        english = re.findall(r"[A-Za-z]{3,}", text)
        assert set(english) <= {"CRM", "English", "Group"}  # the cast's group names are data, (url, set(english))
