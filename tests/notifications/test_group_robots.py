"""Admins set each sales group's robot and see what was sent (issue 24 part 2): a group's people
get their messages in the group's robot unless they set their own; an internal address is
refused with a message; the deliveries page lists what was sent, per channel."""

import pytest
from django.urls import reverse

from notifications import delivery, services
from notifications.models import Kind, Preference, Webhook

pytestmark = pytest.mark.django_db


def test_an_admin_sets_a_groups_robot_that_its_people_use(cast, client_for, receiver):
    admin = client_for(cast.admin)
    page = admin.get(reverse("notifications:delivery-list")).content.decode()
    assert "Group A" in page and reverse("notifications:group-webhook-edit", args=[cast.group1.pk]) in page
    response = admin.post(reverse("notifications:group-webhook-edit", args=[cast.group1.pk]),
                          {"provider": "wecom", "url": receiver.url("/cgi-bin/webhook/send?key=k1"), "secret": ""})
    assert response.status_code == 302
    robot = Webhook.objects.get(sales_group=cast.group1)
    # The test button answers at once.
    admin.post(reverse("notifications:webhook-test", args=[robot.pk]))
    assert len(receiver.posts) == 1
    Preference.objects.create(user=cast.sales1, channels={"handover": ["webhook"]})
    services.notify(recipient=cast.sales1, kind=Kind.HANDOVER, key="k", params={"count": 2, "by": "王主管"})
    assert delivery.deliver_due().sent == 1
    assert "2 customers were handed to you by 王主管" in receiver.posts[1][1]["markdown"]["content"]
    page = admin.get(reverse("notifications:delivery-list")).content.decode()
    assert "Recently sent" in page and "张三" in page and "Customers handed to you" in page
    admin.post(reverse("notifications:group-webhook-delete", args=[cast.group1.pk]))
    assert not Webhook.objects.filter(sales_group=cast.group1).exists()


def test_a_group_robot_at_an_internal_address_is_refused_with_a_message(cast, client_for):
    response = client_for(cast.admin).post(
        reverse("notifications:group-webhook-edit", args=[cast.group1.pk]),
        {"provider": "dingtalk", "url": "http://10.0.0.8/robot/send", "secret": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and not Webhook.objects.exists()
    assert "不允许" in response.content.decode()


def test_a_supervisor_cannot_set_their_groups_robot(cast, client_for):
    response = client_for(cast.sup1).post(reverse("notifications:group-webhook-edit", args=[cast.group1.pk]),
                                          {"provider": "wecom", "url": "https://1.1.1.1/x", "secret": ""})
    assert response.status_code == 404 and not Webhook.objects.exists()
