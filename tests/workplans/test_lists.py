"""Finding plans (SPEC §4.2.B): windows, status (overdue boundary), salesperson name, order,
the agenda, today's plans, the weekly summary, and constant query counts."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from common.timewindows import local_midnight, today
from tests.workplans.plans import make_plan
from workplans import selectors

pytestmark = pytest.mark.django_db


def _noon(days_from_today=0):
    return local_midnight(today() + timedelta(days=days_from_today)) + timedelta(hours=12)


def _list(client, **params):
    return client.get(reverse("workplans:plan-list"), params).content.decode()


def test_salesperson_sees_this_weeks_plans_in_start_order_by_default(cast, client_for):
    make_plan(cast.sales1, subject="下午拜访", start=_noon() + timedelta(hours=3))
    make_plan(cast.sales1, subject="上午电话", start=_noon() - timedelta(hours=3))
    make_plan(cast.sales1, subject="上个月的计划", start=_noon(-40))
    page = _list(client_for(cast.sales1))
    assert page.index("上午电话") < page.index("下午拜访")
    assert "上个月的计划" not in page


@pytest.mark.parametrize("when,today_in,next_week_in,long_ago_in", [
    ("today", True, False, False),
    ("week", True, False, False),
    ("any", True, True, True),
])
def test_it_filters_by_time_window(cast, client_for, when, today_in, next_week_in, long_ago_in):
    make_plan(cast.sales1, subject="今天的计划", start=_noon())
    make_plan(cast.sales1, subject="下周的计划", start=_noon(7))
    make_plan(cast.sales1, subject="很久以前", start=_noon(-400))
    page = _list(client_for(cast.sales1), when=when)
    assert ("今天的计划" in page, "下周的计划" in page, "很久以前" in page) == (today_in, next_week_in, long_ago_in)


def test_it_filters_by_this_month(cast, client_for):
    make_plan(cast.sales1, subject="今天的计划", start=_noon())
    make_plan(cast.sales1, subject="两个月前", start=_noon(-62))
    page = _list(client_for(cast.sales1), when="month")
    assert "今天的计划" in page and "两个月前" not in page


def test_it_filters_by_a_custom_window(cast, client_for):
    make_plan(cast.sales1, subject="十天前", start=_noon(-10))
    make_plan(cast.sales1, subject="今天的计划", start=_noon())
    day = (today() - timedelta(days=10)).isoformat()
    page = _list(client_for(cast.sales1), when="custom", date_from=day, date_to=day)
    assert "十天前" in page and "今天的计划" not in page


def test_it_explains_a_reversed_custom_window(cast, client_for):
    page = _list(client_for(cast.sales1), when="custom", date_from="2026-05-02", date_to="2026-05-01")
    assert "The end of the window is before its start." in page


@pytest.mark.parametrize("status,expected", [
    ("done", {"已完成"}),
    ("open", {"已逾期", "未到期"}),
    ("overdue", {"已逾期"}),
    ("", {"已完成", "已逾期", "未到期"}),
])
def test_it_filters_by_status(cast, client_for, status, expected):
    now = timezone.now()
    make_plan(cast.sales1, subject="已完成", start=now - timedelta(hours=3), done=True)
    make_plan(cast.sales1, subject="已逾期", start=now - timedelta(hours=2), hours=1)
    make_plan(cast.sales1, subject="未到期", start=now - timedelta(minutes=30), hours=2)
    page = _list(client_for(cast.sales1), when="any", status=status)
    assert {s for s in ("已完成", "已逾期", "未到期") if s in page} == expected


def test_it_counts_a_plan_as_overdue_only_once_its_end_time_has_passed(cast):
    now = timezone.now()
    ends_now = make_plan(cast.sales1, subject="ends now", start=now - timedelta(hours=1))
    ends_now.end_at = now
    ends_now.save()
    just_late = make_plan(cast.sales1, subject="just late", start=now - timedelta(hours=1))
    just_late.end_at = now - timedelta(microseconds=1)
    just_late.save()
    done_late = make_plan(cast.sales1, subject="done late", start=now - timedelta(hours=3), done=True)

    overdue = set(selectors.plan_list(cast.sales1, status="overdue", now=now).values_list("subject", flat=True))
    assert overdue == {"just late"}
    assert not ends_now.is_overdue_at(now) and just_late.is_overdue_at(now) and not done_late.is_overdue_at(now)
    assert ends_now.is_overdue_at(now + timedelta(microseconds=1))


def test_supervisor_can_find_a_salesperson_by_part_of_their_name(cast, client_for):
    make_plan(cast.sales1, subject="张三的计划")
    make_plan(cast.sales1b, subject="赵六的计划")
    page = _list(client_for(cast.sup1), person="赵")
    assert "赵六的计划" in page and "张三的计划" not in page


def test_supervisor_cannot_find_people_outside_their_groups_by_name(cast, client_for):
    make_plan(cast.sales2, subject="李四的计划")
    assert "李四的计划" not in _list(client_for(cast.sup1), person="李四", when="any")
    assert "李四的计划" in _list(client_for(cast.admin), person="李四", when="any")


def test_salesperson_list_has_no_salesperson_filter(cast, client_for):
    make_plan(cast.sales1, subject="我的计划")
    page = _list(client_for(cast.sales1), person="赵")
    assert 'type="search" name="person"' not in page and "我的计划" in page


# +1 each: the notification bell's unread count in the top bar (issue 24 allows one query per page).
@pytest.mark.parametrize("role,max_queries", [("sales1", 5), ("sup1", 9), ("admin", 6)])
def test_list_page_runs_a_constant_number_of_queries(cast, client_for, django_assert_max_num_queries, role, max_queries):
    client = client_for(getattr(cast, role))
    for round_size in (2, 40):
        for person in (cast.sales1, cast.sales1b, cast.sales2):
            for n in range(round_size):
                make_plan(person, done=n % 3 == 0, start=_noon() + timedelta(minutes=n))
        with django_assert_max_num_queries(max_queries):
            assert client.get(reverse("workplans:plan-list"), {"person": "张", "per_page": 50}).status_code == 200
        with django_assert_max_num_queries(max_queries):
            client.get(reverse("workplans:plan-list"), {"status": "overdue", "when": "any"})


def test_salesperson_sees_their_day_in_the_agenda(cast, client_for):
    make_plan(cast.sales1, subject="九点开会", start=_noon() - timedelta(hours=3))
    make_plan(cast.sales1, subject="明天的计划", start=_noon(1))
    make_plan(cast.sales1b, subject="同事的计划", start=_noon())
    client = client_for(cast.sales1)
    day = client.get(reverse("workplans:plan-agenda")).content.decode()
    assert "九点开会" in day and "明天的计划" not in day and "同事的计划" not in day
    tomorrow = client.get(reverse("workplans:plan-agenda"), {"date": (today() + timedelta(days=1)).isoformat()})
    assert "明天的计划" in tomorrow.content.decode()


def test_agenda_week_shows_seven_days_from_monday(cast, client_for):
    make_plan(cast.sales1, subject="本周计划", start=_noon())
    response = client_for(cast.sales1).get(reverse("workplans:plan-agenda"), {"view": "week"})
    page = response.content.decode()
    assert "本周计划" in page
    assert page.count('class="mb-3 agenda-day"') == 7
    monday = today() - timedelta(days=today().weekday())
    days = page.split('class="mb-3 agenda-day"')[1:]  # the day headings, not the date links above them
    assert all((monday + timedelta(days=n)).isoformat() in days[n][:300] for n in range(7))


def test_agenda_survives_a_bad_date(cast, client_for):
    assert client_for(cast.sales1).get(reverse("workplans:plan-agenda"), {"date": "2026-99-99"}).status_code == 200


def test_it_gives_the_home_page_todays_own_plans(cast, client_for, django_assert_max_num_queries):
    make_plan(cast.sales1, subject="今天拜访", start=_noon())
    make_plan(cast.sales1, subject="明天拜访", start=_noon(1))
    make_plan(cast.sales1b, subject="别人的计划", start=_noon())
    with django_assert_max_num_queries(1):
        plans = selectors.todays_plans(cast.sales1)
    assert [p.subject for p in plans] == ["今天拜访"]
    html = render_to_string("workplans/_today.html", {"plans": plans})
    assert "今天拜访" in html and reverse("workplans:plan-create") in html
    assert "No plans for today." in render_to_string("workplans/_today.html", {"plans": []})


def test_supervisor_sees_this_weeks_counts_per_salesperson(cast, client_for):
    now = timezone.now()
    this_week = local_midnight(today() - timedelta(days=today().weekday())) + timedelta(hours=9)
    make_plan(cast.sales1, done=True, start=this_week)
    make_plan(cast.sales1, start=this_week, hours=1)  # overdue unless "now" is Monday before 10:00
    make_plan(cast.sales1b, start=now + timedelta(days=400))  # not this week
    make_plan(cast.sales2, done=True, start=this_week)  # another group
    rows = {row.person.username: row for row in selectors.week_summary(cast.sup1, now=now)}
    assert set(rows) == {"sales1", "sales1b"}
    assert (rows["sales1"].done, rows["sales1"].open) == (1, 1)
    assert rows["sales1"].overdue == (1 if this_week + timedelta(hours=1) < now else 0)
    assert (rows["sales1b"].done, rows["sales1b"].open) == (0, 0)
    page = client_for(cast.sup1).get(reverse("workplans:plan-summary")).content.decode()
    assert cast.sales1.display_name in page and cast.sales2.display_name not in page


def test_admin_summary_covers_every_salesperson(cast):
    assert {"sales1", "sales1b", "sales2", "sales2b"} <= {r.person.username for r in selectors.week_summary(cast.admin)}


def test_salesperson_cannot_open_the_summary(cast, client_for):
    assert client_for(cast.sales1).get(reverse("workplans:plan-summary")).status_code == 404
    assert selectors.week_summary(cast.sales1) == [] or all(
        r.person == cast.sales1 for r in selectors.week_summary(cast.sales1)
    )
