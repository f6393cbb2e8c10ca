from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import selectors, services
from crm.filters import customer_list
from crm.models import Customer, FollowUp, FollowUpRevision

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _log(customer, by, when, subject="报价", content="客户嫌贵"):
    return services.followup_create(customer=customer, subject=subject, content=content, occurred_at=when, by=by)


def test_salesperson_logs_a_conversation_and_the_customer_dates_move(customers, cast, client_for):
    when = timezone.now() - timedelta(hours=2)
    response = client_for(cast.sales1).post(
        reverse("crm:followup-create", args=[customers.own.pk]),
        {"subject": "第一次电话", "content": "对产品有兴趣", "occurred_at": _local(when), "next_contact_on": "2030-01-02"},
    )
    assert response.status_code == 302
    followup = FollowUp.objects.get()
    assert followup.author == cast.sales1 and followup.customer == customers.own
    customer = Customer.objects.get(pk=customers.own.pk)
    assert customer.last_contact_at == followup.occurred_at
    assert customer.next_contact_on.isoformat() == "2030-01-02"


def test_the_next_contact_date_follows_the_cadence_when_left_empty(customers, cast):
    customers.own.grade = "vip"
    customers.own.save()
    when = timezone.now()
    _log(customers.own, cast.sales1, when)
    customer = Customer.objects.get(pk=customers.own.pk)
    assert customer.next_contact_on == timezone.localdate(when) + timedelta(days=7)


@pytest.mark.parametrize("field, value, message", [
    ("content", "   ", "This field is required"),
    ("subject", "", "This field is required"),
    ("occurred_at", "2999-01-01T10:00", "cannot be in the future"),
    ("occurred_at", "yesterday", "Enter a valid date/time"),
])
def test_bad_input_saves_nothing(customers, cast, client_for, field, value, message):
    data = {"subject": "s", "content": "c", "occurred_at": _local(timezone.now())}
    data[field] = value
    response = client_for(cast.sales1).post(reverse("crm:followup-create", args=[customers.own.pk]), data)
    assert message in " ".join(response.context["form"].errors[field])
    assert not FollowUp.objects.exists()
    assert Customer.objects.get(pk=customers.own.pk).last_contact_at is None


def test_a_colleague_cannot_log_on_a_customer_they_may_not_see(customers, cast, client_for):
    response = client_for(cast.sales2).post(
        reverse("crm:followup-create", args=[customers.own.pk]),
        {"subject": "s", "content": "c", "occurred_at": _local(timezone.now())},
    )
    assert response.status_code == 404 and not FollowUp.objects.exists()


