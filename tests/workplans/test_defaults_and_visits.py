"""A new plan starts at the next full hour, in the configured time zone; the agenda shows the
visits due each day beside the plans (issue 20, "the phone in their hand")."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.urls import reverse
from django.utils import timezone

from common.timewindows import local_midnight, today
from tests.factories import CustomerFactory
from tests.workplans.plans import make_plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("zone,utc,start,end", [
    ("Asia/Shanghai", datetime(2026, 3, 5, 1, 20), "2026-03-05T10:00", "2026-03-05T11:00"),
    ("Asia/Shanghai", datetime(2026, 3, 5, 15, 59), "2026-03-06T00:00", "2026-03-06T01:00"),  # 23:59 local
    ("Europe/London", datetime(2026, 3, 5, 1, 20), "2026-03-05T02:00", "2026-03-05T03:00"),
])
def test_a_new_plan_starts_at_the_next_full_hour_for_an_hour(cast, client_for, settings, monkeypatch, zone, utc, start, end):
    settings.TIME_ZONE = zone
    monkeypatch.setattr(timezone, "now", lambda: utc.replace(tzinfo=dt_timezone.utc))  # a controllable clock
    page = client_for(cast.sales1).get(reverse("workplans:plan-create")).content.decode()
    assert f'name="start_at" value="{start}"' in page and f'name="end_at" value="{end}"' in page


def test_editing_a_plan_keeps_its_own_times(cast, client_for):
    plan = make_plan(cast.sales1, start=local_midnight(today()) + timedelta(days=3, hours=15, minutes=30))
    page = client_for(cast.sales1).get(reverse("workplans:plan-edit", args=[plan.pk])).content.decode()
    assert f'value="{timezone.localtime(plan.start_at):%Y-%m-%dT%H:%M}"' in page
    assert f'value="{timezone.localtime(plan.end_at):%Y-%m-%dT%H:%M}"' in page


def _agenda(client, **params):
    return client.get(reverse("workplans:plan-agenda"), params).content.decode()


def _visits_of(page, day):
    """The visits box of one day's section of the agenda."""
    sections = page.split('<section class="mb-3 agenda-day">')[1:]
    section = next(section for section in sections if f"{day:%Y-%m-%d}" in section.split("</h2>")[0])
    return section[section.find("agenda-visits"):] if "agenda-visits" in section else ""


def test_the_agenda_shows_the_days_visits_beside_the_plans(cast, client_for):
    day = today()
    due = CustomerFactory(owner=cast.sales1, name="今天要拜访", phone="13800000001", next_contact_on=day)
    late = CustomerFactory(owner=cast.sales1, name="早该拜访", next_contact_on=day - timedelta(days=5))
    CustomerFactory(owner=cast.sales1, name="明天拜访", next_contact_on=day + timedelta(days=1))
    CustomerFactory(owner=cast.sales1b, name="同事的客户", next_contact_on=day)
    plan = make_plan(cast.sales1, subject="拜访今天的客户", start=local_midnight(day) + timedelta(hours=12))
    plan.customers.add(due)
    client = client_for(cast.sales1)
    page = _agenda(client)
    visits = _visits_of(page, day)
    assert "拜访今天的客户" in page
    assert "今天要拜访" in visits and "早该拜访" in visits and "明天拜访" not in visits and "同事的客户" not in page
    assert "overdue since" in visits and 'href="tel:13800000001"' in visits
    assert "planned" in visits  # the plan links it
    assert f"?customer={late.pk}" in visits  # not planned yet: a button to plan it
    tomorrow = _visits_of(_agenda(client, date=(day + timedelta(days=1)).isoformat()), day + timedelta(days=1))
    assert "明天拜访" in tomorrow and "早该拜访" not in tomorrow  # the overdue wait on today


def test_a_past_day_shows_its_own_visits_only(cast, client_for):
    past = today() - timedelta(days=10)
    CustomerFactory(owner=cast.sales1, name="那天要拜访", next_contact_on=past)
    CustomerFactory(owner=cast.sales1, name="更早的", next_contact_on=past - timedelta(days=1))
    page = _agenda(client_for(cast.sales1), date=past.isoformat())
    assert "那天要拜访" in page and "更早的" not in page


def test_the_agenda_reads_a_constant_number_of_queries(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.sales1)
    for n in range(3):
        CustomerFactory(owner=cast.sales1, next_contact_on=today() + timedelta(days=n))
        make_plan(cast.sales1, start=local_midnight(today()) + timedelta(days=n, hours=10))
    _agenda(client, view="week")
    with django_assert_max_num_queries(12) as few:
        _agenda(client, view="week")
    for n in range(30):
        plan = make_plan(cast.sales1, start=local_midnight(today()) + timedelta(days=n % 7, hours=9))
        plan.customers.add(CustomerFactory(owner=cast.sales1, next_contact_on=today() + timedelta(days=n % 7)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        _agenda(client, view="week")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "9998-12-31", "1900-01-01", "2026-02-30", "x" * 1000])
@pytest.mark.parametrize("view", ["day", "week"])
def test_the_agenda_survives_the_ends_of_the_calendar(cast, client_for, day, view):
    response = client_for(cast.sales1).get(reverse("workplans:plan-agenda"), {"date": day, "view": view})
    assert response.status_code == 200
