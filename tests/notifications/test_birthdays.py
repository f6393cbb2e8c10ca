"""Birthdays of customers' contacts and customers' anniversaries (issue 24): told to the customer's
salesperson in the morning (or their chosen days before), once, in their language and channels;
in the morning digest; in the calendar feed when they opt in; never for customers in the pool."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar

from common import bulk
from contacts.models import Contact
from deals import services
from deals.models import Deal
from notifications import delivery, feed, kinds
from notifications.birthdays import anniversaries_by_owner, remind_birthdays
from notifications.jobs import send_digests
from notifications.models import Kind, Notification, Preference, Webhook
from tests.deals.deals_helpers import make_deal, stage, win
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2027, 3, 10, 9, 0, tzinfo=SHANGHAI)  # after the default digest time (08:30)


def _contact(customer, name, birthday):
    return Contact.objects.create(customer=customer, name=name, birthday=birthday, created_by=customer.owner)


def _won(customer, on: date, title="年度采购"):
    """A deal of `customer` opened and signed on `on` (deals refuse a signing before the opening)."""
    deal = make_deal(customer=customer, title=title)
    Deal.objects.filter(pk=deal.pk).update(created_at=datetime(on.year, on.month, on.day, 9, tzinfo=SHANGHAI))
    deal.refresh_from_db()
    return win(deal, on=on)


def _words(notification):
    return kinds.text(notification)


def test_the_salesperson_is_told_on_the_morning_of_a_contacts_birthday_once(cast):
    customer = CustomerFactory(owner=cast.sales1, name="华东贸易")
    _contact(customer, "李经理", date(1980, 3, 10))
    _contact(customer, "明天生日", date(1990, 3, 11))
    early = MORNING.replace(hour=7)
    assert remind_birthdays(now=early) == 0  # before their digest time: nothing yet
    assert remind_birthdays(now=MORNING) == 1
    assert remind_birthdays(now=MORNING + timedelta(hours=2)) == 0  # run again: sent once
    (notification,) = Notification.objects.filter(kind=Kind.BIRTHDAY)
    assert notification.recipient == cast.sales1 and notification.url == customer.get_absolute_url()
    text = _words(notification)
    assert text.title == "Birthdays today: 1 contacts at your customers" and text.lines == ["李经理 of 华东贸易"]


def test_a_person_may_be_told_days_before(cast):
    customer = CustomerFactory(owner=cast.sales1, name="华东贸易")
    _contact(customer, "李经理", date(1980, 3, 13))
    Preference.objects.create(user=cast.sales1, birthday_lead_days=3)
    assert remind_birthdays(now=MORNING) == 1
    notification = Notification.objects.get(kind=Kind.BIRTHDAY)
    assert _words(notification).title == "Birthdays on 2027-03-13 (in 3 days): 1 contacts at your customers"


def test_february_29_birthdays_are_told_on_february_28_in_a_common_year(cast):
    customer = CustomerFactory(owner=cast.sales1, name="闰年客户")
    _contact(customer, "二月二十九", date(1988, 2, 29))
    assert remind_birthdays(now=datetime(2027, 2, 27, 9, 0, tzinfo=SHANGHAI)) == 0
    assert remind_birthdays(now=datetime(2027, 2, 28, 9, 0, tzinfo=SHANGHAI)) == 1
    Notification.objects.all().delete()
    assert remind_birthdays(now=datetime(2028, 2, 28, 9, 0, tzinfo=SHANGHAI)) == 0  # a leap year: on the 29th
    assert remind_birthdays(now=datetime(2028, 2, 29, 9, 0, tzinfo=SHANGHAI)) == 1


def test_the_anniversary_counts_whole_years_from_the_first_won_deal(cast):
    customer = CustomerFactory(owner=cast.sales1, name="老客户")
    _won(customer, date(2024, 3, 10))
    _won(customer, date(2026, 3, 11), title="续约")  # a later deal does not move it
    new = CustomerFactory(owner=cast.sales1, name="今年才签")
    _won(new, date(2027, 3, 10))  # signed today: no anniversary yet
    CustomerFactory(owner=cast.sales1, name="只是线索", created_at=datetime(2020, 3, 10, tzinfo=SHANGHAI))
    assert remind_birthdays(now=MORNING) == 1
    notification = Notification.objects.get(kind=Kind.ANNIVERSARY)
    assert notification.params["items"] == [{"customer": customer.pk, "name": "老客户", "years": 3}]
    assert _words(notification).lines == ["老客户: 3 years since the first signed deal"]


def test_the_anniversary_follows_the_deals_when_a_first_deal_is_reopened_or_deleted(cast):
    customer = CustomerFactory(owner=cast.sales1, name="老客户")
    first = _won(customer, date(2024, 3, 10))
    second = _won(customer, date(2025, 3, 10), title="续约")
    assert anniversaries_by_owner(MORNING.date())[cast.sales1.pk] == [{"customer": customer.pk, "name": "老客户", "years": 3}]
    services.deal_move(deal=first, to_stage=stage(), by=cast.sales1)  # back to an open stage: not signed
    assert anniversaries_by_owner(MORNING.date())[cast.sales1.pk] == [{"customer": customer.pk, "name": "老客户", "years": 2}]
    second.delete()
    assert anniversaries_by_owner(MORNING.date()) == {}


def test_deals_written_in_bulk_get_their_anniversary_from_the_jobs_analyze_or_the_nightly_refresh(cast):
    customer = CustomerFactory(owner=cast.sales1, name="导入客户")
    deal = make_deal(customer=customer)
    # A bulk job writes the table directly (no model signal), then ANALYZEs what it wrote.
    Deal.objects.filter(pk=deal.pk).update(stage=stage("won"), won_amount="100.00", won_on=date(2025, 3, 10))
    assert anniversaries_by_owner(MORNING.date()) == {}
    bulk.analyze(Deal)
    assert anniversaries_by_owner(MORNING.date())[cast.sales1.pk] == [{"customer": customer.pk, "name": "导入客户", "years": 2}]
    Deal.objects.filter(pk=deal.pk).update(stage=stage(), won_amount=None, won_on=None)  # a data fix in SQL
    assert anniversaries_by_owner(MORNING.date()) != {}
    call_command("notify_refresh_since", stdout=StringIO())
    assert anniversaries_by_owner(MORNING.date()) == {}


def test_customers_in_the_pool_are_told_to_no_one(cast):
    customer = CustomerFactory(owner=None, name="公海客户")
    _contact(customer, "没人管", date(1980, 3, 10))
    assert remind_birthdays(now=MORNING) == 0 and not Notification.objects.exists()


def test_a_person_who_switched_the_kind_off_everywhere_still_sees_it_in_the_crm_only(cast):
    customer = CustomerFactory(owner=cast.sales1, name="华东贸易")
    _contact(customer, "李经理", date(1980, 3, 10))
    cast.sales1.email = "zhang@example.cn"
    cast.sales1.save()
    Preference.objects.create(user=cast.sales1, channels={"birthday": []})
    remind_birthdays(now=MORNING)
    assert Notification.objects.filter(kind=Kind.BIRTHDAY).exists()
    assert not Notification.objects.get(kind=Kind.BIRTHDAY).deliveries.exists()


def test_the_email_and_the_robot_message_are_in_chinese(cast, receiver):
    customer = CustomerFactory(owner=cast.sales1, name="华东贸易")
    _contact(customer, "李经理", date(1980, 3, 10))
    _won(customer, date(2025, 3, 10))
    cast.sales1.email = "zhang@example.cn"
    cast.sales1.save()
    Preference.objects.create(user=cast.sales1, language="zh-hans",
                              channels={"birthday": ["email", "webhook"], "anniversary": ["webhook"]})
    Webhook.objects.create(user=cast.sales1, provider="wecom", url=receiver.url("/cgi-bin/webhook/send?key=k"))
    assert remind_birthdays(now=MORNING) == 2
    assert delivery.deliver_due(now=MORNING).sent == 3
    (message,) = mail.outbox
    assert "生日" in message.subject and "李经理" in message.body and "华东贸易" in message.body
    html = message.alternatives[0][0]
    assert "李经理" in html
    contents = [post[1]["markdown"]["content"] for post in receiver.posts]
    assert any("生日" in content and "李经理" in content for content in contents)
    assert any("合作" in content and "华东贸易" in content for content in contents)
    assert delivery.deliver_due(now=MORNING + timedelta(minutes=5)).sent == 0  # nothing twice


def test_the_morning_digest_lists_todays_birthdays_and_anniversaries(cast):
    customer = CustomerFactory(owner=cast.sales1, name="华东贸易")
    _contact(customer, "李经理", date(1980, 3, 10))
    _won(customer, date(2025, 3, 10))
    assert send_digests(now=MORNING) >= 1
    digest = Notification.objects.get(kind=Kind.DIGEST, recipient=cast.sales1)
    lines = _words(digest).lines
    assert "Birthdays today: 李经理 (华东贸易)" in lines
    assert "Anniversaries today: 华东贸易 (2 years)" in lines


def test_the_calendar_shows_birthdays_only_to_whoever_opted_in_and_never_a_phone(cast):
    customer = CustomerFactory(owner=cast.sales1, name="华东贸易", phone="13900001111")
    contact = Contact.objects.create(customer=customer, name="李经理", birthday=date(1988, 2, 29), mobile="13911112222",
                                     created_by=cast.sales1)
    without = Calendar.from_ical(feed.calendar_for(cast.sales1, show_phones=False, now=MORNING))
    assert not [event for event in without.walk("VEVENT") if "李经理" in str(event.get("summary"))]
    body = feed.calendar_for(cast.sales1, show_phones=False, show_birthdays=True, now=MORNING)
    (event,) = [event for event in Calendar.from_ical(body).walk("VEVENT") if "李经理" in str(event.get("summary"))]
    assert event["uid"].startswith(f"birthday-{contact.pk}@")
    assert event["rrule"]["FREQ"] == ["YEARLY"] and event["rrule"]["BYMONTHDAY"] == [-1]
    assert b"13911112222" not in body and b"13900001111" not in body


def test_the_calendar_shows_the_birthdays_and_anniversaries_of_its_window_only(cast):
    """A month back and three ahead, like the feed's visits and plans: not every contact's day of the year."""
    soon = CustomerFactory(owner=cast.sales1, name="华东贸易")
    _contact(soon, "李经理", date(1980, 5, 20))  # in 10 weeks
    _contact(soon, "王总", date(1975, 9, 1))  # in half a year
    _contact(soon, "赵会计", date(1990, 12, 31))  # 69 days ago, and in 10 months
    _won(soon, date(2025, 4, 1))
    later = CustomerFactory(owner=cast.sales1, name="西北物流")
    _won(later, date(2024, 10, 1))
    body = feed.calendar_for(cast.sales1, show_phones=False, show_birthdays=True, now=MORNING)
    summaries = sorted(str(event["summary"]) for event in Calendar.from_ical(body).walk("VEVENT"))
    assert summaries == ["🎂 李经理 (华东贸易)", "🤝 华东贸易"]
    new_year = datetime(2026, 12, 20, 9, 0, tzinfo=SHANGHAI)  # the window spans the new year
    body = feed.calendar_for(cast.sales1, show_phones=False, show_birthdays=True, now=new_year)
    assert "🎂 赵会计 (华东贸易)" in [str(event["summary"]) for event in Calendar.from_ical(body).walk("VEVENT")]


def test_the_preferences_page_sets_the_lead_days_and_refuses_a_bad_value_in_chinese(cast, client_for):
    client = client_for(cast.sales1)
    url = reverse("notifications:preference-edit")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "生日" in page
    response = client.post(url, {"birthday_lead_days": "99"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and not Preference.objects.filter(birthday_lead_days=99).exists()
    client.post(url, {"birthday_lead_days": "2", "feed_birthdays": "on"})
    preference = Preference.objects.get(user=cast.sales1)
    assert preference.birthday_lead_days == 2 and preference.feed_birthdays
