"""Notifications caused by hand-overs and shares, in the operation's own transaction."""

import pytest
from django.urls import reverse

from crm import ownership, services
from crm.models import Custody
from notifications.models import Kind, Notification
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_it_tells_the_receiver_once_per_hand_over_not_once_per_customer(cast):
    customers = [CustomerFactory(owner=cast.sales1b, name=f"客户{i}") for i in range(3)]
    ownership.move([c.pk for c in customers], to=cast.sales1, by=cast.sup1, reason=Custody.Reason.REASSIGNED)
    (notification,) = Notification.objects.filter(recipient=cast.sales1)
    assert notification.kind == Kind.HANDOVER
    assert notification.params["count"] == 3 and notification.params["by"] == cast.sup1.display_name
    assert notification.url == reverse("crm:customer-list")


def test_it_adds_later_moves_of_the_same_operation_to_the_same_notification(cast):
    first, second = CustomerFactory(owner=cast.sales1b), CustomerFactory(owner=cast.sales1b)
    ownership.move([first.pk], to=cast.sales1, by=cast.admin, reason=Custody.Reason.OFFBOARDED)
    ownership.move([second.pk], to=cast.sales1, by=cast.admin, reason=Custody.Reason.OFFBOARDED)
    (notification,) = Notification.objects.filter(recipient=cast.sales1)
    assert notification.params["count"] == 2


def test_one_customer_links_to_that_customer(cast):
    customer = CustomerFactory(owner=cast.sales1b)
    ownership.move([customer.pk], to=cast.sales1, by=cast.sup1, reason=Custody.Reason.REASSIGNED)
    assert Notification.objects.get(recipient=cast.sales1).url == customer.get_absolute_url()


def test_it_tells_nobody_of_the_pool_or_of_ones_own_claim(cast):
    customer = CustomerFactory(owner=cast.sales1)
    services.customer_give_up(customer=customer, reason="not interested", by=cast.sales1)
    customer.refresh_from_db()
    services.customer_claim(customer=customer, by=cast.sales1b)
    assert not Notification.objects.exists()


def test_a_supervisor_handing_out_a_pool_customer_tells_the_receiver(cast):
    customer = CustomerFactory(owner=None)
    services.customer_assign_from_pool(customer=customer, owner=cast.sales1, by=cast.sup1)
    assert Notification.objects.get(recipient=cast.sales1).params["count"] == 1


def test_it_tells_a_colleague_a_customer_was_shared_with_them(cast):
    customer = CustomerFactory(owner=cast.sales1, name="共享客户")
    services.customer_share(customer=customer, colleague=cast.sales1b, cofollow=True, by=cast.sales1)
    notification = Notification.objects.get(recipient=cast.sales1b)
    assert notification.kind == Kind.SHARED
    assert notification.params == {"customer": "共享客户", "owner": cast.sales1.display_name, "cofollow": True}
    assert notification.url == customer.get_absolute_url()
    assert not Notification.objects.exclude(recipient=cast.sales1b).exists()
