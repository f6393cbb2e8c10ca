import pytest
from django.urls import reverse

from bulletin.models import Post, Reply, Suggestion

pytestmark = pytest.mark.django_db


def test_it_shows_the_board_in_chinese_to_a_chinese_browser(cast, client_for):
    post = Post.objects.create(title="欢迎", content="你好", author=cast.sales1)
    Reply.objects.create(post=post, content="收到", guest_name="访客甲")
    page = client_for(None).get(reverse("bulletin:post-list"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "留言板" in page and "发表留言" in page and ">访客<" in page
    assert "您尚未登录：可以以访客身份浏览、留言和回复。" in page
    assert "Message board" not in page


def test_it_shows_the_suggestion_form_and_refusals_in_chinese(cast, client_for):
    client = client_for(cast.sup1)
    page = client.get(reverse("bulletin:suggestion-create"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "提建议" in page and "匿名发送" in page
    response = client.post(reverse("bulletin:suggestion-create"), {"title": "", "content": "x"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "这个字段是必填项" in response.content.decode()
    Suggestion.objects.create(title="建议", content="x")
    listing = client.get(reverse("bulletin:suggestion-list"), {"window": "3days"}, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "最近三天" in listing and "匿名" in listing and "自定义范围" in listing
