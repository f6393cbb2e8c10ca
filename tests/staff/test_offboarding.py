"""Offboarding a departed salesperson (SPEC §7.3, issue 8): preview, choice, one transaction."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from bulletin.models import Suggestion
from crm import services
from crm.models import Custody, Customer, CustomerUserObjectPermission, FollowUp
from staff import offboarding
from tests.factories import PASSWORD, CustomerFactory, UserFactory
from workplans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def departing(cast):
    """sales1 holds 5 customers (2 VIP), 3 plans, 2 signed suggestions and 4 follow-ups; an
    anonymous suggestion exists too."""
    now = timezone.now()
    customers = [CustomerFactory(owner=cast.sales1, grade="vip" if i < 2 else "normal") for i in range(5)]
    for i in range(3):
        Plan.objects.create(author=cast.sales1, subject=f"计划{i}", start_at=now + timedelta(hours=i), end_at=now + timedelta(hours=i + 1))
    Plan.objects.create(author=cast.sales1b, subject="同事的计划", start_at=now, end_at=now + timedelta(hours=1))
    Suggestion.objects.create(title="署名建议", content="内容", author=cast.sales1)
    Suggestion.objects.create(title="署名建议二", content="内容", author=cast.sales1)
    Suggestion.objects.create(title="匿名建议", content="内容", author=None)
    for customer in customers[:4]:
        FollowUp.objects.create(customer=customer, author=cast.sales1, subject="电话", content="谈了价格", occurred_at=now)
    cast.sales1.phone, cast.sales1.wechat, cast.sales1.email = "13800000000", "zhangsan", "z@example.com"
    cast.sales1.save()
    return customers


def _offboard_page(client, person):
    return client.get(reverse("staff:user-offboard", args=[person.pk]))


def _confirm(client, person, **data):
    """The confirm button of the review step: the choice, reviewed, then confirmed."""
    expected = Customer.objects.filter(owner=person).count()
    return client.post(reverse("staff:user-offboard", args=[person.pk]),
                       {"expected_customers": expected, "confirm": "1", **data})


def _review(client, person, **data):
    """The first button: shows where the customers would go; does nothing."""
    expected = Customer.objects.filter(owner=person).count()
    return client.post(reverse("staff:user-offboard", args=[person.pk]), {"expected_customers": expected, **data})


def _nothing_done(person, customers):
    assert User.objects.get(pk=person.pk).is_active
    assert Customer.objects.filter(owner=person).count() == len(customers)
    assert not Custody.objects.filter(reason="offboarded").exists()


def test_a_colleague_chosen_while_the_pool_stays_selected_is_refused_not_sent_to_the_pool(cast, client_for, departing):
    """Picking someone in "one colleague" without switching its radio sent every customer to the pool."""
    client = client_for(cast.sup1)
    for confirm in ({}, {"confirm": "1"}):
        response = _review(client, cast.sales1, mode="pool", colleague=cast.sales1b.pk, **confirm)
        assert response.status_code == 200
        assert "but “All to the isolation pool, for any colleague to claim” is selected" in " ".join(
            response.context["form"].non_field_errors())
        _nothing_done(cast.sales1, departing)
    response = _review(client, cast.sales1, mode="one", colleagues=[cast.sales1b.pk, cast.sup1.pk], confirm="1")
    assert response.context["form"].non_field_errors() and User.objects.get(pk=cast.sales1.pk).is_active
    response = _review(client, cast.sales1, mode="spread", colleagues=[cast.sales1b.pk, cast.sup1.pk],
                       **{f"to_{departing[0].pk}": cast.sales1b.pk})
    assert response.context["form"].non_field_errors()


def test_the_review_step_says_where_every_customer_goes_before_anything_happens(cast, client_for, departing):
    client = client_for(cast.sup1)
    cases = [
        ({"mode": "pool"}, [("The isolation pool", 5)]),
        ({"mode": "one", "colleague": cast.sales1b.pk}, [("赵六 · Group A", 5)]),
        ({"mode": "spread", "colleagues": [cast.sales1b.pk, cast.sup1.pk]}, None),  # 3 and 2
        ({"mode": "each", f"to_{departing[0].pk}": cast.sales1b.pk, f"to_{departing[1].pk}": cast.sales1b.pk},
         [("赵六 · Group A", 2), ("The isolation pool", 3)]),
    ]
    for choice, where in cases:
        response = _review(client, cast.sales1, **choice)
        destinations = response.context["destinations"]
        if where is None:
            assert sorted(n for _name, n in destinations) == [2, 3]
            assert {name for name, _n in destinations} == {"王主管 · Group A", "赵六 · Group A"}
        else:
            assert sorted(destinations) == sorted(where)
        page = response.content.decode()
        assert 'name="confirm"' in page and "Where their customers go" in page
        _nothing_done(cast.sales1, departing)
    # Confirming the reviewed spread moves exactly what the review said (the last review is it).
    spread = dict(_review(client, cast.sales1, **cases[2][0]).context["destinations"])
    assert _confirm(client, cast.sales1, **cases[2][0]).status_code == 302
    moved = {name: Customer.objects.filter(owner__full_name=name.split(" · ")[0], pk__in=[c.pk for c in departing]).count()
             for name in spread}
    assert moved == spread


def test_changing_the_choice_keeps_it(cast, client_for, departing):
    response = _review(client_for(cast.sup1), cast.sales1, mode="one", colleague=cast.sales1b.pk, change="1")
    assert response.context["destinations"] is None
    assert f'<option value="{cast.sales1b.pk}" selected>' in response.content.decode()
    _nothing_done(cast.sales1, departing)


def test_a_receiver_of_another_group_is_refused(cast, client_for, departing):
    for choice in ({"mode": "one", "colleague": cast.sales2.pk},
                   {"mode": "spread", "colleagues": [cast.sales1b.pk, cast.sales2.pk]},
                   {"mode": "each", f"to_{departing[0].pk}": cast.sales2.pk}):
        response = _confirm(client_for(cast.sup1), cast.sales1, **choice)
        assert response.status_code == 200 and response.context["form"].errors
        _nothing_done(cast.sales1, departing)


def test_preview_counts_equal_what_happens(cast, client_for, departing):
    client = client_for(cast.sup1)
    preview = _offboard_page(client, cast.sales1).context["preview"]
    assert (preview.customers, preview.plans, preview.signed_suggestions, preview.followups) == (5, 3, 2, 4)

    response = _confirm(client, cast.sales1, mode="pool")

    assert response.status_code == 302
    assert Customer.objects.filter(owner__isnull=True, pk__in=[c.pk for c in departing]).count() == preview.customers
    assert Custody.objects.filter(reason="offboarded", from_owner=cast.sales1).count() == preview.customers
    assert not Plan.objects.filter(author=cast.sales1).exists()
    assert Plan.objects.filter(author=cast.sales1b).count() == 1
    assert not Suggestion.objects.filter(author=cast.sales1).exists()
    assert Suggestion.objects.filter(author__isnull=True).count() == 1  # anonymous: unlinkable, stays
    assert FollowUp.objects.filter(author=cast.sales1).count() == preview.followups
    event = AuditEvent.objects.get(action="staff.offboard")
    assert (event.actor, event.count, event.data["plans"], event.data["signed_suggestions"]) == (cast.sup1, 5, 3, 2)


def test_the_departed_account_is_deactivated_not_deleted_and_its_details_cleared(cast, client_for, departing):
    _confirm(client_for(cast.admin), cast.sales1, mode="pool")
    person = User.objects.get(pk=cast.sales1.pk)
    assert not person.is_active and person.departed_at is not None
    assert (person.phone, person.wechat, person.email) == ("", "", "")
    assert person.full_name == "张三"  # history keeps the author's name
    assert not person.has_usable_password()


def test_pool_customers_say_why_and_follow_ups_show_former_staff(cast, client_for, departing):
    _confirm(client_for(cast.admin), cast.sales1, mode="pool")
    customer = Customer.objects.get(pk=departing[0].pk)
    assert customer.pooled_at is not None and "张三" in customer.pool_reason
    page = client_for(cast.sales2).get(customer.get_absolute_url()).content.decode()
    assert "张三" in page and "former staff" in page


def test_the_departed_persons_open_session_ends_and_login_is_refused(cast, client, client_for, departing):
    assert client.login(request=RequestFactory().get("/"), username="sales1", password=PASSWORD)
    assert client.get(reverse("crm:customer-list")).status_code == 200
    _confirm(client_for(cast.admin), cast.sales1, mode="pool")
    assert client.get(reverse("crm:customer-list")).status_code == 302
    assert not client.login(request=RequestFactory().get("/"), username="sales1", password=PASSWORD)


def test_all_customers_can_go_to_one_colleague(cast, client_for, departing):
    _confirm(client_for(cast.sup1), cast.sales1, mode="one", colleague=cast.sales1b.pk)
    assert Customer.objects.filter(owner=cast.sales1b).count() == 5
    rows = Custody.objects.filter(reason="offboarded")
    assert {(r.from_owner_id, r.to_owner_id, r.actor_id) for r in rows} == {(cast.sales1.pk, cast.sales1b.pk, cast.sup1.pk)}


def test_spreading_gives_each_colleague_an_even_share_and_a_fair_mix(cast, client_for):
    for i in range(7):
        CustomerFactory(owner=cast.sales1, grade="vip" if i < 2 else "normal")
    extra = UserFactory(username="sales1c", sales_group=cast.group1)
    _confirm(client_for(cast.sup1), cast.sales1, mode="spread", colleagues=[cast.sales1b.pk, extra.pk, cast.sup1.pk])
    counts = sorted(Customer.objects.filter(owner__in=[cast.sales1b, extra, cast.sup1]).values_list("owner_id", flat=True))
    shares = sorted(counts.count(pk) for pk in {cast.sales1b.pk, extra.pk, cast.sup1.pk})
    assert shares == [2, 2, 3]
    vip_holders = set(Customer.objects.filter(grade="vip").values_list("owner_id", flat=True))
    assert len(vip_holders) == 2  # the two VIPs went to two different people


def test_customer_by_customer(cast, client_for, departing):
    first, second = departing[0], departing[1]
    _confirm(client_for(cast.sup1), cast.sales1, mode="each",
             **{f"to_{first.pk}": cast.sales1b.pk, f"to_{second.pk}": cast.sup1.pk})
    assert Customer.objects.get(pk=first.pk).owner == cast.sales1b
    assert Customer.objects.get(pk=second.pk).owner == cast.sup1
    assert Customer.objects.filter(pk__in=[c.pk for c in departing[2:]], owner__isnull=True).count() == 3


def test_a_failure_midway_changes_nothing(cast, client_for, departing, monkeypatch):
    def broken(person):
        raise RuntimeError("disk full")

    monkeypatch.setattr(offboarding, "_delete_suggestions", broken)
    client = client_for(cast.admin)
    client.raise_request_exception = False
    response = _confirm(client, cast.sales1, mode="one", colleague=cast.sales1b.pk)
    assert response.status_code == 500
    assert Customer.objects.filter(owner=cast.sales1).count() == 5
    assert not Custody.objects.filter(reason="offboarded").exists()
    assert Plan.objects.filter(author=cast.sales1).count() == 3
    assert Suggestion.objects.filter(author=cast.sales1).count() == 2
    person = User.objects.get(pk=cast.sales1.pk)
    assert person.is_active and person.phone == "13800000000"
    assert not AuditEvent.objects.filter(action="staff.offboard").exists()


def test_the_ownership_cap_is_respected_with_a_clear_message(cast, client_for, departing, settings):
    settings.POOL_MAX_OWNED = 6
    CustomerFactory(owner=cast.sales1b)
    CustomerFactory(owner=cast.sales1b)
    client = client_for(cast.sup1)
    response = _confirm(client, cast.sales1, mode="one", colleague=cast.sales1b.pk)
    assert response.status_code == 302
    page = client.get(response["Location"])
    message = str(list(page.context["messages"])[0])
    assert "already holds 2 customers" in message and "cap of 6" in message and "room for 4" in message
    assert Customer.objects.filter(owner=cast.sales1).count() == 5
    assert User.objects.get(pk=cast.sales1.pk).is_active


def test_supervisor_cannot_offboard_someone_of_another_group(cast, client_for, departing):
    client = client_for(cast.sup1)
    assert _offboard_page(client, cast.sales2).status_code == 404
    assert _confirm(client, cast.sales2, mode="pool").status_code == 404
    assert User.objects.get(pk=cast.sales2.pk).is_active


def test_supervisor_cannot_offboard_a_supervisor_or_hand_customers_outside_their_groups(cast, client_for, departing):
    client = client_for(cast.sup1)
    assert _offboard_page(client, cast.sup2).status_code == 404
    _confirm(client, cast.sales1, mode="one", colleague=cast.sales2.pk)  # not a choice for sup1
    assert Customer.objects.filter(owner=cast.sales1).count() == 5


def test_admin_can_offboard_anyone_in_any_group(cast, client_for):
    CustomerFactory(owner=cast.sales2)
    response = _confirm(client_for(cast.admin), cast.sales2, mode="one", colleague=cast.sales1.pk)
    assert response.status_code == 302
    assert Customer.objects.filter(owner=cast.sales1).count() == 1


def test_refused_offboarding_says_why_and_changes_nothing(cast, client_for):
    client = client_for(cast.admin)
    page = _offboard_page(client, cast.admin)
    assert page.status_code == 200 and page.context["refusal"]
    assert "Confirm offboarding" not in page.content.decode()
    response = _confirm(client, cast.admin, mode="pool")
    assert response.status_code == 302
    message = str(list(client.get(response["Location"]).context["messages"])[0])
    assert message == page.context["refusal"]
    assert not AuditEvent.objects.filter(action="staff.offboard").exists()


def test_the_last_admin_is_never_offboarded(cast):
    with pytest.raises(offboarding.Refused, match="last active admin"):
        offboarding.offboard(person=cast.admin, by=cast.sup1)
    assert User.objects.get(pk=cast.admin.pk).is_active


def test_customers_never_go_to_a_backup_operator_or_a_deactivated_person(cast, departing):
    gone = UserFactory(username="gone", sales_group=cast.group1)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()
    for receiver in (cast.backup, gone):
        with pytest.raises(offboarding.Refused, match="cannot receive customers"):
            offboarding.offboard(person=cast.sales1, by=cast.admin, mode=offboarding.ONE, receivers=[receiver])
    assert Customer.objects.filter(owner=cast.sales1).count() == 5


def test_a_change_since_the_preview_stops_the_offboarding(cast, client_for, departing):
    client = client_for(cast.admin)
    response = client.post(reverse("staff:user-offboard", args=[cast.sales1.pk]),
                           {"expected_customers": 4, "mode": "pool", "confirm": "1"})
    message = str(list(client.get(response["Location"]).context["messages"])[0])
    assert "Something changed since the preview" in message and "5 customers" in message
    assert Customer.objects.filter(owner=cast.sales1).count() == 5


def test_offboarding_a_supervisor_leaves_their_groups_without_one(cast, client_for):
    from accounts import services as staff_services

    staff_services.group_grant(group=cast.group2, supervisor=cast.sup1, by=cast.admin)
    _confirm(client_for(cast.admin), cast.sup1, mode="pool")
    cast.group1.refresh_from_db()
    assert cast.group1.supervisor is None
    page = client_for(cast.admin).get(reverse("staff:user-offboard", args=[cast.sup2.pk])).content.decode()
    assert "Group B" in page  # sup2 still leads Group B: the preview says it will need a new supervisor


def test_the_offboarding_page_speaks_chinese(cast, client_for, departing):
    page = client_for(cast.sup1).get(reverse("staff:user-offboard", args=[cast.sales1.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN")
    text = page.content.decode()
    assert "为 张三 办理离职" in text and "全部放入公海" in text and "<strong>3</strong> 个工作计划将被删除" in text


def test_the_pool_names_the_former_owner_of_offboarded_customers(cast, client_for, departing):
    _confirm(client_for(cast.admin), cast.sales1, mode="pool")
    client = client_for(cast.sales2)
    page = client.get(reverse("crm:pool-list")).content.decode()
    assert "张三" in page and "former staff" in page
    filtered = client.get(reverse("crm:pool-list"), {"previous_owner": cast.sales1.pk})
    assert len(filtered.context["customers"]) == 5


def test_shares_end_with_the_departure(cast, departing):
    services.customer_share(customer=departing[0], colleague=cast.sales2, cofollow=False, by=cast.sales1)
    theirs = CustomerFactory(owner=cast.sales2b)
    services.customer_share(customer=theirs, colleague=cast.sales1, cofollow=True, by=cast.sales2b)
    offboarding.offboard(person=cast.sales1, by=cast.admin, mode=offboarding.ONE, receivers=[cast.sales1b])
    assert not CustomerUserObjectPermission.objects.exists()


def _times_analysed() -> dict:
    """How often PostgreSQL has analysed the customer and custody tables (its statistics view,
    read afresh: the view is otherwise cached for the rest of the transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname, analyze_count FROM pg_stat_user_tables WHERE relname IN (%s, %s)",
                       [Customer._meta.db_table, Custody._meta.db_table])
        return dict(cursor.fetchall())


def test_offboarding_a_big_book_ends_with_fresh_statistics(cast, departing, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    """Issue 21.5: after a big book has moved, the first list or search is planned for the
    customers as they are now (departing holds 5: "big" here is more than 4)."""
    monkeypatch.setattr(offboarding, "ANALYZE_AFTER_CUSTOMERS", 4)
    before = _times_analysed()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        offboarding.offboard(person=cast.sales1, by=cast.admin)
    after = _times_analysed()
    assert len(callbacks) == 1
    assert after[Customer._meta.db_table] > before[Customer._meta.db_table]
    assert after[Custody._meta.db_table] > before[Custody._meta.db_table]


def test_a_small_book_leaves_the_statistics_to_autovacuum(cast, departing, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    monkeypatch.setattr(offboarding, "ANALYZE_AFTER_CUSTOMERS", 5)
    with django_capture_on_commit_callbacks() as callbacks:
        offboarding.offboard(person=cast.sales1, by=cast.admin)
    assert callbacks == []
