"""E-mail and robot delivery: formats, DingTalk's and Feishu's signatures checked by a local
receiver, retries with back-off, a channel that is down delaying only its own messages, quiet
hours, old messages dropped, and nothing sent twice."""

import base64
import hashlib
import hmac
import logging
import urllib.parse
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from notifications import delivery, services
from notifications.models import Delivery, Kind, Notification, Preference, Webhook

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PARAMS = {"count": 38, "by": "王主管", "names": ["甲公司", "乙公司"]}


def _everything_everywhere(person):
    Preference.objects.create(user=person, channels={"handover": ["email", "webhook"]})


def _notify(person, key="k", now=None):
    return services.notify(recipient=person, kind=Kind.HANDOVER, key=key, params=PARAMS, url="/customers/", now=now)


def test_it_emails_html_and_text_in_the_persons_language(cast):
    cast.sales1.email = "zhang@example.cn"
    cast.sales1.save()
    Preference.objects.create(user=cast.sales1, language="zh-hans", channels={"handover": ["email"]})
    _notify(cast.sales1)
    outcome = delivery.deliver_due()
    assert outcome.sent == 1
    (message,) = mail.outbox
    assert message.to == ["zhang@example.cn"] and message.subject == "王主管交给您 38 位客户"
    assert "甲公司" in message.body and "https://crm.example.cn/customers/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "在 CRM 中打开" in html and 'href="https://crm.example.cn/customers/"' in html


def test_a_person_who_turned_e_mail_off_gets_none(cast):
    cast.sales1.email = "zhang@example.cn"
    cast.sales1.save()
    Preference.objects.create(user=cast.sales1, channels={"handover": []})
    assert _notify(cast.sales1) is not None
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("provider", ["wecom", "dingtalk", "feishu"])
def test_each_robot_gets_its_documented_markdown_message_signed(cast, receiver, provider):
    _everything_everywhere(cast.sales1)
    Webhook.objects.create(user=cast.sales1, provider=provider, url=receiver.url("/robot/send?access_token=t0k"),
                           secret="SECsecret" if provider != "wecom" else "")
    if provider == "feishu":
        receiver.answer = {"code": 0, "msg": "success"}
    _notify(cast.sales1)
    assert delivery.deliver_due().sent == 1
    ((path, body),) = receiver.posts
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["t0k"]
    if provider == "wecom":
        assert body["msgtype"] == "markdown" and "**38 customers were handed to you by 王主管**" in body["markdown"]["content"]
    elif provider == "dingtalk":
        assert body["msgtype"] == "markdown" and "甲公司" in body["markdown"]["text"] and body["markdown"]["title"]
        timestamp, sign = query["timestamp"][0], query["sign"][0]
        expected = base64.b64encode(hmac.new(b"SECsecret", f"{timestamp}\nSECsecret".encode(), hashlib.sha256).digest())
        assert sign == expected.decode()
        assert abs(int(timestamp) - timezone.now().timestamp() * 1000) < 60_000
    else:
        assert body["msg_type"] == "interactive" and "甲公司" in body["card"]["elements"][0]["content"]
        key = f"{body['timestamp']}\nSECsecret".encode()
        assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert "https://crm.example.cn/customers/" in str(body)


