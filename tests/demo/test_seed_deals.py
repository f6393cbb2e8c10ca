"""seed_demo's deals and payments (issue 22): about two deals and one payment per customer,
shaped like the product makes them, and not doubled by a second run."""

import pytest
from django.core.management import call_command

from deals import abc
from deals.models import Deal, Payment, StageChange

pytestmark = pytest.mark.django_db


def test_the_demo_company_has_deals_payments_and_revenue_classes():
    call_command("seed_demo", "--password", "pw-demo-1", "--groups", "2", "--salespeople", "4", "--customers", "200",
                 stdout=open("/dev/null", "w"))
    deals = Deal.objects.count()
    assert 300 <= deals <= 500  # about two per customer (random() in SQL: not seeded)
    assert StageChange.objects.count() == deals
    won = Deal.objects.filter(stage__kind="won")
    assert won.exists() and not won.filter(owner__isnull=True).exists() and not won.filter(won_on__isnull=True).exists()
    assert not Deal.objects.filter(stage__kind="open", customer__owner__isnull=True, owner__isnull=False).exists()
    assert not Deal.objects.filter(stage__kind="open", customer__owner__isnull=False, owner__isnull=True).exists()
    assert 0 < Payment.objects.count() <= 200  # one per customer at most, two per won deal
    assert abc.classify().classes["A"] > 0

    call_command("seed_demo", "--password", "pw-demo-1", "--groups", "2", "--salespeople", "4", "--customers", "200",
                 stdout=open("/dev/null", "w"))
    assert Deal.objects.count() == deals