def test_editing_keeps_the_time_and_the_previous_text(customers, cast, client_for):
    followup = _log(customers.own, cast.sales1, timezone.now() - timedelta(days=5), content="客户嫌贵了")
    original_time = followup.occurred_at
    response = client_for(cast.sales1).post(
        reverse("crm:followup-edit", args=[followup.pk]),
        {"subject": "报价", "content": "客户嫌贵", "occurred_at": "2020-01-01T00:00"},
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.content == "客户嫌贵" and followup.occurred_at == original_time
    revision = followup.revisions.get()
    assert revision.kind == FollowUpRevision.Kind.EDIT and revision.previous_content == "客户嫌贵了"
    page = client_for(cast.sales1).get(followup.get_absolute_url()).content.decode()
    assert "客户嫌贵了" in page  # the history shows what it said before


def test_continuing_a_topic_moves_its_time_and_appends_the_notes(customers, cast, client_for):
    followup = _log(customers.own, cast.sales1, timezone.now() - timedelta(days=5))
    later = timezone.now() - timedelta(minutes=5)
    client_for(cast.sales1).post(
        reverse("crm:followup-continue", args=[followup.pk]), {"notes": "同意九折", "occurred_at": _local(later)}
    )
    followup.refresh_from_db()
    assert followup.occurred_at == later.replace(second=0, microsecond=0)
    assert followup.content.startswith("客户嫌贵") and followup.content.endswith("同意九折")
    assert followup.revisions.get().kind == FollowUpRevision.Kind.CONTINUE
    assert FollowUp.objects.count() == 1
    assert Customer.objects.get(pk=customers.own.pk).last_contact_at == followup.occurred_at


@pytest.mark.parametrize("next_contact_on", ["", "2030-01-02"])
def test_continuing_a_topic_updates_the_customer_exactly_as_logging_a_conversation(cast, client_for, next_contact_on):
    """A customer contacted today by continuing a 40-day-old topic is neither overdue nor to visit."""
    from tests.factories import CustomerFactory

    long_ago = timezone.now() - timedelta(days=40)
    logged, continued = (CustomerFactory(owner=cast.sales1, next_contact_on=(long_ago + timedelta(days=30)).date())
                         for _ in range(2))
    topic = _log(continued, cast.sales1, long_ago)
    Customer.objects.filter(pk=continued.pk).update(next_contact_on=(long_ago + timedelta(days=30)).date())
    now = _local(timezone.now() - timedelta(minutes=1))
    client = client_for(cast.sales1)
    page = client.get(reverse("crm:followup-continue", args=[topic.pk])).content.decode()
    assert services.default_next_contact(continued.grade).isoformat() in page  # pre-filled as when logging
    client.post(reverse("crm:followup-create", args=[logged.pk]),
                {"subject": "s", "content": "c", "occurred_at": now, "next_contact_on": next_contact_on})
    client.post(reverse("crm:followup-continue", args=[topic.pk]),
                {"notes": "今天又谈了", "occurred_at": now, "next_contact_on": next_contact_on})
    logged, continued = (Customer.objects.get(pk=c.pk) for c in (logged, continued))
    assert (continued.last_contact_at, continued.next_contact_on) == (logged.last_contact_at, logged.next_contact_on)
    assert continued.next_contact_on > timezone.localdate()
    for view in ("visit_today", "overdue"):
        listed = customer_list(cast.sales1, {"view": view})
        assert continued not in listed


def test_continuing_with_an_earlier_time_is_refused(customers, cast, client_for):
    followup = _log(customers.own, cast.sales1, timezone.now() - timedelta(days=1))
    response = client_for(cast.sales1).post(
        reverse("crm:followup-continue", args=[followup.pk]),
        {"notes": "x", "occurred_at": _local(timezone.now() - timedelta(days=3))},
    )
    assert "later than the record" in " ".join(response.context["form"].errors["occurred_at"])
    followup.refresh_from_db()
    assert not followup.revisions.exists() and followup.content == "客户嫌贵"


def test_deleting_recomputes_the_last_contact(customers, cast, client_for):
    older = _log(customers.own, cast.sales1, timezone.now() - timedelta(days=3))
    newer = _log(customers.own, cast.sales1, timezone.now() - timedelta(days=1))
    client_for(cast.sales1).post(reverse("crm:followup-delete", args=[newer.pk]))
    assert Customer.objects.get(pk=customers.own.pk).last_contact_at == older.occurred_at
    client_for(cast.sales1).post(reverse("crm:followup-delete", args=[older.pk]))
    assert Customer.objects.get(pk=customers.own.pk).last_contact_at is None


@pytest.mark.parametrize("who, status", [("sales1", 302), ("sup1", 302), ("admin", 302), ("sales1b", 404), ("sup2", 404)])
def test_who_may_delete_a_record(customers, cast, client_for, who, status):
    followup = _log(customers.own, cast.sales1, timezone.now())
    response = client_for(getattr(cast, who)).post(reverse("crm:followup-delete", args=[followup.pk]))
    assert response.status_code == status
    assert FollowUp.objects.filter(pk=followup.pk).exists() == (status != 302)


def test_a_co_follower_may_log_but_not_correct_the_owners_records(customers, cast, client_for):
    services.customer_share(customer=customers.own, colleague=cast.sales2, cofollow=True, by=cast.sales1)
    owners = _log(customers.own, cast.sales1, timezone.now() - timedelta(hours=3))
    client = client_for(cast.sales2)
    response = client.post(
        reverse("crm:followup-create", args=[customers.own.pk]),
        {"subject": "协同", "content": "我也打了电话", "occurred_at": _local(timezone.now())},
    )
    assert response.status_code == 302
    assert client.get(reverse("crm:followup-edit", args=[owners.pk])).status_code == 403


def test_a_view_only_share_cannot_log(customers, cast, client_for):
    services.customer_share(customer=customers.own, colleague=cast.sales2, cofollow=False, by=cast.sales1)
    response = client_for(cast.sales2).get(reverse("crm:followup-create", args=[customers.own.pk]))
    assert response.status_code == 403


def test_the_customer_page_shows_the_log_newest_first(customers, cast, client_for):
    _log(customers.own, cast.sales1, timezone.now() - timedelta(days=2), subject="第一次")
    _log(customers.own, cast.sales1, timezone.now() - timedelta(days=1), subject="第二次")
    page = client_for(cast.sales1).get(customers.own.get_absolute_url()).content.decode()
    assert page.index("第二次") < page.index("第一次")


def test_whoever_claims_a_pool_customer_reads_the_earlier_log(customers, cast, client_for):
    _log(customers.own, cast.sales1, timezone.now() - timedelta(days=2), subject="旧的谈话")
    services.customer_give_up(customer=customers.own, reason="no", by=cast.sales1)
    page = client_for(cast.sales2).get(customers.own.get_absolute_url()).content.decode()
    assert "旧的谈话" in page


NOW = datetime(2026, 11, 23, 0, 30, tzinfo=SHANGHAI)  # a Monday, just after midnight


def _subjects(user, key=None, window=None):
    window = window or selectors.followup_window(key, now=NOW)
    return sorted(selectors.followup_list(user, window=window).values_list("subject", flat=True))


@pytest.fixture
def timeline(customers, cast):
    for subject, when in [
        ("today", datetime(2026, 11, 23, 0, 10, tzinfo=SHANGHAI)),
        ("sunday night", datetime(2026, 11, 22, 23, 50, tzinfo=SHANGHAI)),
        ("saturday", datetime(2026, 11, 21, 9, 0, tzinfo=SHANGHAI)),
        ("friday", datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)),
        ("october", datetime(2026, 10, 31, 23, 0, tzinfo=SHANGHAI)),
    ]:
        FollowUp.objects.create(customer=customers.own, author=cast.sales1, subject=subject, content="c", occurred_at=when)
    return cast


