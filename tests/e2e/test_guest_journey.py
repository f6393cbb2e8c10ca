"""Journey 6 (issue 14): a visitor without an account posts on the message board."""

import pytest
from django.urls import reverse

from bulletin.models import Post
from tests.e2e.steps import submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device,language", [("desktop", "en"), ("phone", "zh-hans")])
def test_guest_posts_on_the_board_without_logging_in(cast, journey, device, language):
    me = journey("6-guest", device=device, language=language)
    page = me.go(reverse("bulletin:post-list"))
    me.shot("board-empty")
    page.locator(f"main a[href='{reverse('bulletin:post-create')}']").click()
    page.fill("#id_guest_name", "前台 小刘")
    page.fill("#id_title", "明天上午有供应商来访")
    page.fill("#id_content", "十点左右到，请大家留意前台。")
    me.shot("post-form")
    submit(page, "form.bulletin-form")
    post = Post.objects.get()
    assert post.author is None and post.guest_name == "前台 小刘"
    assert success_message(page)
    assert "明天上午有供应商来访" in page.locator("main").inner_text()
    me.shot("posted")
