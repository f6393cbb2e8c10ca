"""A customer with an open complaint is not recycled to the pool (crm.holds), by a real run of
recycle_pool: neither for neglect nor for claim probation; once closed, it is."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints import services
from crm import selectors
from crm import services as crm_services
from crm.models import Custody, Customer
from tests.complaints.helpers import log
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _neglected(owner, days=400):
    return CustomerFactory(owner=owner, created_at=timezone.now() - timedelta(days=days), last_contact_at=None)


def test_recycling_skips_a_customer_with_an_open_complaint(cast, capsys):
    held, resolved, free = _neglected(cast.sales1), _neglected(cast.sales1), _neglected(cast.sales1)
    log(customer=held, by=cast.sales1)
    complaint = services.complaint_move(complaint=log(customer=resolved, by=cast.sales1), to_state="resolved",
                                        by=cast.sales1)  # resolved, not yet closed: still open
    assert {c.pk for c in selectors.recycle_soon(cast.sales1, limit=None)} == {free.pk}
    call_command("recycle_pool")
    assert "Recycled 1 customers" in capsys.readouterr().out
    assert list(Customer.objects.filter(owner__isnull=True).values_list("pk", flat=True)) == [free.pk]
    services.complaint_move(complaint=complaint, to_state="closed", by=cast.sales1)
    call_command("recycle_pool")
    assert Customer.objects.get(pk=resolved.pk).owner is None
    assert Customer.objects.get(pk=held.pk).owner == cast.sales1


def test_claim_probation_skips_a_customer_with_an_open_complaint(cast, settings):
    settings.POOL_CLAIM_PROBATION_HOURS = 72
    pooled = []
    for _ in range(2):
        customer = CustomerFactory(owner=cast.sales2)
        crm_services.customer_give_up(customer=customer, reason="no need", by=cast.sales2)
        crm_services.customer_claim(customer=Customer.objects.get(pk=customer.pk), by=cast.sales1)
        pooled.append(customer)
    Custody.objects.filter(reason=Custody.Reason.CLAIMED).update(created_at=timezone.now() - timedelta(hours=80))
    log(customer=Customer.objects.get(pk=pooled[0].pk), by=cast.sales1)
    assert [c.pk for c in selectors.probation_soon(within_days=3)] == [pooled[1].pk]
    assert crm_services.pool_recycle()["probation"] == 1
    assert Customer.objects.get(pk=pooled[0].pk).owner == cast.sales1
    assert Customer.objects.get(pk=pooled[1].pk).owner is None