def test_window_today_starts_at_local_midnight(timeline):
    assert _subjects(timeline.sales1, "today") == ["today"]


def test_window_last_three_days_is_today_and_the_two_before(timeline):
    assert _subjects(timeline.sales1, "3days") == ["saturday", "sunday night", "today"]


def test_window_this_week_starts_on_monday(timeline):
    assert _subjects(timeline.sales1, "week") == ["today"]


def test_window_this_month(timeline):
    assert _subjects(timeline.sales1, "month") == ["friday", "saturday", "sunday night", "today"]


def test_window_last_n_hours(timeline):
    from common.timewindows import last

    assert _subjects(timeline.sales1, window=last(NOW, hours=1)) == ["sunday night", "today"]


def test_custom_window_with_the_end_before_the_start_is_refused(timeline, client_for):
    response = client_for(timeline.sales1).get(
        reverse("crm:followup-list"), {"window": "custom", "date_from": "2026-11-20", "date_to": "2026-11-01"}
    )
    assert "before its start" in response.content.decode()


def test_custom_window_over_ten_years_is_refused(timeline, client_for):
    response = client_for(timeline.sales1).get(
        reverse("crm:followup-list"), {"window": "custom", "date_from": "2000-01-01", "date_to": "2026-11-01"}
    )
    assert "at most ten years" in response.content.decode()


