"""Replies (issue 24 part 2): management's reply to your signed suggestion and a reply on your
board message are notified to you, in the reply's own transaction, in both languages; an
anonymous suggestion tells nobody, and nobody is told of their own reply."""

import pytest
from django.core.cache import cache
from django.core import mail
from django.urls import reverse
from django.utils import translation

from bulletin.models import Post, Suggestion
from notifications import delivery, kinds
from notifications.models import Kind, Notification, Preference

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_author_of_a_signed_suggestion_is_told_of_managements_reply(cast, client_for):
    cast.sales1.email = "zhang@example.cn"
    cast.sales1.save()
    Preference.objects.create(user=cast.sales1, language="zh-hans")
    suggestion = Suggestion.objects.create(title="增加打卡功能", content="……", author=cast.sales1)
    client_for(cast.sup1).post(reverse("bulletin:suggestion-reply", args=[suggestion.pk]), {"content": "下周讨论"})
    notification = Notification.objects.get(kind=Kind.SUGGESTION_REPLY)
    assert notification.recipient == cast.sales1 and notification.url == suggestion.get_absolute_url()
    with translation.override("en"):
        text = kinds.text(notification)
        assert text.title == f"{cast.sup1.display_name} replied to your suggestion “增加打卡功能”"
        assert text.lines == ["下周讨论"]
    # E-mail is the company default for this kind, in the person's language.
    assert delivery.deliver_due().sent == 1
    assert mail.outbox[0].subject == f"{cast.sup1.display_name} 回复了您的建议“增加打卡功能”"
    page = client_for(cast.sales1).get(reverse("notifications:notification-list")).content.decode()
    assert "下周讨论" in page


def test_an_anonymous_suggestion_tells_nobody(cast, client_for):
    suggestion = Suggestion.objects.create(title="匿名建议", content="……", author=None)
    client_for(cast.sup1).post(reverse("bulletin:suggestion-reply", args=[suggestion.pk]), {"content": "收到"})
    assert not Notification.objects.exists()


def test_the_author_of_a_board_message_is_told_of_a_reply_but_not_of_their_own(cast, client_for):
    post = Post.objects.create(title="周五聚餐", content="谁去？", author=cast.sales1)
    client_for(cast.sales2).post(reverse("bulletin:reply-create", args=[post.pk]), {"content": "我去"})
    client_for(cast.sales1).post(reverse("bulletin:reply-create", args=[post.pk]), {"content": "好的"})
    (notification,) = Notification.objects.filter(kind=Kind.BOARD_REPLY)
    assert notification.recipient == cast.sales1 and notification.url.startswith(post.get_absolute_url() + "#reply-")
    with translation.override("zh-hans"):
        assert kinds.text(notification).title == f"{cast.sales2.display_name} 回复了您的留言“周五聚餐”"
    with translation.override("en"):
        assert kinds.text(notification).title == f"{cast.sales2.display_name} replied to your board message “周五聚餐”"
    # The notification is its recipient's only: another person opening it gets a 404.
    other = client_for(cast.sales2).post(reverse("notifications:notification-open", args=[notification.pk]))
    assert other.status_code == 404 and Notification.objects.get(pk=notification.pk).read_at is None


def test_a_reply_that_fails_leaves_no_notification(cast, client_for):
    post = Post.objects.create(title="周五聚餐", content="谁去？", author=cast.sales1)
    client_for(cast.sales2).post(reverse("bulletin:reply-create", args=[post.pk]), {"content": " "})
    assert not Notification.objects.exists()
