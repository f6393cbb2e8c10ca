"""What every change of owner does, whichever path it takes (crm.ownership; issues 19.4, 19.5, 21.2)."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from crm import ownership, reassignment, services
from crm.models import Custody, Customer
from staff import offboarding
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _gone(user):
    User.objects.filter(pk=user.pk).update(is_active=False, departed_at=timezone.now())
    user.refresh_from_db()
    return user


# --- Key customers: one rule -----------------------------------------------------------------------


def _key_customer(cast):
    customer = CustomerFactory(owner=cast.sales1)
    services.customer_set_locked(customer=customer, locked=True, by=cast.sup1)
    return customer


@pytest.mark.parametrize("way", ["give up", "bulk move to the pool", "offboarding"])
def test_a_key_customer_entering_the_pool_is_no_longer_a_key_customer(cast, client_for, way):
    customer = _key_customer(cast)
    if way == "give up":
        client_for(cast.sales1).post(reverse("crm:customer-give-up", args=[customer.pk]), {"reason": "no_need"})
    elif way == "bulk move to the pool":
        reassignment.reassign(customers=Customer.objects.filter(pk=customer.pk), to=None, by=cast.sup1)
    else:
        offboarding.offboard(person=cast.sales1, by=cast.admin)
    customer.refresh_from_db()
    assert customer.owner is None and not customer.locked
    page = client_for(cast.sales2).get(customer.get_absolute_url()).content.decode()
    assert "Key customer" not in page and "Claim" in page


@pytest.mark.parametrize("way", ["reassign", "offboarding to a colleague"])
def test_a_key_customer_handed_to_a_colleague_stays_a_key_customer(cast, way):
    customer = _key_customer(cast)
    if way == "reassign":
        reassignment.reassign(customers=Customer.objects.filter(pk=customer.pk), to=cast.sales1b, by=cast.sup1)
    else:
        offboarding.offboard(person=cast.sales1, by=cast.admin, mode=offboarding.ONE, receivers=[cast.sales1b])
    customer.refresh_from_db()
    assert customer.owner == cast.sales1b and customer.locked


# --- Receivers who have left ------------------------------------------------------------------------


def test_nothing_gives_a_customer_to_someone_who_has_left(cast, customers):
    gone = _gone(cast.sales2b)
    message = "钱七 has left the company: customers cannot go to them."
    with pytest.raises(services.ClaimRefused, match=message):
        services.customer_claim(customer=customers.pool, by=gone)
    with pytest.raises(services.ClaimRefused, match=message):
        services.customer_assign_from_pool(customer=customers.pool, owner=gone, by=cast.sup2)
    with pytest.raises(ownership.Refused, match=message):
        services.customer_create(data={"name": "新客户"}, owner=gone, by=cast.sup2)
    with pytest.raises(ownership.Refused, match=message):
        ownership.move([customers.own.pk], to=gone, reason=Custody.Reason.REASSIGNED, by=cast.admin)
    assert not Customer.objects.filter(owner=gone).exists()
    assert Customer.objects.get(pk=customers.pool.pk).owner is None
    assert not Custody.objects.exists()


def test_a_backup_operator_never_holds_customers(cast, customers):
    with pytest.raises(ownership.Refused, match="only salespeople, supervisors and admins"):
        ownership.move([customers.pool.pk], to=cast.backup, reason=Custody.Reason.REASSIGNED, by=cast.admin,
                       from_pool=True)
    assert Customer.objects.get(pk=customers.pool.pk).owner is None


def test_an_import_for_someone_who_has_left_imports_nothing_and_says_why(cast, tmp_path):
    from tests.transfers.importexport_helpers import csv_bytes
    from transfers import services as import_services

    path = tmp_path / "customers.csv"
    path.write_bytes(csv_bytes([["Name"], ["甲"], ["乙"]]))
    gone = _gone(cast.sales1)
    with pytest.raises(import_services.ImportRejected, match="张三 has left the company"):
        import_services.customers_import(path=path, name=path.name, owner=gone, by=cast.sup1)
    assert not Customer.objects.exists()


# --- Custody order (19.5) ----------------------------------------------------------------------------


def test_probation_reads_the_latest_custody_row_by_commit_order_not_by_clock(cast, settings):
    """Two app servers' clocks may disagree by a few milliseconds: a claim committed after a
    give-up but stamped before it is still the latest change, and probation still applies."""
    settings.POOL_CLAIM_PROBATION_HOURS = 72
    customer = CustomerFactory(owner=cast.sales1)
    services.customer_give_up(customer=customer, reason="不需要了", by=cast.sales1)
    services.customer_claim(customer=customer, by=cast.sales2)
    long_ago = timezone.now() - timedelta(hours=80)
    Custody.objects.filter(customer=customer, reason=Custody.Reason.GAVE_UP).update(created_at=long_ago)
    Custody.objects.filter(customer=customer, reason=Custody.Reason.CLAIMED).update(
        created_at=long_ago - timedelta(milliseconds=11))
    assert services.pool_recycle()["probation"] == 1
    assert Customer.objects.get(pk=customer.pk).owner is None


def test_custody_rows_are_stamped_after_the_locks_in_commit_order(cast):
    customer = CustomerFactory(owner=cast.sales1)
    services.customer_give_up(customer=customer, reason="换人跟进", by=cast.sales1)
    services.customer_claim(customer=customer, by=cast.sales2)
    reassignment.reassign(customers=Customer.objects.filter(pk=customer.pk), to=cast.sales2b, by=cast.sup2)
    rows = list(Custody.objects.filter(customer=customer).order_by("id"))
    assert [row.reason for row in rows] == [Custody.Reason.GAVE_UP, Custody.Reason.CLAIMED, Custody.Reason.REASSIGNED]
    assert rows[0].created_at <= rows[1].created_at <= rows[2].created_at


# --- Offboarding again, and the nightly check (19.4) -------------------------------------------------


def test_offboarding_someone_already_gone_sweeps_what_they_still_hold(cast, client_for):
    """An account deactivated while still holding customers (as an earlier version allowed) can
    be offboarded again; the day they left stays."""
    left = timezone.now() - timedelta(days=3)
    held = [CustomerFactory(owner=cast.sales1) for _ in range(2)]
    User.objects.filter(pk=cast.sales1.pk).update(is_active=False, departed_at=left)
    client = client_for(cast.admin)
    detail = client.get(reverse("staff:user-detail", args=[cast.sales1.pk])).content.decode()
    assert reverse("staff:user-offboard", args=[cast.sales1.pk]) in detail
    page = client.get(reverse("staff:user-offboard", args=[cast.sales1.pk]))
    assert page.status_code == 200 and page.context["refusal"] is None
    response = client.post(reverse("staff:user-offboard", args=[cast.sales1.pk]),
                           {"expected_customers": 2, "mode": "one", "colleague": cast.sales1b.pk, "confirm": "1"})
    assert response.status_code == 302
    owners = Customer.objects.filter(pk__in=[c.pk for c in held]).values_list("owner_id", flat=True)
    assert set(owners) == {cast.sales1b.pk}
    assert User.objects.get(pk=cast.sales1.pk).departed_at == left


def test_check_custody_moves_customers_of_people_who_left_to_the_pool(cast):
    held = [CustomerFactory(owner=cast.sales1) for _ in range(3)]
    kept = CustomerFactory(owner=cast.sales1b)
    for customer in [*held, kept]:
        Custody.objects.create(customer=customer, to_owner=customer.owner, actor=customer.owner,
                               reason=Custody.Reason.CREATED, created_at=timezone.now())
    _gone(cast.sales1)
    key = Customer.objects.filter(pk=held[0].pk)
    key.update(locked=True)

    call_command("check_custody")
    assert not Customer.objects.filter(owner=cast.sales1).exists()
    assert Customer.objects.get(pk=kept.pk).owner == cast.sales1b
    moved = Custody.objects.filter(reason=Custody.Reason.OFFBOARDED, from_owner=cast.sales1, to_owner=None, actor=None)
    assert moved.count() == 3 and all("张三" in row.note for row in moved)
    assert not key.get().locked
    event = AuditEvent.objects.get(action="customers.to_pool")
    assert event.actor is None and event.count == 3 and "张三" in event.summary

    call_command("check_custody")  # nothing more to do
    assert Custody.objects.filter(reason=Custody.Reason.OFFBOARDED).count() == 3


def test_check_custody_reports_owners_their_custody_does_not_explain(cast, capsys):
    explained, unexplained = CustomerFactory(owner=cast.sales1), CustomerFactory(owner=cast.sales2)
    for customer in (explained, unexplained):  # both rows say sales1 received them
        Custody.objects.create(customer=customer, to_owner=cast.sales1, reason=Custody.Reason.CREATED,
                               created_at=timezone.now())
    with pytest.raises(CommandError, match="1 customers have an owner their custody history does not explain"):
        call_command("check_custody")
    output = capsys.readouterr().out
    assert (f"{unexplained.number} (id {unexplained.pk}): owner {cast.sales2.pk}, "
            f"latest custody row: {cast.sales1.pk}") in output
    assert explained.number not in output
