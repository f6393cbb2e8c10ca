"""Another group's deal never shows, and a forged post never reaches it: every deals URL (found
from the resolver) with the deal's, its customer's, its instalment's and its payment's ids in
every id slot, as every person who must not see it; and every deals form posted with extra
fields (owner, customer, stage, won amount, created_by...) changes only what the form shows."""

from decimal import Decimal

import pytest
from django.urls import reverse

from deals.models import Deal, Instalment, Payment
from tests.deals.deals_helpers import days, make_deal, stage, win
from tests.factories import CustomerFactory
from tests.security.resolver import url_patterns

pytestmark = pytest.mark.django_db
MARK = "Zq7DEALxW"


@pytest.fixture
def secret(cast):
    customer = CustomerFactory(owner=cast.sales2, name=f"客户{MARK}")
    deal = win(make_deal(customer=customer, title=f"单{MARK}", notes=f"notes {MARK}"), amount="1000")
    open_deal = make_deal(customer=customer, title=f"开{MARK}")
    instalment = Instalment.objects.create(deal=deal, due_on=days(-1), amount=Decimal("900"), note=MARK,
                                           created_by=cast.sales2)
    payment = Payment.objects.create(deal=deal, received_on=days(0), amount=Decimal("10"), note=MARK,
                                     created_by=cast.sales2)
    return [deal.pk, open_deal.pk, customer.pk, instalment.pk, payment.pk]


def test_another_groups_deal_never_shows(cast, client_for, secret):
    urls = []
    for name, args in url_patterns():
        if not name.startswith("deals:"):
            continue
        if not args:
            urls += [reverse(name), reverse(name) + f"?owner={cast.sales2.pk}&group={cast.group2.pk}&state=won"]
        else:
            urls += [reverse(name, kwargs={arg: pk for arg in args}) for pk in secret]
    for person in (cast.sales1, cast.sales1b, cast.sup1, cast.backup, cast.sales2b):
        client = client_for(person)
        for url in urls:
            response = client.get(url)
            assert MARK not in response.content.decode(), (person.username, url)
            assert response.status_code in (200, 403, 404), (person.username, url)


def forged(cast, other_deal, other_customer):
    return {"owner": cast.sales2.pk, "owner_id": cast.sales2.pk, "customer": other_customer.pk,
            "customer_id": other_customer.pk, "created_by": cast.sales2.pk, "won_amount": "1", "won_on": "2000-01-01",
            "closed_at": "2000-01-01 00:00", "created_at": "2000-01-01 00:00", "deal": other_deal.pk,
            "stage_id": stage("won").pk, "lost_reason": "1", "id": 999999, "pk": 999999}


def test_extra_fields_in_a_deal_post_change_nothing_they_should_not(cast, client_for):
    other = make_deal(cast.sales2, title="别人的单")
    mine = make_deal(cast.sales1)
    won = win(make_deal(cast.sales1, title="赢"), amount="1000")
    extra = forged(cast, other, other.customer)
    client = client_for(cast.sales1)
    client.post(reverse("deals:deal-edit", args=[mine.pk]), {
        **extra, "title": "改", "amount": "5", "probability": "20", "expected_close_on": "", "source": "", "notes": ""})
    mine.refresh_from_db()
    assert (mine.title, mine.owner, mine.customer.owner, mine.stage, mine.won_amount) == (
        "改", cast.sales1, cast.sales1, stage(), None)
    client.post(reverse("deals:deal-create", args=[mine.customer_id]), {
        **extra, "title": "新", "amount": "5", "stage": stage().pk})
    new = Deal.objects.get(title="新")
    assert (new.owner, new.customer_id, new.created_by, new.won_amount, new.closed_at) == (
        cast.sales1, mine.customer_id, cast.sales1, None, None)
    client.post(reverse("deals:payment-create", args=[won.pk]), {
        **extra, "received_on": days(0).isoformat(), "amount": "5", "method": "cash"})
    assert list(Payment.objects.values_list("deal_id", "created_by_id")) == [(won.pk, cast.sales1.pk)]
    other.refresh_from_db()
    assert (other.title, other.owner, other.stage) == ("别人的单", cast.sales2, stage())


def test_another_groups_deal_id_in_a_hidden_field_moves_nothing(cast, client_for):
    other = make_deal(cast.sales2)
    mine = make_deal(cast.sales1)
    client_for(cast.sales1).post(reverse("deals:deal-stage", args=[mine.pk]), {
        "stage": stage(position=1).pk, "seen_stage": mine.stage_id, "deal": other.pk, "pk": other.pk})
    other.refresh_from_db()
    assert other.stage == stage() and other.stage_changes.count() == 1