def test_followups_page_is_scoped_by_role(customers, cast, client_for):
    FollowUp.objects.create(customer=customers.own, author=cast.sales1, subject="mine", content="c", occurred_at=timezone.now())
    FollowUp.objects.create(customer=customers.same_group, author=cast.sales1b, subject="colleague", content="c", occurred_at=timezone.now())
    FollowUp.objects.create(customer=customers.other_group, author=cast.sales2, subject="other group", content="c", occurred_at=timezone.now())
    assert _subjects(cast.sales1, window=None) == ["mine"]
    assert _subjects(cast.sup1) == ["colleague", "mine"]
    assert _subjects(cast.admin) == ["colleague", "mine", "other group"]
    page = client_for(cast.sup1).get(reverse("crm:followup-list"), {"author": cast.sales1b.pk}).content.decode()
    assert "colleague" in page and ">mine<" not in page


def test_followups_page_runs_a_constant_number_of_queries(customers, cast, client_for, django_assert_max_num_queries):
    for i in range(25):
        FollowUp.objects.create(customer=customers.own, author=cast.sales1, subject=f"s{i}", content="c", occurred_at=timezone.now())
    client = client_for(cast.sup1)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("crm:followup-list"), {"per_page": 50})
    assert "25 results" in response.content.decode()


# --- One definition of the follow-ups you may see (issue 19.8) -------------------------------


def _page_subjects(client):
    return client.get(reverse("crm:followup-list")).content.decode()


def _exported_ids(user):
    from transfers.exports import export_source
    from transfers.models import ExportJob

    _resource, queryset = export_source(ExportJob.Kind.FOLLOWUPS, user, "")
    return set(queryset.values_list("pk", flat=True))


def test_a_revoked_share_takes_the_colleagues_own_followup_off_their_list_detail_and_export(customers, cast, client_for):
    services.customer_share(customer=customers.own, colleague=cast.sales2, cofollow=True, by=cast.sales1)
    theirs = _log(customers.own, cast.sales2, timezone.now() - timedelta(hours=1), subject="共跟的记录")
    client = client_for(cast.sales2)
    detail = reverse("crm:followup-detail", args=[theirs.pk])
    assert "共跟的记录" in _page_subjects(client) and client.get(detail).status_code == 200
    assert theirs.pk in _exported_ids(cast.sales2)

    services.customer_unshare(customer=customers.own, colleague=cast.sales2, by=cast.sales1)
    Customer.objects.filter(pk=customers.own.pk).update(name="改了名的客户")
    page = _page_subjects(client)
    assert "共跟的记录" not in page and "改了名的客户" not in page
    assert client.get(detail).status_code == 404
    assert theirs.pk not in _exported_ids(cast.sales2)


def test_page_detail_and_export_agree_on_which_followups_each_person_sees(customers, cast, client_for):
    now = timezone.now() - timedelta(hours=2)
    services.customer_share(customer=customers.other_group, colleague=cast.sales1, cofollow=True, by=cast.sales2)
    records = [
        _log(customers.own, cast.sales1, now),
        _log(customers.same_group, cast.sales1b, now),
        _log(customers.other_group, cast.sales2, now),
        _log(customers.other_group, cast.sales1, now),  # on a customer shared with sales1
        _log(customers.pool, cast.sales2, now),
    ]
    moved = _log(customers.same_group, cast.sales1, now)  # then the customer goes to another group
    Customer.objects.filter(pk=customers.same_group.pk).update(owner=cast.sales2b)
    records.append(moved)
    for person in (cast.sales1, cast.sales1b, cast.sup1, cast.sales2, cast.admin):
        listed = set(selectors.followup_list(person).values_list("pk", flat=True))
        client = client_for(person)
        opens = {f.pk for f in records if client.get(reverse("crm:followup-detail", args=[f.pk])).status_code == 200}
        assert listed == _exported_ids(person), person.username
        assert listed <= opens, person.username
    assert moved.pk not in set(selectors.followup_list(cast.sales1).values_list("pk", flat=True))
