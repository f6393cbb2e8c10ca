"""Stages, the stage history, won and lost, and who may see which deal (issue 22, part 1)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from deals import policies, services
from deals.models import Deal, LostReason, Stage, StageChange
from tests.deals.deals_helpers import days, lose, make_deal, stage, win
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_company_starts_with_the_usual_stages_and_lost_reasons():
    stages = list(Stage.objects.order_by("order").values_list("name_zh", "name_en", "probability", "kind"))
    assert stages == [
        ("初步接洽", "Initial contact", 10, "open"), ("需求确认", "Needs confirmed", 30, "open"),
        ("方案报价", "Proposal and quote", 50, "open"), ("商务谈判", "Negotiation", 70, "open"),
        ("赢单", "Won", 100, "won"), ("输单", "Lost", 0, "lost"),
    ]
    assert LostReason.objects.filter(active=True).count() >= 5


def test_a_new_deal_belongs_to_the_customers_owner_with_the_stages_probability(cast):
    customer = CustomerFactory(owner=cast.sales1)
    deal = make_deal(customer=customer, by=cast.sup1, stage=stage(position=1))
    assert deal.owner == cast.sales1 and deal.created_by == cast.sup1
    assert deal.probability == 30
    assert list(deal.stage_changes.values_list("from_stage", "to_stage", "by")) == [(None, deal.stage_id, cast.sup1.pk)]


def test_a_probability_given_wins_over_the_stages_default(cast):
    assert make_deal(cast.sales1, probability=45).probability == 45


def test_nobody_opens_a_deal_on_a_pool_customer_or_someone_elses(cast):
    with pytest.raises(PermissionDenied):
        make_deal(customer=CustomerFactory(owner=None, created_by=cast.sales1), by=cast.sales1)
    with pytest.raises(PermissionDenied):
        make_deal(customer=CustomerFactory(owner=cast.sales2), by=cast.sales1)
    assert not Deal.objects.exists()


def test_a_new_deal_cannot_close_before_today(cast):
    with pytest.raises(ValidationError) as error:
        make_deal(cast.sales1, expected_close_on=days(-1))
    assert "expected_close_on" in error.value.error_dict


def test_every_stage_change_is_kept_with_who_and_when(cast):
    deal = make_deal(cast.sales1)
    services.deal_move(deal=deal, to_stage=stage(position=2), by=cast.sup1)
    win(deal, by=cast.sales1)
    history = list(StageChange.objects.filter(deal=deal).order_by("id").values_list("to_stage__kind", "by__username"))
    assert history == [("open", "sales1"), ("open", "sup1"), ("won", "sales1")]
    deal.refresh_from_db()
    assert deal.probability == 100 and deal.closed_at is not None and deal.won_amount == Decimal("9000.00")


def test_won_needs_the_signed_amount_and_date(cast):
    deal = make_deal(cast.sales1)
    with pytest.raises(ValidationError) as error:
        services.deal_move(deal=deal, to_stage=stage("won"), by=cast.sales1)
    assert {"won_amount", "won_on"} <= set(error.value.error_dict)
    with pytest.raises(ValidationError):
        win(deal, on=days(-3))  # before the deal was opened
    deal.refresh_from_db()
    assert deal.stage == stage() and deal.stage_changes.count() == 1


def test_lost_needs_a_reason_and_keeps_the_note(cast):
    deal = make_deal(cast.sales1)
    with pytest.raises(ValidationError):
        services.deal_move(deal=deal, to_stage=stage("lost"), by=cast.sales1)
    lose(deal)
    deal.refresh_from_db()
    assert deal.stage.kind == "lost" and deal.lost_reason is not None and deal.lost_note == "太贵"
    assert deal.probability == 0


def test_reopening_clears_the_closing_details(cast):
    deal = lose(make_deal(cast.sales1))
    services.deal_move(deal=deal, to_stage=stage(), by=cast.sales1)
    deal.refresh_from_db()
    assert deal.lost_reason is None and deal.closed_at is None and deal.probability == 10


def test_the_later_of_two_moves_of_the_same_card_is_told(cast):
    deal = make_deal(cast.sales1)
    seen = deal.stage_id
    services.deal_move(deal=deal, to_stage=stage(position=1), by=cast.sales1, seen_stage_id=seen)
    with pytest.raises(services.DealMoved):
        services.deal_move(deal=deal, to_stage=stage(position=3), by=cast.sup1, seen_stage_id=seen)
    deal.refresh_from_db()
    assert deal.stage == stage(position=1)


def test_the_database_refuses_a_negative_amount(cast):
    deal = make_deal(cast.sales1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deal.objects.filter(pk=deal.pk).update(amount=Decimal("-1"))


@pytest.mark.parametrize("who,sees", [
    ("sales1", {"sales1"}), ("sales1b", {"sales1b"}), ("sup1", {"sales1", "sales1b", "sup1"}),
    ("sup2", {"sales2"}), ("admin", {"sales1", "sales1b", "sales2", "sup1", None}), ("backup", set()),
])
def test_deals_are_scoped_like_customers(cast, who, sees):
    for name in ("sales1", "sales1b", "sales2", "sup1"):
        make_deal(getattr(cast, name), title=name)
    pooled = make_deal(cast.sales1, title="pooled")
    Deal.objects.filter(pk=pooled.pk).update(owner=None)
    user = getattr(cast, who)
    owners = {deal.owner.username if deal.owner else None for deal in policies.visible_deals(user)}
    assert owners == sees
    for deal in Deal.objects.all():
        if (deal.owner.username if deal.owner else None) in sees:
            assert policies.get_deal_for(user, deal.pk) == deal
        else:
            with pytest.raises(Http404):
                policies.get_deal_for(user, deal.pk)


def test_a_shared_customer_shows_no_deal(cast):
    from crm import services as crm_services

    customer = CustomerFactory(owner=cast.sales2)
    make_deal(customer=customer)
    crm_services.customer_share(customer=customer, colleague=cast.sales1, cofollow=True, by=cast.sales2)
    assert not policies.visible_deals(cast.sales1).exists()
    assert not policies.may_open_deal(cast.sales1, customer)
