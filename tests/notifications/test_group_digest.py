"""The supervisors' daily group digest (issue 24 part 2): their groups only, once a day from the
company's time, both languages, nothing when there is nothing to say."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from crm.models import Custody
from notifications import kinds
from notifications.group_digest import send_group_digests
from notifications.models import Kind, Notification
from tests.factories import CustomerFactory
from workplans.models import Plan

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2027, 3, 2, 8, 30, tzinfo=SHANGHAI)


def test_each_supervisor_hears_of_their_own_group_only(cast, settings):
    settings.POOL_RECYCLE_DAYS_NORMAL, settings.POOL_DAILY_CLAIM_LIMIT, settings.POOL_MAX_OWNED = 90, 2, 3
    CustomerFactory(owner=cast.sales1, name="逾期VIP", grade="vip", next_contact_on=MORNING.date() - timedelta(days=3),
                    last_contact_at=MORNING - timedelta(days=20))
    CustomerFactory(owner=cast.sales1b, name="快回公海", last_contact_at=MORNING - timedelta(days=88))
    CustomerFactory(owner=cast.sales2, name="别组VIP", grade="vip", next_contact_on=MORNING.date() - timedelta(days=3),
                    last_contact_at=MORNING - timedelta(days=20))
    Plan.objects.create(author=cast.sales1, subject="逾期计划", start_at=MORNING - timedelta(days=1, hours=2),
                        end_at=MORNING - timedelta(days=1))
    for _ in range(2):
        customer = CustomerFactory(owner=cast.sales1b, last_contact_at=MORNING)
        Custody.objects.create(customer=customer, to_owner=cast.sales1b, reason=Custody.Reason.CLAIMED,
                               created_at=MORNING - timedelta(days=1))
    assert send_group_digests(now=MORNING - timedelta(minutes=1)) == 0
    assert send_group_digests(now=MORNING) == 2
    digests = {n.recipient: n for n in Notification.objects.filter(kind=Kind.GROUP_DIGEST)}
    mine, theirs = digests[cast.sup1], digests[cast.sup2]
    assert mine.params["vip_names"] == ["逾期VIP（张三）"] and mine.params["recycle_names"] == ["快回公海（赵六）"]
    assert mine.params["plan_people"] == [["张三", 1]] and mine.params["claim_limit"] == ["赵六"]
    assert mine.params["over_cap"] == []
    assert theirs.params["vip_names"] == ["别组VIP（李四）"] and theirs.params["overdue_plans"] == 0
    assert "别组VIP" not in str(mine.params) and "张三" not in str(theirs.params)
    with translation.override("zh-hans"):
        text = kinds.text(mine)
        assert text.title == "本组今日：1 位 VIP 客户逾期，1 位客户即将回公海，1 项计划逾期"
        assert "逾期计划：张三 1" in text.lines and "昨日领取达到每日上限（2 位）：赵六" in text.lines
    with translation.override("en"):
        assert kinds.text(mine).title == "Your group today: overdue VIPs 1, back to the pool soon 1, overdue plans 1"
    # Once a day, however often the job runs; salespeople never get one.
    assert send_group_digests(now=MORNING + timedelta(minutes=5)) == 0
    assert not Notification.objects.filter(kind=Kind.GROUP_DIGEST, recipient__in=[cast.sales1, cast.admin]).exists()


def test_a_quiet_group_gets_no_digest(cast):
    CustomerFactory(owner=cast.sales1, last_contact_at=MORNING, next_contact_on=MORNING.date() + timedelta(days=1))
    assert send_group_digests(now=MORNING) == 0
    assert not Notification.objects.exists()
