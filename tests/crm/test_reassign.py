"""Reassigning customers at any time from the customer list's bulk bar (issue 8; pool issue 5's
bulk move to the pool)."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, User
from crm import reassignment
from crm.models import Custody, Customer
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

BULK = reverse("crm:customer-bulk")


def _messages(client, response):
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


def test_supervisor_reassigns_ticked_customers_within_the_group(cast, client_for):
    mine = [CustomerFactory(owner=cast.sales1) for _ in range(3)]
    client = client_for(cast.sup1)
    response = client.post(BULK, {"action": "reassign", "target": cast.sales1b.pk, "customers": [c.pk for c in mine[:2]]})
    assert _messages(client, response) == ["2 customers now belong to 赵六."]
    assert Customer.objects.filter(owner=cast.sales1b).count() == 2
    assert Customer.objects.filter(owner=cast.sales1).count() == 1
    rows = Custody.objects.filter(reason="reassigned")
    assert {(r.from_owner_id, r.to_owner_id, r.actor_id) for r in rows} == {(cast.sales1.pk, cast.sales1b.pk, cast.sup1.pk)}
    event = AuditEvent.objects.get(action="customers.reassign")
    assert (event.actor, event.count) == (cast.sup1, 2)


def test_supervisor_cannot_touch_another_groups_customers(cast, client_for):
    theirs = CustomerFactory(owner=cast.sales2)
    client = client_for(cast.sup1)
    response = client.post(BULK, {"action": "pool", "customers": [theirs.pk]})
    assert "not yours to move" in _messages(client, response)[0]
    assert Customer.objects.get(pk=theirs.pk).owner == cast.sales2


def test_supervisor_cannot_reassign_to_someone_outside_their_groups(cast, client_for):
    mine = CustomerFactory(owner=cast.sales1)
    client = client_for(cast.sup1)
    response = client.post(BULK, {"action": "reassign", "target": cast.sales2.pk, "customers": [mine.pk]})
    assert "active salesperson or supervisor you manage" in _messages(client, response)[0]
    assert Customer.objects.get(pk=mine.pk).owner == cast.sales1


@pytest.mark.parametrize("receiver", ["backup", "deactivated"])
def test_nobody_reassigns_to_a_backup_operator_or_a_deactivated_person(cast, client_for, receiver):
    if receiver == "backup":
        target = cast.backup
    else:
        target = UserFactory(username="left", sales_group=cast.group1)
        User.objects.filter(pk=target.pk).update(is_active=False)
    customer = CustomerFactory(owner=cast.sales1)
    client = client_for(cast.admin)
    response = client.post(BULK, {"action": "reassign", "target": target.pk, "customers": [customer.pk]})
    assert "active salesperson or supervisor" in _messages(client, response)[0]
    assert Customer.objects.get(pk=customer.pk).owner == cast.sales1


def test_salesperson_has_no_bulk_bar_and_cannot_post_to_it(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    client = client_for(cast.sales1)
    assert 'id="bulk-form"' not in client.get(reverse("crm:customer-list")).content.decode()
    assert client.post(BULK, {"action": "pool", "customers": [customer.pk]}).status_code == 404
    assert Customer.objects.get(pk=customer.pk).owner == cast.sales1


def test_supervisor_sees_the_bulk_bar_with_only_their_people_as_targets(cast, client_for):
    CustomerFactory(owner=cast.sales1)
    page = client_for(cast.sup1).get(reverse("crm:customer-list"))
    targets = {pk for pk, _label in page.context["bulk_form"].target_choices()}
    assert targets == {cast.sup1.pk, cast.sales1.pk, cast.sales1b.pk}
    assert 'name="customers"' in page.content.decode()


def test_move_to_the_pool_in_bulk(cast, client_for):
    customers = [CustomerFactory(owner=cast.sales2) for _ in range(2)]
    client = client_for(cast.admin)
    response = client.post(BULK, {"action": "pool", "customers": [c.pk for c in customers]})
    assert _messages(client, response) == ["2 customers moved to the isolation pool."]
    assert Customer.objects.filter(owner__isnull=True, pooled_at__isnull=False).count() == 2
    assert Custody.objects.filter(reason="gave_up", actor=cast.admin).count() == 2


def test_all_of_one_persons_customers_matching_the_filter(cast, client_for):
    vips = [CustomerFactory(owner=cast.sales1, grade="vip") for _ in range(3)]
    normal = CustomerFactory(owner=cast.sales1, grade="normal")
    other = CustomerFactory(owner=cast.sales1b, grade="vip")
    client = client_for(cast.sup1)
    query = f"owner={cast.sales1.pk}&grade=vip"
    page = client.get(f"{reverse('crm:customer-list')}?{query}").content.decode()
    assert "all 3 of 张三's customers matching this filter" in page
    response = client.post(BULK, {"action": "reassign", "target": cast.sales1b.pk, "everything": "on", "filter": query})
    assert response["Location"].endswith(f"?owner={cast.sales1.pk}&grade=vip")
    assert set(Customer.objects.filter(owner=cast.sales1b).values_list("pk", flat=True)) == {c.pk for c in vips} | {other.pk}
    assert Customer.objects.get(pk=normal.pk).owner == cast.sales1


def test_everything_needs_a_salesperson_filter(cast, client_for):
    CustomerFactory(owner=cast.sales1)
    client = client_for(cast.admin)
    response = client.post(BULK, {"action": "pool", "everything": "on", "filter": "grade=vip"})
    assert "Filter the list by one salesperson" in _messages(client, response)[0]
    assert not Customer.objects.filter(owner__isnull=True).exists()


def test_the_targets_cap_is_respected(cast, client_for, settings):
    settings.POOL_MAX_OWNED = 2
    CustomerFactory(owner=cast.sales1b)
    mine = [CustomerFactory(owner=cast.sales1) for _ in range(2)]
    client = client_for(cast.sup1)
    response = client.post(BULK, {"action": "reassign", "target": cast.sales1b.pk, "customers": [c.pk for c in mine]})
    message = _messages(client, response)[0]
    assert "赵六 already holds 1 customers" in message and "room for 1" in message
    assert Customer.objects.filter(owner=cast.sales1).count() == 2
    assert not Custody.objects.filter(reason="reassigned").exists()


def test_a_receiver_deactivated_after_the_form_was_filled_gets_nothing(cast):
    customer = CustomerFactory(owner=cast.sales1)
    receiver = User.objects.get(pk=cast.sales1b.pk)  # the form's copy: still active
    User.objects.filter(pk=receiver.pk).update(is_active=False)
    with pytest.raises(reassignment.Refused, match="cannot receive customers"):
        reassignment.reassign(customers=Customer.objects.filter(pk=customer.pk), to=receiver, by=cast.sup1)
    assert Customer.objects.get(pk=customer.pk).owner == cast.sales1
