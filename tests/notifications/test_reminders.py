"""Plan reminders (issue 24 part 2): a plan starts in N minutes (the person's N, else the
company's), a plan became overdue; once each, however often the job runs, and again for a
plan moved to another time; delivered to the robot only outside quiet hours."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from django.utils import translation

from notifications import delivery, kinds
from notifications.models import Delivery, Kind, Notification, Preference, Webhook
from notifications.reminders import remind_plans
from workplans.models import Plan

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI)


def _plan(person, subject, start, minutes=60, **fields):
    return Plan.objects.create(author=person, subject=subject, start_at=start, end_at=start + timedelta(minutes=minutes),
                               **fields)


def test_a_plan_starting_within_the_persons_lead_time_is_told_once(cast):
    soon = _plan(cast.sales1, "拜访甲公司", NOW + timedelta(minutes=15))
    _plan(cast.sales1, "拜访乙公司", NOW + timedelta(minutes=16))
    _plan(cast.sales1, "已开始", NOW - timedelta(minutes=1))
    _plan(cast.sales1, "已完成", NOW + timedelta(minutes=5), status=Plan.Status.DONE, completed_at=NOW)
    Preference.objects.create(user=cast.sales1b, plan_lead_minutes=60)
    _plan(cast.sales1b, "下午会议", NOW + timedelta(minutes=45))
    assert remind_plans(now=NOW).starting == 2
    told = {n.recipient: n for n in Notification.objects.filter(kind=Kind.PLAN_SOON)}
    assert set(told) == {cast.sales1, cast.sales1b}
    assert told[cast.sales1].params["subject"] == "拜访甲公司" and told[cast.sales1].url == soon.get_absolute_url()
    with translation.override("zh-hans"):
        assert kinds.text(told[cast.sales1]).title == "您的计划 10:15 开始：拜访甲公司"
    with translation.override("en"):
        assert kinds.text(told[cast.sales1]).title == "Your plan starts at 10:15: 拜访甲公司"
    # Run every minute: nothing twice; the next plan's turn comes a minute later.
    assert remind_plans(now=NOW).starting == 0
    assert remind_plans(now=NOW + timedelta(minutes=1)).starting == 1
    assert Notification.objects.filter(kind=Kind.PLAN_SOON).count() == 3


def test_a_plan_moved_to_another_time_is_told_again(cast):
    plan = _plan(cast.sales1, "拜访甲公司", NOW + timedelta(minutes=10))
    assert remind_plans(now=NOW).starting == 1
    Plan.objects.filter(pk=plan.pk).update(start_at=NOW + timedelta(minutes=40), end_at=NOW + timedelta(minutes=90))
    assert remind_plans(now=NOW + timedelta(minutes=30)).starting == 1
    assert Notification.objects.filter(kind=Kind.PLAN_SOON).count() == 2


def test_a_plan_past_its_end_and_not_completed_is_told_overdue_once(cast):
    late = _plan(cast.sales1, "逾期计划", NOW - timedelta(hours=2))
    _plan(cast.sales1, "完成的", NOW - timedelta(hours=2), status=Plan.Status.DONE, completed_at=NOW)
    _plan(cast.sales1, "很久以前", NOW - timedelta(days=3))
    _plan(cast.sales1, "正好结束", NOW - timedelta(minutes=60))  # ends exactly now: not late yet
    assert remind_plans(now=NOW).overdue == 1
    notification = Notification.objects.get(kind=Kind.PLAN_OVERDUE)
    assert notification.recipient == cast.sales1 and notification.url == late.get_absolute_url()
    with translation.override("zh-hans"):
        text = kinds.text(notification)
        assert text.title == "计划已逾期：逾期计划" and text.lines == ["截止时间 09:00，尚未标记完成。"]
    with translation.override("en"):
        assert kinds.text(notification).lines == ["It ended at 09:00 and is not marked completed."]
    assert remind_plans(now=NOW + timedelta(minutes=1)).overdue == 1  # "正好结束" is late now
    assert remind_plans(now=NOW + timedelta(minutes=2)).overdue == 0


def test_a_second_server_running_at_the_same_time_does_nothing(cast, capsys):
    _plan(cast.sales1, "拜访甲公司", timezone.now() + timedelta(minutes=5))
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", ["notifications.plans"])
            call_command("notify_plans")
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", ["notifications.plans"])
    finally:
        other.close()
    assert "Another notify_plans run holds the lock" in capsys.readouterr().out
    assert not Notification.objects.exists()
    call_command("notify_plans")
    assert "Plans starting soon: 1; plans overdue: 0." in capsys.readouterr().out


def test_the_reminder_reaches_the_robot_after_quiet_hours(cast, receiver):
    Preference.objects.create(user=cast.sales1, quiet_from=time(22, 0), quiet_until=time(7, 0),
                              channels={"plan_soon": ["webhook"]})
    Webhook.objects.create(user=cast.sales1, provider="wecom", url=receiver.url())
    night = datetime(2027, 3, 1, 6, 50, tzinfo=SHANGHAI)
    _plan(cast.sales1, "早会", night + timedelta(minutes=15))
    remind_plans(now=night)
    assert delivery.deliver_due(now=night).waiting == 1 and receiver.posts == []
    assert delivery.deliver_due(now=night + timedelta(minutes=10)).sent == 1
    ((_path, body),) = receiver.posts
    assert "早会" in body["markdown"]["content"]
    assert Delivery.objects.get().status == Delivery.Status.SENT
    remind_plans(now=night + timedelta(minutes=1))
    assert delivery.deliver_due(now=night + timedelta(minutes=11)).sent == 0


def test_the_reminder_goes_over_smtp_in_the_persons_language_and_a_refusal_is_retried(cast, smtp_server):
    from email.header import decode_header, make_header

    cast.sales1.email = "zhang@example.cn"
    cast.sales1.save()
    Preference.objects.create(user=cast.sales1, language="zh-hans", channels={"plan_overdue": ["email"]})
    _plan(cast.sales1, "拜访甲公司", NOW - timedelta(hours=2))
    remind_plans(now=NOW)
    smtp_server.refuse = True
    assert delivery.deliver_due(now=NOW).retrying == 1 and smtp_server.messages == []
    assert "554" in Delivery.objects.get().last_error
    smtp_server.refuse = False
    assert delivery.deliver_due(now=NOW + timedelta(minutes=5)).sent == 1
    ((_sender, recipients, message),) = smtp_server.messages
    assert recipients == ["zhang@example.cn"]
    assert str(make_header(decode_header(message["Subject"]))) == "计划已逾期：拜访甲公司"
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    assert "截止时间 09:00，尚未标记完成。" in text.get_payload(decode=True).decode()


def test_a_reminder_held_by_quiet_hours_past_the_plans_start_is_dropped(cast, receiver):
    Preference.objects.create(user=cast.sales1, quiet_from=time(22, 0), quiet_until=time(7, 0),
                              channels={"plan_soon": ["webhook"]})
    Webhook.objects.create(user=cast.sales1, provider="wecom", url=receiver.url())
    night = datetime(2027, 3, 1, 6, 45, tzinfo=SHANGHAI)
    _plan(cast.sales1, "早班", night + timedelta(minutes=10))  # starts 06:55, quiet until 07:00
    remind_plans(now=night)
    assert delivery.deliver_due(now=night).waiting == 1
    assert delivery.deliver_due(now=night + timedelta(minutes=15)).dropped == 1
    assert receiver.posts == [] and Delivery.objects.get().status == Delivery.Status.DROPPED
    assert Notification.objects.get(kind=Kind.PLAN_SOON).read_at is None  # still in the bell
