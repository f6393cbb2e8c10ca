"""SPEC §1.A: the twelve one-click views, at their boundaries, in the Asia/Shanghai time zone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from crm.filters import customer_list
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 23 November 2026, 00:30 in Shanghai (still Sunday 16:30 in UTC).
NOW = datetime(2026, 11, 23, 0, 30, tzinfo=SHANGHAI)


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def view(user, key):
    return sorted(customer_list(user, {"view": key}, now=NOW).values_list("name", flat=True))


def test_contacted_today_starts_at_local_midnight(cast):
    CustomerFactory(name="today", owner=cast.sales1, last_contact_at=at(2026, 11, 23, 0, 5))
    CustomerFactory(name="yesterday", owner=cast.sales1, last_contact_at=at(2026, 11, 22, 23, 55))
    assert view(cast.sales1, "contacted_today") == ["today"]


def test_visited_this_week_starts_on_monday(cast):
    CustomerFactory(name="monday", owner=cast.sales1, last_contact_at=at(2026, 11, 23, 0, 1))
    CustomerFactory(name="sunday", owner=cast.sales1, last_contact_at=at(2026, 11, 22, 12, 0))
    assert view(cast.sales1, "visited_week") == ["monday"]


def test_visited_this_month(cast):
    CustomerFactory(name="november", owner=cast.sales1, last_contact_at=at(2026, 11, 1, 0, 0))
    CustomerFactory(name="october", owner=cast.sales1, last_contact_at=at(2026, 10, 31, 23, 59))
    assert view(cast.sales1, "visited_month") == ["november"]


def test_to_visit_today_includes_the_overdue_but_not_tomorrow(cast):
    CustomerFactory(name="due today", owner=cast.sales1, next_contact_on=date(2026, 11, 23))
    CustomerFactory(name="overdue", owner=cast.sales1, next_contact_on=date(2026, 11, 20))
    CustomerFactory(name="tomorrow", owner=cast.sales1, next_contact_on=date(2026, 11, 24))
    CustomerFactory(name="no date", owner=cast.sales1, next_contact_on=None)
    assert view(cast.sales1, "visit_today") == ["due today", "overdue"]


def test_to_visit_this_week_ends_on_sunday(cast):
    CustomerFactory(name="sunday", owner=cast.sales1, next_contact_on=date(2026, 11, 29))
    CustomerFactory(name="next monday", owner=cast.sales1, next_contact_on=date(2026, 11, 30))
    assert view(cast.sales1, "visit_week") == ["sunday"]


def test_to_visit_this_month_ends_with_the_month(cast):
    CustomerFactory(name="30th", owner=cast.sales1, next_contact_on=date(2026, 11, 30))
    CustomerFactory(name="december", owner=cast.sales1, next_contact_on=date(2026, 12, 1))
    assert view(cast.sales1, "visit_month") == ["30th"]


def test_added_today_this_week_this_month(cast):
    CustomerFactory(name="today", owner=cast.sales1, created_at=at(2026, 11, 23, 0, 10))
    CustomerFactory(name="last sunday", owner=cast.sales1, created_at=at(2026, 11, 22, 23, 59))
    CustomerFactory(name="october", owner=cast.sales1, created_at=at(2026, 10, 31, 23, 59))
    assert view(cast.sales1, "added_today") == ["today"]
    assert view(cast.sales1, "added_week") == ["today"]
    assert view(cast.sales1, "added_month") == ["last sunday", "today"]


def test_types(cast):
    CustomerFactory(name="p", owner=cast.sales1, type="prospect")
    CustomerFactory(name="i", owner=cast.sales1, type="intention")
    CustomerFactory(name="s", owner=cast.sales1, type="suspended")
    assert (view(cast.sales1, "prospects"), view(cast.sales1, "intentions"), view(cast.sales1, "suspended")) == (["p"], ["i"], ["s"])


def test_every_view_is_scoped_by_role(cast):
    CustomerFactory(name="mine", owner=cast.sales1, type="prospect")
    CustomerFactory(name="colleague", owner=cast.sales1b, type="prospect")
    CustomerFactory(name="other group", owner=cast.sales2, type="prospect")
    CustomerFactory(name="pool", owner=None, type="prospect")
    assert view(cast.sales1, "prospects") == ["mine"]
    assert view(cast.sup1, "prospects") == ["colleague", "mine"]
    assert view(cast.admin, "prospects") == ["colleague", "mine", "other group"]


def test_supervisor_filters_by_salesperson_and_admin_by_group(cast, client_for):
    CustomerFactory(name="mine", owner=cast.sales1)
    CustomerFactory(name="colleague", owner=cast.sales1b)
    CustomerFactory(name="other group", owner=cast.sales2)
    page = client_for(cast.sup1).get("/customers/", {"owner": cast.sales1b.pk}).content.decode()
    assert "colleague" in page and ">mine<" not in page
    page = client_for(cast.admin).get("/customers/", {"group": cast.group2.pk}).content.decode()
    assert "other group" in page and "colleague" not in page
    # a supervisor cannot filter by someone outside their groups: the filter is dropped, not obeyed
    page = client_for(cast.sup1).get("/customers/", {"owner": cast.sales2.pk}).content.decode()
    assert "other group" not in page
