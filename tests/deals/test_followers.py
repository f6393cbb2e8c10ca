"""Open deals follow their customer through every change of owner; won and lost deals keep the
salesperson who closed them (issue 22: revenue statistics stay theirs)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from crm import reassignment
from crm import services as crm_services
from crm.models import Custody, Customer
from deals import policies
from deals.models import Deal
from staff import offboarding
from tests.deals.deals_helpers import lose, make_deal, win
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(cast):
    """One customer of sales1 with an open, a won and a lost deal."""
    customer = CustomerFactory(owner=cast.sales1)
    open_deal = make_deal(customer=customer, title="open")
    won = win(make_deal(customer=customer, title="won"))
    lost = lose(make_deal(customer=customer, title="lost"))
    return customer, open_deal, won, lost


def owners(*deals):
    return [Deal.objects.get(pk=deal.pk).owner for deal in deals]


def test_giving_up_leaves_open_deals_with_the_customer_in_the_pool(cast, three):
    customer, open_deal, won, lost = three
    crm_services.customer_give_up(customer=customer, reason="不需要了", by=cast.sales1)
    assert owners(open_deal, won, lost) == [None, cast.sales1, cast.sales1]
    assert not policies.visible_deals(cast.sales1).filter(pk=open_deal.pk).exists()
    assert policies.visible_deals(cast.admin).filter(pk=open_deal.pk).exists()


def test_whoever_claims_the_customer_gets_its_open_deals(cast, three):
    customer, open_deal, won, lost = three
    crm_services.customer_give_up(customer=customer, reason="不需要了", by=cast.sales1)
    crm_services.customer_claim(customer=customer, by=cast.sales2)
    assert owners(open_deal, won, lost) == [cast.sales2, cast.sales1, cast.sales1]
    assert list(policies.visible_deals(cast.sales2)) == [Deal.objects.get(pk=open_deal.pk)]


def test_handing_out_from_the_pool_moves_open_deals_too(cast, three):
    customer, open_deal, *_ = three
    crm_services.customer_give_up(customer=customer, reason="不需要了", by=cast.sales1)
    crm_services.customer_assign_from_pool(customer=customer, owner=cast.sales1b, by=cast.sup1)
    assert owners(open_deal) == [cast.sales1b]


def test_reassigning_moves_open_deals_only(cast, three):
    customer, open_deal, won, lost = three
    reassignment.reassign(customers=Customer.objects.filter(pk=customer.pk), to=cast.sales1b, by=cast.sup1)
    assert owners(open_deal, won, lost) == [cast.sales1b, cast.sales1, cast.sales1]


def test_offboarding_hands_open_deals_to_the_receiver(cast, three):
    customer, open_deal, won, lost = three
    offboarding.offboard(person=cast.sales1, by=cast.admin, mode=offboarding.ONE, receivers=[cast.sales1b])
    assert owners(open_deal, won, lost) == [cast.sales1b, cast.sales1, cast.sales1]


def test_offboarding_to_the_pool_leaves_open_deals_with_the_customer(cast, three):
    customer, open_deal, won, _lost = three
    offboarding.offboard(person=cast.sales1, by=cast.admin)
    assert owners(open_deal, won) == [None, cast.sales1]


def test_recycling_takes_open_deals_to_the_pool_with_their_customer(cast, three, settings):
    customer, open_deal, won, _lost = three
    settings.POOL_RECYCLE_DAYS_NORMAL = 90
    Customer.objects.filter(pk=customer.pk).update(
        created_at=timezone.now() - timedelta(days=200), last_contact_at=timezone.now() - timedelta(days=100))
    call_command("recycle_pool")
    assert Custody.objects.filter(customer=customer, reason=Custody.Reason.RECYCLED).exists()
    assert owners(open_deal, won) == [None, cast.sales1]


def test_other_customers_deals_stay_put(cast, three):
    customer, *_ = three
    other = make_deal(cast.sales1, title="other customer")
    crm_services.customer_give_up(customer=customer, reason="不需要了", by=cast.sales1)
    assert owners(other) == [cast.sales1]
