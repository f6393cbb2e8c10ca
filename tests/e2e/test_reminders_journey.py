"""Issue 24 part 2 as people see it: on a phone in Chinese, a salesperson reads a plan reminder
and a reply to their suggestion in the bell's list and sets their plan reminder lead time; a
supervisor reads their group digest; an admin sets a sales group's robot from the deliveries
page. Also on a desktop in English."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin.models import Suggestion, SuggestionReply
from bulletin.services import suggestion_reply
from notifications.group_digest import send_group_digests
from notifications.models import Preference, Webhook
from notifications.reminders import remind_plans
from tests.e2e.steps import submit, success_message
from tests.factories import CustomerFactory
from workplans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device,language", [("phone", "zh-hans"), ("desktop", "en")])
def test_reminders_reach_people_and_an_admin_sets_a_group_robot(cast, journey, device, language):
    now = timezone.now()
    Plan.objects.create(author=cast.sales1, subject="拜访梅花电子", start_at=now + timedelta(minutes=10),
                        end_at=now + timedelta(minutes=70))
    remind_plans(now=now)
    suggestion = Suggestion.objects.create(title="增加打卡功能", content="外勤打卡", author=cast.sales1)
    suggestion_reply(suggestion=suggestion, content="下周例会讨论", by=cast.sup1)
    assert SuggestionReply.objects.count() == 1
    CustomerFactory(owner=cast.sales1b, name="逾期大客户", grade="vip", next_contact_on=timezone.localdate() - timedelta(days=3))
    send_group_digests(now=timezone.make_aware(datetime.combine(timezone.localdate(), time(23, 59))))

    # Product names Chinese readers use as they are (the robot's "Webhook 地址", Outlook).
    products = ("Webhook", "Outlook", "CRM")
    me = journey("24b-reminders", cast.sales1, device=device, language=language, allowed=products)
    page = me.go(reverse("notifications:notification-list"))
    text = page.locator("main").inner_text()
    assert "拜访梅花电子" in text and "增加打卡功能" in text and "下周例会讨论" in text
    me.shot("salesperson-list")
    page = me.go(reverse("notifications:preference-edit"))
    page.fill("#id_plan_lead_minutes", "30")
    me.shot("settings")
    submit(page, "main form[action$='/settings/']")
    assert success_message(page)
    assert Preference.objects.get(user=cast.sales1).plan_lead_minutes == 30

    boss = journey("24b-reminders", cast.sup1, device=device, language=language, allowed=products)
    page = boss.go(reverse("notifications:notification-list"))
    assert "逾期大客户" in page.locator("main").inner_text()
    boss.shot("supervisor-group-digest")

    admin = journey("24b-reminders", cast.admin, device=device, language=language, allowed=products)
    page = admin.go(reverse("notifications:delivery-list"))
    admin.shot("deliveries")
    page.locator(f"main a[href='{reverse('notifications:group-webhook-edit', args=[cast.group1.pk])}']").click()
    page.select_option("#id_provider", "wecom")
    page.fill("#id_url", "https://1.1.1.1/cgi-bin/webhook/send?key=abc")
    admin.shot("group-robot-form")
    submit(page)
    assert success_message(page)
    assert Webhook.objects.get(sales_group=cast.group1).provider == "wecom"
    admin.shot("deliveries-with-robot")
