"""The nightly "back to the pool soon" warning and the morning digest: crm's rules, one per person
per day, safe to run twice."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from crm import services
from crm.models import Customer, FollowUp
from deals.models import Deal, Stage
from notifications import kinds
from notifications.jobs import send_digests, warn_recycle_soon
from notifications.models import Kind, Notification, Preference
from tests.factories import CustomerFactory
from workplans.models import Plan

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 3, 1, 3, 0, tzinfo=SHANGHAI)


def test_it_warns_of_customers_recycled_within_three_days_by_crms_rules(cast, settings):
    settings.POOL_RECYCLE_DAYS_NORMAL = 90
    due = CustomerFactory(owner=cast.sales1, name="快到期", last_contact_at=NOW - timedelta(days=88))
    CustomerFactory(owner=cast.sales1, name="还早", last_contact_at=NOW - timedelta(days=80))
    CustomerFactory(owner=cast.sales1, name="重点", last_contact_at=NOW - timedelta(days=88), locked=True)
    assert warn_recycle_soon(now=NOW) == 1
    (notification,) = Notification.objects.filter(kind=Kind.RECYCLE_SOON)
    assert notification.recipient == cast.sales1
    assert [item["name"] for item in notification.params["customers"]] == ["快到期"]
    assert notification.params["customers"][0]["on"] == "2027-03-03" and notification.params["customers"][0]["days"] == 90
    assert due.pk == notification.params["customers"][0]["id"]
    assert warn_recycle_soon(now=NOW) == 0  # a second run the same day: nothing new
    assert Notification.objects.count() == 1


def test_it_warns_of_a_claimed_customer_not_contacted_within_probation(cast, settings, client_for):
    settings.POOL_CLAIM_PROBATION_HOURS = 72
    customer = CustomerFactory(owner=None, name="刚领取", last_contact_at=None)
    claimed = services.customer_claim(customer=customer, by=cast.sales1)
    assert warn_recycle_soon() == 1
    item = Notification.objects.get(recipient=cast.sales1).params["customers"][0]
    assert item["name"] == "刚领取" and item["rule"] == "probation" and item["hours"] == 72
    page = client_for(cast.sales1).get("/notifications/").content.decode()
    assert "刚领取 on" in page and "not contacted since it was claimed (72 hours allowed)" in page
    # Contacted since: no longer warned.
    FollowUp.objects.create(customer=claimed, author=cast.sales1, subject="s", content="c",
                            occurred_at=claimed.updated_at + timedelta(minutes=1))
    Customer.objects.filter(pk=claimed.pk).update(last_contact_at=claimed.updated_at + timedelta(minutes=1))
    Notification.objects.all().delete()
    assert warn_recycle_soon() == 0


def test_the_morning_digest_comes_once_at_the_persons_time(cast):
    today = NOW.date()
    morning = datetime(2027, 3, 1, 8, 30, tzinfo=SHANGHAI)
    CustomerFactory(owner=cast.sales1, name="今天拜访", next_contact_on=today, last_contact_at=morning)
    CustomerFactory(owner=cast.sales1, name="逾期VIP", grade="vip", next_contact_on=today - timedelta(days=2),
                    last_contact_at=morning - timedelta(days=9))
    Plan.objects.create(author=cast.sales1, subject="拜访甲公司", start_at=morning + timedelta(hours=2),
                        end_at=morning + timedelta(hours=3))
    Preference.objects.create(user=cast.sales1b, digest_at=time(9, 0))
    CustomerFactory(owner=cast.sales1b, next_contact_on=today, last_contact_at=morning)
    assert send_digests(now=morning - timedelta(minutes=1)) == 0
    assert send_digests(now=morning) == 1
    digest = Notification.objects.get(kind=Kind.DIGEST)
    assert digest.recipient == cast.sales1
    assert digest.params["visits"] == 1 and digest.params["visit_names"] == ["今天拜访"]
    assert digest.params["overdue"] == {"vip": 1} and digest.params["plan_list"] == [{"at": "10:30", "subject": "拜访甲公司"}]
    assert send_digests(now=morning + timedelta(minutes=5)) == 0
    assert send_digests(now=datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI)) == 1  # sales1b's own time
    assert Notification.objects.filter(kind=Kind.DIGEST).count() == 2


def _open_stage():
    return Stage.objects.create(name_zh="谈判", name_en="Negotiation", kind=Stage.Kind.OPEN, probability=50)


def test_the_digest_lists_open_deals_expected_to_close_this_week(cast):
    morning = datetime(2027, 3, 3, 8, 30, tzinfo=SHANGHAI)  # a Wednesday
    stage, won = _open_stage(), Stage.objects.create(name_zh="赢单", name_en="Won", kind=Stage.Kind.WON)
    customer = CustomerFactory(owner=cast.sales1, name="商机客户", last_contact_at=morning)
    for title, on, at in [("本周签约", date(2027, 3, 7), stage), ("下周签约", date(2027, 3, 8), stage),
                          ("已赢单", date(2027, 3, 4), won), ("昨天到期", date(2027, 3, 2), stage)]:
        Deal.objects.create(customer=customer, owner=cast.sales1, title=title, amount=Decimal("1000"), stage=at,
                            probability=50, expected_close_on=on, created_by=cast.sales1)
    assert send_digests(now=morning) == 1
    digest = Notification.objects.get(kind=Kind.DIGEST, recipient=cast.sales1)
    assert digest.params["deal_list"] == [{"title": "本周签约", "on": "2027-03-07"}]
    with translation.override("zh-hans"):
        assert "预计 2027-03-07 成交的商机：本周签约" in kinds.text(digest).lines
    with translation.override("en"):
        assert "Deal expected to close on 2027-03-07: 本周签约" in kinds.text(digest).lines


def test_the_benchmark_reports_every_target_and_leaves_nothing_behind(cast):
    from io import StringIO

    from django.core.management import call_command

    CustomerFactory(owner=cast.sales1, next_contact_on=timezone.localdate())
    out = StringIO()
    call_command("bench_notify", repeat=2, notifications=10, stdout=out)
    report = out.getvalue()
    assert "morning digest:" in report and "bell: 5 unread of 10, shown \"5\": 1 query" in report and "calendar feed" in report
    assert not Notification.objects.exists()