def test_a_failing_robot_is_retried_with_back_off_then_given_up(cast, receiver, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    _everything_everywhere(cast.sales1)
    Webhook.objects.create(user=cast.sales1, provider="wecom", url=receiver.url())
    now = timezone.now()
    _notify(cast.sales1, now=now)
    receiver.status = 500
    assert delivery.deliver_due(now=now).retrying == 1
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.RETRYING and row.attempts == 1 and "HTTP 500" in row.last_error
    assert row.next_attempt_at == now + timedelta(seconds=settings.NOTIFY_RETRY_SECONDS)
    assert delivery.deliver_due(now=now + timedelta(seconds=30)).retrying == 0  # not due yet: nothing sent
    later = now + timedelta(seconds=settings.NOTIFY_RETRY_SECONDS)
    delivery.deliver_due(now=later)
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == later + timedelta(seconds=2 * settings.NOTIFY_RETRY_SECONDS)
    receiver.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    receiver.status = 200
    assert delivery.deliver_due(now=row.next_attempt_at).failed == 1
    row.refresh_from_db()
    assert row.status == Delivery.Status.FAILED and "93000" in row.last_error
    assert len(receiver.posts) == 3


def test_a_robot_that_is_down_delays_only_its_own_messages(cast, receiver, settings):
    for person in (cast.sales1, cast.sales1b):
        _everything_everywhere(person)
    person_a_robot = Webhook.objects.create(user=cast.sales1, provider="wecom", url="http://127.0.0.1:9/down")
    Webhook.objects.create(user=cast.sales1b, provider="wecom", url=receiver.url())
    cast.sales1.email = "a@example.cn"
    cast.sales1.save()
    _notify(cast.sales1, "one"), _notify(cast.sales1, "two"), _notify(cast.sales1b, "three")
    outcome = delivery.deliver_due()
    assert outcome.sent == 3  # two e-mails of sales1, sales1b's robot message
    assert outcome.retrying == 1  # one try of the down robot; its second message waits for the next run
    assert Delivery.objects.filter(webhook=person_a_robot, attempts=0, status="pending").count() == 1
    assert len(receiver.posts) == 1 and len(mail.outbox) == 2


def test_a_second_run_sends_nothing_twice(cast, receiver):
    _everything_everywhere(cast.sales1)
    Webhook.objects.create(user=cast.sales1, provider="wecom", url=receiver.url())
    _notify(cast.sales1)
    _notify(cast.sales1)  # the same key: nothing new
    delivery.deliver_due()
    delivery.deliver_due()
    assert len(receiver.posts) == 1 and Notification.objects.count() == 1


def test_quiet_hours_hold_outside_messages_until_they_end(cast, receiver):
    Preference.objects.create(user=cast.sales1, channels={"handover": ["webhook"]}, quiet_from=time(22),
                              quiet_until=time(7, 30))
    Webhook.objects.create(user=cast.sales1, provider="wecom", url=receiver.url())
    night = datetime(2027, 3, 1, 23, 15, tzinfo=SHANGHAI)
    _notify(cast.sales1, now=night)
    assert delivery.deliver_due(now=night).waiting == 1
    assert Delivery.objects.get().next_attempt_at == datetime(2027, 3, 2, 7, 30, tzinfo=SHANGHAI)
    assert not receiver.posts
    assert delivery.deliver_due(now=datetime(2027, 3, 2, 7, 30, tzinfo=SHANGHAI)).sent == 1
    assert Notification.objects.get().read_at is None  # the CRM shows it all along


def test_a_message_too_old_is_dropped_with_a_log_line(cast, receiver, settings, caplog):
    _everything_everywhere(cast.sales1)
    Webhook.objects.create(user=cast.sales1, provider="wecom", url=receiver.url("/robot/send?key=SECRET-KEY"))
    created = timezone.now() - timedelta(hours=settings.NOTIFY_MAX_AGE_HOURS + 1)
    _notify(cast.sales1, now=created)
    with caplog.at_level(logging.INFO, logger="notifications.delivery"):
        assert delivery.deliver_due().dropped == 1
    assert not receiver.posts and Delivery.objects.get().status == Delivery.Status.DROPPED
    assert "dropped" in caplog.text and "SECRET-KEY" not in caplog.text


def test_a_robot_url_turned_internal_is_not_called(cast, settings):
    _everything_everywhere(cast.sales1)
    Webhook.objects.create(user=cast.sales1, provider="wecom", url="http://127.0.0.1:9/robot")
    _notify(cast.sales1)
    delivery.deliver_due()
    assert "internal address" in Delivery.objects.get().last_error


def test_the_test_button_posts_to_the_robot(cast, client_for, receiver):
    robot = Webhook.objects.create(user=cast.sales1, provider="dingtalk", url=receiver.url(), secret="SECx")
    response = client_for(cast.admin).post(f"/notifications/robots/{robot.pk}/test/", follow=True)
    assert "The robot took the test message." in response.content.decode()
    assert "Test message from the CRM" in receiver.posts[0][1]["markdown"]["text"]
