"""The isolation pool: browse, claim fairly and atomically, hand out, recycle neglected customers."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from crm import ownership, services
from crm.models import Custody, Customer
from tests.factories import CustomerFactory


def _pooled(*, by, days_ago=0, **fields):
    """A customer `by` gave up `days_ago` days ago, through the service."""
    customer = CustomerFactory(owner=by, **fields)
    services.customer_give_up(customer=customer, reason="no need", by=by)
    if days_ago:
        when = timezone.now() - timedelta(days=days_ago)
        Customer.objects.filter(pk=customer.pk).update(pooled_at=when)
        Custody.objects.filter(customer=customer).update(created_at=when)
    return Customer.objects.get(pk=customer.pk)


def _claim(customer, user):
    return services.customer_claim(customer=customer, by=user)


# --- The pool page ---------------------------------------------------------------------------


def test_salesperson_can_browse_the_pool_with_full_details(cast, client_for, customers):
    pooled = _pooled(by=cast.sales2, address="深圳南山", industry="电子")
    response = client_for(cast.sales1).get(reverse("crm:pool-list"))
    assert response.status_code == 200
    page = list(response.context["page_obj"])
    assert {c.pk for c in page} == {customers.pool.pk, pooled.pk}  # owned customers are not in the pool
    html = response.content.decode()
    for text in ["深圳南山", "电子", "no need", "李四"]:
        assert text in html


def test_backup_operator_cannot_browse_the_pool(cast, client_for):
    assert client_for(cast.backup).get(reverse("crm:pool-list")).status_code == 404


@pytest.mark.parametrize("window, shown", [
    ("day", {"today"}),
    ("3days", {"today", "two_days"}),
    ("week", {"today", "two_days", "five_days"}),
    ("month", {"today", "two_days", "five_days", "twenty_days"}),
    ("year", {"today", "two_days", "five_days", "twenty_days", "half_year"}),
    ("", {"today", "two_days", "five_days", "twenty_days", "half_year", "two_years"}),
])
def test_it_windows_the_pool_by_time_in_it(cast, client_for, window, shown):
    ages = {"today": 0, "two_days": 2, "five_days": 5, "twenty_days": 20, "half_year": 180, "two_years": 700}
    made = {name: _pooled(by=cast.sales2, days_ago=days, name=name) for name, days in ages.items()}
    response = client_for(cast.sales1).get(reverse("crm:pool-list"), {"window": window})
    assert {c.name for c in response.context["page_obj"]} == shown
    assert set(made) >= shown


def test_it_takes_a_custom_window(cast, client_for):
    _pooled(by=cast.sales2, days_ago=10, name="ten")
    _pooled(by=cast.sales2, days_ago=40, name="forty")
    start = (timezone.localdate() - timedelta(days=15)).isoformat()
    end = (timezone.localdate() - timedelta(days=5)).isoformat()
    response = client_for(cast.sales1).get(reverse("crm:pool-list"), {"window": "custom", "date_from": start, "date_to": end})
    assert [c.name for c in response.context["page_obj"]] == ["ten"]


def test_dates_typed_in_choose_a_custom_window_whatever_window_was_on(cast, client_for):
    _pooled(by=cast.sales2, days_ago=10, name="ten")
    _pooled(by=cast.sales2, days_ago=1, name="one")
    start = (timezone.localdate() - timedelta(days=15)).isoformat()
    end = (timezone.localdate() - timedelta(days=5)).isoformat()
    for window in ("", "week"):
        response = client_for(cast.sales1).get(reverse("crm:pool-list"), {"window": window, "date_from": start, "date_to": end})
        assert [c.name for c in response.context["page_obj"]] == ["ten"]


def test_a_reversed_custom_window_is_explained(cast, client_for):
    response = client_for(cast.sales1).get(reverse("crm:pool-list"), {"date_from": "2026-05-10", "date_to": "2026-05-01"}, follow=True)
    assert response.status_code == 200
    assert "before its start" in response.content.decode()


def test_it_filters_the_pool_by_search_grade_source_industry_and_previous_owner(cast, client_for):
    _pooled(by=cast.sales2, name="甲", grade="vip", source="referral", industry="化工")
    _pooled(by=cast.sales1b, name="乙", company="宏达", industry="电子")
    client = client_for(cast.sales1)
    names = lambda **params: {c.name for c in client.get(reverse("crm:pool-list"), params).context["page_obj"]}  # noqa: E731
    assert names(grade="vip") == {"甲"}
    assert names(source="referral") == {"甲"}
    assert names(industry="电子") == {"乙"}
    assert names(q="宏达") == {"乙"}
    assert names(previous_owner=cast.sales1b.pk) == {"乙"}
    assert names(previous_owner=cast.sales1.pk) == set()
    assert names(type="intention") == {"甲", "乙"}


def test_previous_owner_is_whoever_let_the_customer_go_last(cast, client_for):
    customer = _pooled(by=cast.sales2, name="丙")
    _claim(customer, cast.sales1b)
    services.customer_give_up(customer=Customer.objects.get(pk=customer.pk), reason="again", by=cast.sales1b)
    client = client_for(cast.sales1)
    shown = lambda owner: [c.name for c in client.get(reverse("crm:pool-list"), {"previous_owner": owner.pk}).context["page_obj"]]  # noqa: E731
    assert shown(cast.sales1b) == ["丙"]
    assert shown(cast.sales2) == []


QUERIES = 7  # the same for 1 row or 100: never one query per row


def test_pool_page_runs_a_constant_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for i in range(12):
        _pooled(by=cast.sales2 if i % 2 else cast.sales1b)
    client = client_for(cast.sales1)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(reverse("crm:pool-list"), {"per_page": 20})
    assert len(response.context["customers"]) == 12
    assert {c.previous_owner for c in response.context["customers"]} == {cast.sales2, cast.sales1b}


# --- Claiming ----------------------------------------------------------------------------------


def test_salesperson_can_claim_a_pool_customer(cast, client_for):
    pooled = _pooled(by=cast.sales2, days_ago=30)
    response = client_for(cast.sales1).post(reverse("crm:pool-claim", args=[pooled.pk]))
    assert response.status_code == 302
    pooled.refresh_from_db()
    assert pooled.owner == cast.sales1 and pooled.pooled_at is None and pooled.pool_reason == ""
    assert pooled.next_contact_on is not None
    row = Custody.objects.get(customer=pooled, reason=Custody.Reason.CLAIMED)
    assert (row.from_owner, row.to_owner, row.actor) == (None, cast.sales1, cast.sales1)


def test_customer_page_offers_claim_only_for_pool_customers(cast, client_for, customers):
    client = client_for(cast.sales1)
    assert client.get(reverse("crm:customer-detail", args=[customers.pool.pk])).context["can_claim"]
    assert not client.get(reverse("crm:customer-detail", args=[customers.own.pk])).context["can_claim"]


def test_salesperson_cannot_claim_an_owned_customer(cast, client_for, customers):
    client = client_for(cast.sales1)
    assert client.post(reverse("crm:pool-claim", args=[customers.own.pk])).status_code == 403
    assert client.post(reverse("crm:pool-claim", args=[customers.other_group.pk])).status_code == 404
    assert Customer.objects.get(pk=customers.other_group.pk).owner == cast.sales2
    assert not Custody.objects.filter(reason=Custody.Reason.CLAIMED).exists()


def test_it_tells_the_second_claimer_it_was_already_claimed(cast, customers):
    stale = Customer.objects.get(pk=customers.pool.pk)
    _claim(customers.pool, cast.sales1)
    with pytest.raises(services.ClaimRefused, match="already claimed by someone else"):
        _claim(stale, cast.sales2)
    assert Customer.objects.get(pk=stale.pk).owner == cast.sales1
    assert Custody.objects.filter(customer=stale, reason=Custody.Reason.CLAIMED).count() == 1


@pytest.mark.parametrize("loser", ["sales1b", "sales2"])
def test_the_loser_of_a_claim_sees_the_message_and_nothing_changes(cast, client_for, customers, loser):
    _claim(customers.pool, cast.sales1)
    # The loser clicked "Claim" on a page loaded while the customer was still in the pool,
    # whether or not they may see the winner's customers.
    response = client_for(getattr(cast, loser)).post(reverse("crm:pool-claim", args=[customers.pool.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("crm:pool-list")
    assert "already claimed by someone else" in response.content.decode()
    assert Customer.objects.get(pk=customers.pool.pk).owner == cast.sales1
    assert Custody.objects.filter(customer=customers.pool, reason=Custody.Reason.CLAIMED).count() == 1


def test_a_customer_claimed_long_ago_is_no_longer_claimable(cast, client_for, customers):
    _claim(customers.pool, cast.sales1)
    Custody.objects.filter(reason=Custody.Reason.CLAIMED).update(created_at=timezone.now() - timedelta(hours=2))
    assert client_for(cast.sales2).post(reverse("crm:pool-claim", args=[customers.pool.pk])).status_code == 404
    assert client_for(cast.sales1).post(reverse("crm:pool-claim", args=[customers.pool.pk])).status_code == 403


def test_daily_claim_limit_bites_at_its_boundary(cast, settings):
    settings.POOL_DAILY_CLAIM_LIMIT = 2
    first, second, third = (_pooled(by=cast.sales2) for _ in range(3))
    _claim(first, cast.sales1)
    _claim(second, cast.sales1)  # the limit itself is allowed
    with pytest.raises(services.ClaimRefused, match="daily limit"):
        _claim(third, cast.sales1)
    assert Customer.objects.get(pk=third.pk).owner is None
    _claim(third, cast.sales1b)  # the limit is per person


def test_claims_from_yesterday_do_not_count_today(cast, settings):
    settings.POOL_DAILY_CLAIM_LIMIT = 1
    first, second = _pooled(by=cast.sales2), _pooled(by=cast.sales2)
    _claim(first, cast.sales1)
    Custody.objects.filter(reason=Custody.Reason.CLAIMED).update(created_at=timezone.now() - timedelta(days=1, hours=1))
    _claim(second, cast.sales1)


def test_ownership_cap_bites_at_its_boundary(cast, settings):
    settings.POOL_MAX_OWNED = 2
    CustomerFactory(owner=cast.sales1)
    first, second = _pooled(by=cast.sales2), _pooled(by=cast.sales2)
    _claim(first, cast.sales1)  # owning 1 of 2: may claim the second
    with pytest.raises(services.ClaimRefused, match="most one salesperson may hold"):
        _claim(second, cast.sales1)
    assert Customer.objects.get(pk=second.pk).owner is None


def test_whoever_gave_a_customer_up_waits_before_claiming_it_back(cast, settings):
    settings.POOL_RECLAIM_WAIT_DAYS = 7
    recent = _pooled(by=cast.sales1, days_ago=6)
    with pytest.raises(services.ClaimRefused, match="may claim it back from"):
        _claim(recent, cast.sales1)
    assert Customer.objects.get(pk=recent.pk).owner is None
    _claim(recent, cast.sales1b)  # anyone else may claim it at once


def test_the_reclaim_wait_ends_after_the_set_days(cast, settings):
    settings.POOL_RECLAIM_WAIT_DAYS = 7
    _claim(_pooled(by=cast.sales1, days_ago=7), cast.sales1)


def test_a_refused_claim_shows_its_reason_on_the_pool_page(cast, client_for, settings):
    settings.POOL_DAILY_CLAIM_LIMIT = 0
    pooled = _pooled(by=cast.sales2)
    response = client_for(cast.sales1).post(reverse("crm:pool-claim", args=[pooled.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("crm:pool-list")
    assert "daily limit" in response.content.decode()
    assert Customer.objects.get(pk=pooled.pk).owner is None


@pytest.mark.django_db(transaction=True)
def test_it_gives_a_customer_to_exactly_one_of_many_simultaneous_claimers():
    from accounts.models import User
    from tests.factories import UserFactory

    people = [UserFactory(username=f"racer{i}", role=User.Role.SALESPERSON) for i in range(16)]
    customer = CustomerFactory(owner=None, created_by=None)
    barrier = threading.Barrier(len(people))
    outcomes, errors = [], []

    def claim(user):
        try:
            barrier.wait()
            _claim(Customer.objects.get(pk=customer.pk), user)
            outcomes.append("won")
        except services.ClaimRefused as refused:
            outcomes.append(refused.message)
        except Exception as error:  # noqa: BLE001 - any other error fails the test below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert outcomes.count("won") == 1
    assert len([o for o in outcomes if "already claimed by someone else" in o]) == len(people) - 1
    assert Custody.objects.filter(customer=customer, reason=Custody.Reason.CLAIMED).count() == 1
    winner = Custody.objects.get(customer=customer, reason=Custody.Reason.CLAIMED).to_owner
    assert Customer.objects.get(pk=customer.pk).owner == winner


# --- Assigning ---------------------------------------------------------------------------------


def test_supervisor_can_assign_a_pool_customer_to_their_salesperson(cast, client_for, customers):
    response = client_for(cast.sup1).post(reverse("crm:pool-assign", args=[customers.pool.pk]), {"owner": cast.sales1b.pk})
    assert response.status_code == 302
    assert Customer.objects.get(pk=customers.pool.pk).owner == cast.sales1b
    row = Custody.objects.get(customer=customers.pool, reason=Custody.Reason.REASSIGNED)
    assert (row.to_owner, row.actor) == (cast.sales1b, cast.sup1)


def test_supervisor_cannot_assign_to_another_group(cast, client_for, customers):
    client_for(cast.sup1).post(reverse("crm:pool-assign", args=[customers.pool.pk]), {"owner": cast.sales2.pk})
    assert Customer.objects.get(pk=customers.pool.pk).owner is None
    assert not Custody.objects.filter(reason=Custody.Reason.REASSIGNED).exists()


def test_admin_can_assign_to_anyone(cast, client_for, customers):
    client_for(cast.admin).post(reverse("crm:pool-assign", args=[customers.pool.pk]), {"owner": cast.sales2.pk})
    assert Customer.objects.get(pk=customers.pool.pk).owner == cast.sales2


def test_supervisor_assigning_a_just_claimed_customer_is_told_so(cast, client_for, customers):
    _claim(customers.pool, cast.sales2)
    response = client_for(cast.sup1).post(
        reverse("crm:pool-assign", args=[customers.pool.pk]), {"owner": cast.sales1b.pk}, follow=True
    )
    assert "already claimed by someone else" in response.content.decode()
    assert Customer.objects.get(pk=customers.pool.pk).owner == cast.sales2


def test_salesperson_cannot_assign(cast, client_for, customers):
    response = client_for(cast.sales1).post(reverse("crm:pool-assign", args=[customers.pool.pk]), {"owner": cast.sales1.pk})
    assert response.status_code == 403
    assert Customer.objects.get(pk=customers.pool.pk).owner is None


# --- Recycling ---------------------------------------------------------------------------------


def _owned(owner, *, grade="normal", contacted_days_ago=None, created_days_ago=0):
    now = timezone.now()
    return CustomerFactory(
        owner=owner, grade=grade, created_at=now - timedelta(days=created_days_ago),
        last_contact_at=None if contacted_days_ago is None else now - timedelta(days=contacted_days_ago),
    )


def test_recycle_returns_neglected_customers_by_grade(cast, settings, capsys):
    settings.POOL_RECYCLE_DAYS_NORMAL, settings.POOL_RECYCLE_DAYS_VIP = 90, 180
    normal_old = _owned(cast.sales1, contacted_days_ago=91)
    normal_fresh = _owned(cast.sales1, contacted_days_ago=89)
    vip_mid = _owned(cast.sales1, grade="vip", contacted_days_ago=120)
    vip_old = _owned(cast.sales2, grade="vip", contacted_days_ago=181)
    never_contacted_old = _owned(cast.sales1, created_days_ago=100)
    never_contacted_new = _owned(cast.sales1, created_days_ago=10)
    call_command("recycle_pool")
    assert "Recycled 3 customers" in capsys.readouterr().out
    recycled = set(Customer.objects.filter(owner__isnull=True).values_list("pk", flat=True))
    assert recycled == {normal_old.pk, vip_old.pk, never_contacted_old.pk}
    assert {normal_fresh.pk, vip_mid.pk, never_contacted_new.pk}.isdisjoint(recycled)
    row = Custody.objects.get(customer=vip_old, reason=Custody.Reason.RECYCLED)
    assert row.from_owner == cast.sales2 and row.to_owner is None
    vip_old.refresh_from_db()
    assert vip_old.pooled_at is not None and "180" in vip_old.pool_reason


def test_recycle_twice_in_a_row_does_nothing_more(cast, capsys):
    _owned(cast.sales1, contacted_days_ago=400)
    call_command("recycle_pool")
    call_command("recycle_pool")
    assert "Recycled 0 customers" in capsys.readouterr().out.splitlines()[-1]
    assert Custody.objects.filter(reason=Custody.Reason.RECYCLED).count() == 1


def test_a_recycle_leaves_the_planner_counting_the_pool_it_filled(cast):
    """The recycle analyses what it rewrote: right after it, PostgreSQL's statistics know that
    these customers are in the pool (no owner), so the first pool search is planned on them."""
    for _ in range(4):
        _owned(cast.sales1, contacted_days_ago=400)
    assert services.pool_recycle()["normal"] == 4
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT null_frac FROM pg_stats WHERE schemaname = current_schema()"
                       " AND tablename = 'crm_customer' AND attname = 'owner_id'")
        assert cursor.fetchone() == (1.0,)


@pytest.mark.django_db(transaction=True)
def test_recycle_in_parallel_batches_moves_each_due_customer_once(cast, monkeypatch):
    """Two connections, each its share of the ids, in batches of 2: the same customers as one
    connection would move, each with exactly one custody row."""
    monkeypatch.setattr(services, "RECYCLE_BATCH", 2)
    due = [_owned(cast.sales1 if i % 2 else cast.sales2, contacted_days_ago=200 + i, grade="vip" if i % 3 == 0 else "normal")
           for i in range(9)]
    fresh = _owned(cast.sales1, contacted_days_ago=5)
    done = services.pool_recycle(workers=2)
    assert done["vip"] + done["normal"] == 9 and done["vip"] == 3
    assert set(Customer.objects.filter(owner__isnull=True).values_list("pk", flat=True)) == {c.pk for c in due}
    assert Customer.objects.get(pk=fresh.pk).owner == cast.sales1
    rows = Custody.objects.filter(reason=Custody.Reason.RECYCLED)
    assert sorted(rows.values_list("customer_id", flat=True)) == sorted(c.pk for c in due)
    assert services.pool_recycle(workers=2) == {"probation": 0, "vip": 0, "normal": 0}


def test_a_recycle_run_stopped_half_way_leaves_no_customer_half_moved(cast, monkeypatch):
    """Batch by batch: a failure in the second batch keeps the first batch's customers moved with
    their custody rows, and the rest untouched with none."""
    monkeypatch.setattr(services, "RECYCLE_BATCH", 2)
    due = [_owned(cast.sales1, contacted_days_ago=200 + i) for i in range(5)]
    batches = []
    real_write = ownership._write

    def failing_on_the_second_batch(rows, **kwargs):
        real_write(rows, **kwargs)  # moved, custody written: then the batch fails before it commits
        batches.append(rows)
        if len(batches) == 2:
            raise RuntimeError("the server went away")

    monkeypatch.setattr(ownership, "_write", failing_on_the_second_batch)
    with pytest.raises(RuntimeError):
        services.pool_recycle()
    pooled = set(Customer.objects.filter(owner__isnull=True).values_list("pk", flat=True))
    assert len(pooled) == 2 and pooled <= {c.pk for c in due}
    assert set(Custody.objects.filter(reason=Custody.Reason.RECYCLED).values_list("customer_id", flat=True)) == pooled
    monkeypatch.undo()
    assert services.pool_recycle() == {"probation": 0, "vip": 0, "normal": 3}  # the lock was let go


def test_whoever_was_recycled_waits_before_claiming_back(cast, settings):
    customer = _owned(cast.sales1, contacted_days_ago=400)
    services.pool_recycle()
    with pytest.raises(services.ClaimRefused):
        _claim(Customer.objects.get(pk=customer.pk), cast.sales1)


@pytest.mark.django_db(transaction=True)
def test_recycle_skips_when_another_run_holds_the_lock(capsys):
    other = connections.create_connection("default")
    try:
        other.connect()
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [services.RECYCLE_LOCK_KEY])
            call_command("recycle_pool")
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert "Another recycle_pool run holds the lock" in capsys.readouterr().out


# --- Key customers -------------------------------------------------------------------------------


def test_recycle_skips_key_customers(cast):
    key = _owned(cast.sales1, contacted_days_ago=400)
    Customer.objects.filter(pk=key.pk).update(locked=True)
    plain = _owned(cast.sales1, contacted_days_ago=400)
    assert services.pool_recycle() == {"vip": 0, "normal": 1, "probation": 0}
    assert Customer.objects.get(pk=key.pk).owner == cast.sales1
    assert Customer.objects.get(pk=plain.pk).owner is None


def test_supervisor_can_mark_a_key_customer(cast, client_for, customers):
    response = client_for(cast.sup1).post(reverse("crm:customer-lock", args=[customers.own.pk]), {"locked": "1"})
    assert response.status_code == 302
    assert Customer.objects.get(pk=customers.own.pk).locked
    assert customers.own.changes.get(field="locked").new_value == "True"
    client_for(cast.sup1).post(reverse("crm:customer-lock", args=[customers.own.pk]), {"locked": "0"})
    assert not Customer.objects.get(pk=customers.own.pk).locked


def test_salesperson_cannot_mark_their_own_key_customer(cast, client_for, customers):
    response = client_for(cast.sales1).post(reverse("crm:customer-lock", args=[customers.own.pk]), {"locked": "1"})
    assert response.status_code == 403
    assert not Customer.objects.get(pk=customers.own.pk).locked


# --- Warning before recycling ----------------------------------------------------------------------


def test_home_warns_a_salesperson_of_customers_recycled_within_3_days(cast, client_for, settings):
    settings.POOL_RECYCLE_DAYS_NORMAL, settings.POOL_RECYCLE_DAYS_VIP = 90, 180
    soon = _owned(cast.sales1, contacted_days_ago=88)
    _owned(cast.sales1, contacted_days_ago=86)  # four days left
    vip_soon = _owned(cast.sales1, grade="vip", contacted_days_ago=179)
    _owned(cast.sales1, grade="vip", contacted_days_ago=100)
    key = _owned(cast.sales1, contacted_days_ago=89)
    Customer.objects.filter(pk=key.pk).update(locked=True)
    _owned(cast.sales1b, contacted_days_ago=89)  # a colleague's
    response = client_for(cast.sales1).get(reverse("home"))
    assert [c.pk for c in response.context["recycle_soon"]] == [vip_soon.pk, soon.pk]
    assert "no contact for 90 days" in response.content.decode()


# --- Claim probation -------------------------------------------------------------------------------


def _claimed_hours_ago(customer, user, hours):
    _claim(customer, user)
    Custody.objects.filter(customer=customer, reason=Custody.Reason.CLAIMED).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_a_claimed_customer_not_contacted_within_probation_goes_back(cast, settings):
    settings.POOL_CLAIM_PROBATION_HOURS = 72
    neglected, contacted, recent = (_pooled(by=cast.sales2, days_ago=30) for _ in range(3))
    _claimed_hours_ago(neglected, cast.sales1, 73)
    _claimed_hours_ago(contacted, cast.sales1, 73)
    services.followup_create(customer=contacted, subject="call", content="ok",
                             occurred_at=timezone.now() - timedelta(hours=70), by=cast.sales1)
    _claimed_hours_ago(recent, cast.sales1, 71)
    assert services.pool_recycle()["probation"] == 1
    assert Customer.objects.get(pk=neglected.pk).owner is None
    assert Customer.objects.get(pk=contacted.pk).owner == cast.sales1
    assert Customer.objects.get(pk=recent.pk).owner == cast.sales1
    row = Custody.objects.filter(customer=neglected).first()
    assert (row.reason, row.from_owner) == (Custody.Reason.RECYCLED, cast.sales1)
    assert services.pool_recycle()["probation"] == 0


def test_the_claimer_is_told_of_the_probation(cast, client_for, settings):
    settings.POOL_CLAIM_PROBATION_HOURS = 48
    customer = _pooled(by=cast.sales2)
    response = client_for(cast.sales1).post(reverse("crm:pool-claim", args=[customer.pk]), follow=True)
    assert "within 48 hours" in response.content.decode()


def test_claim_probation_zero_is_off(cast, settings):
    settings.POOL_CLAIM_PROBATION_HOURS = 0
    customer = _pooled(by=cast.sales2)
    _claimed_hours_ago(customer, cast.sales1, 500)
    assert services.pool_recycle()["probation"] == 0
    assert Customer.objects.get(pk=customer.pk).owner == cast.sales1
