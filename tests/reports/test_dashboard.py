"""Each role's home page (issue 11): the numbers equal a direct count within the role's scope."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common import timewindows
from crm import services
from crm.models import Custody, Customer, FollowUp
from crm.selectors import overdue_q
from reports import summaries
from tests.factories import CustomerFactory, SalesGroupFactory, UserFactory
from workplans.models import Plan

pytestmark = pytest.mark.django_db


def _customer(owner, *, due_in=None, grade="normal", contacted_days_ago=None, **fields):
    now = timezone.now()
    return CustomerFactory(
        owner=owner, grade=grade,
        next_contact_on=None if due_in is None else timewindows.today() + timedelta(days=due_in),
        last_contact_at=None if contacted_days_ago is None else now - timedelta(days=contacted_days_ago),
        **fields,
    )


def _direct_overdue(owner_ids):
    return Customer.objects.filter(overdue_q(), owner_id__in=owner_ids).count()


def _plan(author, *, done=False, hours_from_now=-30):
    start = timezone.now() + timedelta(hours=hours_from_now)
    return Plan.objects.create(
        author=author, subject=f"拜访 {author.username}", start_at=start, end_at=start + timedelta(hours=1),
        status="done" if done else "open", completed_at=timezone.now() if done else None,
    )


@pytest.fixture
def week(cast):
    """A small week of work in both groups: due, overdue, follow-ups, a give-up and a claim."""
    today = [_customer(cast.sales1, due_in=0, name="今天拜访甲"), _customer(cast.sales1, due_in=0, name="今天拜访乙")]
    late = [_customer(cast.sales1, due_in=-3, name="逾期丙"), _customer(cast.sales1b, due_in=-1, grade="vip", name="逾期VIP丁")]
    never = _customer(cast.sales1b, grade="vip", contacted_days_ago=10, name="无计划VIP戊")  # VIP cadence: 7 days
    fine = _customer(cast.sales1, due_in=5, name="下周客户")
    other = [_customer(cast.sales2, due_in=0, name="别组今天"), _customer(cast.sales2, due_in=-2, name="别组逾期")]
    now = timezone.now()
    for customer, author in ((fine, cast.sales1), (fine, cast.sales1), (other[0], cast.sales2)):
        services.followup_create(customer=customer, subject="回访", content="c", occurred_at=now, by=author)
    given = _customer(cast.sales1b, name="放弃的")
    services.customer_give_up(customer=given, reason="不需要", by=cast.sales1b)
    services.customer_claim(customer=Customer.objects.get(pk=given.pk), by=cast.sales2)
    return {"today": today, "late": late, "never": never, "other": other}


def test_salesperson_home_lists_who_to_visit_today_and_who_is_overdue(cast, client_for, week):
    context = client_for(cast.sales1).get(reverse("home")).context
    due = Customer.objects.filter(owner=cast.sales1, next_contact_on__lte=timewindows.today())
    assert context["to_visit_today"].count == due.count() == 3
    assert [c.name for c in context["to_visit_today"].items] == ["逾期丙", "今天拜访甲", "今天拜访乙"]  # overdue first
    assert context["overdue"].count == _direct_overdue([cast.sales1.pk]) == 1
    assert [c.name for c in context["overdue"].items] == ["逾期丙"]
    assert "team" not in context and "groups" not in context  # a salesperson sees only their own work


def _listed(client, view):
    """The customer list behind a home page link: its count and its names."""
    context = client.get(reverse("crm:customer-list"), {"view": view}).context
    return context["page_obj"].paginator.count, [c.name for c in context["page_obj"]]


@pytest.mark.parametrize("who", ["sales1", "sup1", "admin"])
def test_each_home_number_is_the_length_of_the_list_behind_it(cast, client_for, week, who):
    """The tile 今天要拜访 said 8, its panel 0: a label means one thing on the tile, the panel
    and the customer list, overdue customers included and said to be."""
    _customer(cast.sales1, due_in=-40, name="早该拜访")
    shared = _customer(cast.sales2, due_in=-1, name="同事分享的")
    services.customer_share(customer=shared, colleague=cast.sales1, cofollow=False, by=cast.sales2)
    client = client_for(getattr(cast, who))
    context = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").context
    tiles = {tile["view"].key: tile["count"] for tile in context["tiles"]}
    for panel, view in (("to_visit_today", "visit_today"), ("overdue", "overdue")):
        count, names = _listed(client, view)
        assert context[panel].count == count == len(names) and [c.name for c in context[panel].items] == names[:10]
        assert "早该拜访" in names
    assert tiles["visit_today"] == context["to_visit_today"].count
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert page.count("今天要拜访（含逾期）") == 2  # the tile and the panel, both saying overdue is included
    assert f'href="{reverse("crm:customer-list")}?view=overdue"' in page


def test_overdue_follows_the_grade_cadence_when_there_is_no_next_date(cast):
    vip = _customer(cast.sales1, grade="vip", contacted_days_ago=8)
    _customer(cast.sales1, grade="normal", contacted_days_ago=8)  # normal: every 30 days
    normal = _customer(cast.sales1, grade="normal", contacted_days_ago=31)
    assert set(Customer.objects.filter(overdue_q()).values_list("pk", flat=True)) == {vip.pk, normal.pk}


def test_supervisor_home_has_a_row_per_salesperson_with_direct_counts(cast, client_for, week):
    _plan(cast.sales1, done=True, hours_from_now=-1)
    _plan(cast.sales1b, hours_from_now=-2)  # open, ended an hour ago: overdue
    _plan(cast.sales2, done=True, hours_from_now=-1)
    context = client_for(cast.sup1).get(reverse("home")).context
    rows = {row["person"].username: row["numbers"] for row in context["team"]}
    assert set(rows) == {"sup1", "sales1", "sales1b"}  # never the other group's people
    week_start = timewindows.week_window().start
    for person in (cast.sales1, cast.sales1b):
        numbers = rows[person.username]
        assert numbers.customers == Customer.objects.filter(owner=person).count()
        assert numbers.overdue == _direct_overdue([person.pk])
        assert numbers.followups_week == FollowUp.objects.filter(author=person, occurred_at__gte=week_start).count()
        gave_up = Custody.objects.filter(from_owner=person, reason="gave_up", created_at__gte=week_start).count()
        assert numbers.gave_up_week == gave_up
    assert rows["sales1"].followups_week == 2 and rows["sales1b"].gave_up_week == 1
    if week_start <= timezone.now() - timedelta(hours=30):  # the plans started this week
        assert rows["sales1"].plans_done == 1 and rows["sales1b"].plans_overdue == 1
    page = client_for(cast.sup1).get(reverse("home")).content.decode()
    assert "Your salespeople this week" in page and "钱七" not in page


def test_supervisor_digest_shows_what_needs_attention_in_their_groups_only(cast, client_for, week, settings):
    settings.POOL_RECYCLE_DAYS_NORMAL = 90
    soon = _customer(cast.sales1b, contacted_days_ago=89, name="快回公海")
    _customer(cast.sales2, contacted_days_ago=89, name="别组快回公海")
    late_plan = _plan(cast.sales1, hours_from_now=-5)
    _plan(cast.sales2, hours_from_now=-5)
    digest = client_for(cast.sup1).get(reverse("home")).context["digest"]
    vip = Customer.objects.filter(overdue_q(), grade="vip", owner__sales_group=cast.group1)
    assert digest["vip_overdue"].count == vip.count() == 2
    assert {c.name for c in digest["vip_overdue"].items} == {"逾期VIP丁", "无计划VIP戊"}
    assert [c.pk for c in digest["recycle_soon"]] == [soon.pk]
    assert [p.pk for p in digest["overdue_plans"]] == [late_plan.pk] and digest["overdue_plan_count"] == 1


def _group_rows(client):
    return {row["group"].name if row["group"] else None: row["numbers"] for row in client.get(reverse("home")).context["groups"]}


def test_admin_home_compares_the_groups_live_and_from_the_nightly_summary(cast, client_for, week):
    _plan(cast.sales1, done=True, hours_from_now=-1)
    _plan(cast.sales2b, hours_from_now=-2)
    client = client_for(cast.admin)
    live = _group_rows(client)
    if timewindows.week_window().start <= timezone.now() - timedelta(hours=2):  # both started this week
        assert (live["Group A"].plans_done, live["Group B"].plans_open, live["Group B"].plans_overdue) == (1, 1, 1)
    summaries.refresh_summaries()
    summary = _group_rows(client)
    for group in (cast.group1, cast.group2):
        owned = Customer.objects.filter(owner__sales_group=group)
        expected = (owned.count(), Customer.objects.filter(overdue_q(), owner__sales_group=group).count())
        assert (live[group.name].customers, live[group.name].overdue) == expected
        assert (summary[group.name].customers, summary[group.name].overdue) == expected
    assert live["Group A"].followups_week == summary["Group A"].followups_week == 2
    assert live["Group B"].claimed_week == summary["Group B"].claimed_week == 1
    assert live["Group A"].gave_up_week == summary["Group A"].gave_up_week == 1
    # Written after the rebuild: still counted (the summary plus the rows since).
    services.followup_create(customer=week["today"][0], subject="又一次", content="c", occurred_at=timezone.now(), by=cast.sales1)
    assert _group_rows(client)["Group A"].followups_week == 3
    assert "as of" in client.get(reverse("home")).content.decode()


def test_empty_home_pages_say_so(cast, client_for):
    page = client_for(cast.sales1).get(reverse("home")).content.decode()
    assert "Nobody to visit today, and nobody overdue." in page and "No customer is overdue." in page
    page = client_for(cast.sup1).get(reverse("home")).content.decode()
    assert "No VIP customer is overdue." in page and "No plan is overdue." in page
    assert "No customer is about to be recycled." in page


def test_home_speaks_chinese(cast, client_for, week):
    page = client_for(cast.sup1).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "今天要拜访（含逾期）" in page and "今天需要您关注" in page


def _home_queries(client) -> int:
    client.get(reverse("home"))  # warm: the first request of a process reads a few things once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def _grow(cast, size):
    """`size` more salespeople in each group and a new group, each with customers to visit, overdue,
    about to be recycled, shared with the cast, follow-ups and overdue plans."""
    extra = SalesGroupFactory(name=f"Group grown {size}")
    for n in range(size):
        for group in (cast.group1, cast.group2, extra):
            person = UserFactory(username=f"grown{group.pk}-{size}-{n}", sales_group=group)
            customers = [_customer(person, due_in=0), _customer(person, due_in=-2, grade="vip"),
                         _customer(person, contacted_days_ago=89)]
            services.followup_create(customer=customers[0], subject="s", content="c", occurred_at=timezone.now(), by=person)
            _plan(person, hours_from_now=-3)
            for colleague in (cast.sales1, cast.sup1):
                services.customer_share(customer=customers[1], colleague=colleague, cofollow=False, by=person)


@pytest.mark.parametrize("who", ["sales1", "sup1", "admin", "backup"])
def test_home_runs_a_few_queries_whatever_the_size_of_the_group(cast, client_for, week, who):
    client = client_for(getattr(cast, who))
    summaries.refresh_summaries()  # the admin's numbers read the nightly summary (and the rows since)
    small = _home_queries(client)
    _grow(cast, 3)
    summaries.refresh_summaries()
    assert _home_queries(client) == small <= 30
    _grow(cast, 6)
    assert _home_queries(client) == small
