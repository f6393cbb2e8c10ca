"""The private calendar feed, parsed back with icalendar."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from deals.models import Deal, Stage
from notifications.models import CalendarFeed, Preference
from tests.factories import CustomerFactory
from workplans.models import Plan

pytestmark = pytest.mark.django_db


def _feed(client, token):
    response = client.get(reverse("notifications:calendar-feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_the_feed_has_planned_visits_and_plans_without_phones_unless_asked(cast, client_for, client):
    customer = CustomerFactory(owner=cast.sales1, name="日历客户", company="甲公司", phone="13800138000",
                               next_contact_on=timezone.localdate() + timedelta(days=2))
    CustomerFactory(owner=cast.sales2, name="别人的客户", next_contact_on=timezone.localdate())
    start = timezone.now() + timedelta(days=1)
    plan = Plan.objects.create(author=cast.sales1, subject="拜访计划", start_at=start, end_at=start + timedelta(hours=1))
    plan.customers.add(customer)
    client_for(cast.sales1).post(reverse("notifications:feed-regenerate"))
    token = CalendarFeed.objects.get(user=cast.sales1).token
    events = {str(event["summary"]): event for event in _feed(client, token).walk("VEVENT")}
    assert set(events) == {"☎ 日历客户 (甲公司)", "拜访计划"}
    visit = events["☎ 日历客户 (甲公司)"]
    assert visit.decoded("dtstart") == customer.next_contact_on
    assert str(visit["url"]) == f"https://crm.example.cn{customer.get_absolute_url()}"
    assert "13800138000" not in _feed(client, token).to_ical().decode()
    Preference.objects.create(user=cast.sales1, feed_phones=True)
    assert "13800138000" in _feed(client, token).to_ical().decode()


def test_a_regenerated_or_revoked_token_stops_working(cast, client_for, client):
    person = client_for(cast.sales1)
    person.post(reverse("notifications:feed-regenerate"))
    old = CalendarFeed.objects.get(user=cast.sales1).token
    person.post(reverse("notifications:feed-regenerate"))
    new = CalendarFeed.objects.get(user=cast.sales1).token
    assert new != old and len(new) >= 40
    assert client.get(reverse("notifications:calendar-feed", args=[old])).status_code == 404
    _feed(client, new)
    person.post(reverse("notifications:feed-revoke"))
    assert client.get(reverse("notifications:calendar-feed", args=[new])).status_code == 404


def test_a_departed_persons_feed_is_gone(cast, client):
    CalendarFeed.objects.create(user=cast.sales1, token="departed-token-0123456789")
    cast.sales1.is_active = False
    cast.sales1.save()
    assert client.get(reverse("notifications:calendar-feed", args=["departed-token-0123456789"])).status_code == 404


def test_the_feed_has_the_close_dates_of_open_deals(cast, client_for, client):
    customer = CustomerFactory(owner=cast.sales1, name="商机客户")
    open_stage = Stage.objects.create(name_zh="谈判", name_en="Negotiation", kind=Stage.Kind.OPEN, probability=50)
    lost = Stage.objects.create(name_zh="输单", name_en="Lost", kind=Stage.Kind.LOST)
    close_on = timezone.localdate() + timedelta(days=10)
    deal = Deal.objects.create(customer=customer, owner=cast.sales1, title="年度合同", amount=120000, stage=open_stage,
                               probability=50, expected_close_on=close_on, created_by=cast.sales1)
    Deal.objects.create(customer=customer, owner=cast.sales1, title="丢了的单", amount=1, stage=lost, probability=0,
                        expected_close_on=close_on, created_by=cast.sales1)
    client_for(cast.sales1).post(reverse("notifications:feed-regenerate"))
    token = CalendarFeed.objects.get(user=cast.sales1).token
    events = {str(event["summary"]): event for event in _feed(client, token).walk("VEVENT")}
    assert set(events) == {"¥ 年度合同 (商机客户)"}
    assert events["¥ 年度合同 (商机客户)"].decoded("dtstart") == close_on
    assert str(events["¥ 年度合同 (商机客户)"]["url"]) == f"https://crm.example.cn{deal.get_absolute_url()}"
