"""The message board (SPEC §5): posting, guests, rate limits, escaping, admin-only moderation."""

import pytest
from django.test import override_settings
from django.urls import reverse

from bulletin.models import Post, Reply

pytestmark = pytest.mark.django_db

BOARD = reverse("bulletin:post-list")
NEW = reverse("bulletin:post-create")


def _post(**fields):
    defaults = {"title": "周会通知", "emoticon": "smile", "content": "周五下午三点开会"}
    return {**defaults, **fields}


def _page(response) -> str:
    return response.content.decode()


def _make_post(author, **fields):
    return Post.objects.create(**{"title": "欢迎", "content": "你好", "author": author, **fields})


# --- Posting ----------------------------------------------------------------------------------


def test_salesperson_can_post_a_message_under_their_name(cast, client_for):
    client = client_for(cast.sales1)
    response = client.post(NEW, _post(emoticon="party"), follow=True)
    post = Post.objects.get()
    assert (post.author, post.guest_name, post.emoticon) == (cast.sales1, "", "party")
    page = _page(response)
    assert "周会通知" in page and "张三" in page and "\U0001f389" in page
    assert "Your message is on the board." in page


def test_logged_in_poster_cannot_pretend_to_be_someone_else(cast, client_for):
    client_for(cast.sales1).post(NEW, _post(guest_name="老板"))
    post = Post.objects.get()
    assert post.author == cast.sales1 and post.guest_name == ""


def test_guest_can_post_under_a_typed_name_marked_as_guest(cast, client_for):
    client = client_for(None)
    response = client.post(NEW, _post(guest_name="快递小哥"), follow=True)
    post = Post.objects.get()
    assert post.author is None and post.guest_name == "快递小哥"
    page = _page(response)
    assert "快递小哥" in page and ">guest<" in page


def test_guest_cannot_post_without_a_name(cast, client_for):
    response = client_for(None).post(NEW, _post())
    assert response.status_code == 200
    assert "This field is required." in _page(response)
    assert not Post.objects.exists()


def test_guest_can_reply_and_the_reply_shows_under_the_message(cast, client_for):
    post = _make_post(cast.sales1)
    client = client_for(None)
    response = client.post(
        reverse("bulletin:reply-create", args=[post.pk]), {"content": "我也来", "guest_name": "访客甲"}, follow=True
    )
    reply = Reply.objects.get()
    assert reply.post == post and reply.guest_name == "访客甲" and reply.author is None
    page = _page(response)
    assert page.index("你好") < page.index("我也来")  # the reply comes after its message
    assert f'id="reply-{reply.pk}"' in page


def test_salesperson_can_reply_as_themselves(cast, client_for):
    post = _make_post(cast.sales2)
    client_for(cast.sales1).post(reverse("bulletin:reply-create", args=[post.pk]), {"content": "收到"})
    assert Reply.objects.get().author == cast.sales1


def test_it_lists_newest_messages_first_ten_a_page(cast, client_for):
    for number in range(12):
        _make_post(cast.sales1, title=f"消息{number:02d}")
    page1 = _page(client_for(cast.sales2).get(BOARD))
    assert page1.index("消息11") < page1.index("消息10")
    assert "消息02" in page1 and "消息01" not in page1
    page2 = _page(client_for(cast.sales2).get(BOARD, {"page": 2}))
    assert "消息01" in page2 and "消息00" in page2 and "消息11" not in page2


def test_it_lists_the_board_in_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for number in range(10):
        post = _make_post(cast.sales1 if number % 2 else cast.sales2, title=f"消息{number}")
        Reply.objects.create(post=post, content="回复", author=cast.sup1)
        Reply.objects.create(post=post, content="回复", guest_name="访客")
    client = client_for(cast.sales1b)
    with django_assert_max_num_queries(8):
        response = client.get(BOARD)
    assert _page(response).count("回复") == 20


# --- Guests switched off ----------------------------------------------------------------------


@override_settings(BULLETIN_ALLOW_GUEST_POSTS=False)
@pytest.mark.parametrize(
    "name, method, needs_pk",
    [
        ("bulletin:post-list", "get", False),
        ("bulletin:post-create", "get", False),
        ("bulletin:post-create", "post", False),
        ("bulletin:post-detail", "get", True),
        ("bulletin:reply-create", "post", True),
    ],
)
def test_guest_cannot_use_the_board_when_the_setting_is_off(cast, client_for, name, method, needs_pk):
    post = _make_post(cast.sales1)
    url = reverse(name, args=[post.pk] if needs_pk else [])
    response = getattr(client_for(None), method)(url, {"content": "x", "guest_name": "访客", **_post()} if method == "post" else {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert Post.objects.count() == 1 and not Reply.objects.exists()


@override_settings(BULLETIN_ALLOW_GUEST_POSTS=False)
def test_salesperson_can_still_post_when_guests_are_off(cast, client_for):
    response = client_for(cast.sales1).post(NEW, _post())
    assert response.status_code == 302 and Post.objects.get().author == cast.sales1


def test_backup_operator_cannot_see_the_board(cast, client_for):
    post = _make_post(cast.sales1)
    client = client_for(cast.backup)
    assert client.get(BOARD).status_code == 404
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.post(NEW, _post()).status_code == 404
    assert Post.objects.count() == 1


# --- Rate limit and honeypot ------------------------------------------------------------------


@override_settings(BULLETIN_GUEST_POST_LIMIT=3)
def test_guest_cannot_post_more_than_the_limit_from_one_address(cast, client_for):
    client = client_for(None)
    for number in range(3):
        assert client.post(NEW, _post(title=f"第{number}条", guest_name="访客")).status_code == 302
    post = Post.objects.first()
    response = client.post(reverse("bulletin:reply-create", args=[post.pk]), {"content": "再来一条", "guest_name": "访客"})
    assert response.status_code == 200
    assert "Please wait a while before posting again." in _page(response)
    assert Post.objects.count() == 3 and not Reply.objects.exists()
    # Another address has its own allowance; a logged-in person is not counted as a guest.
    assert client.post(NEW, _post(guest_name="访客"), REMOTE_ADDR="10.0.0.9").status_code == 302
    assert client_for(cast.sales1).post(NEW, _post()).status_code == 302


@override_settings(BULLETIN_GUEST_POST_LIMIT=1, TRUST_X_FORWARDED_FOR=True)
def test_it_counts_guests_by_the_address_the_proxy_saw(cast, client_for):
    client = client_for(None)
    forwarded = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"}
    assert client.post(NEW, _post(guest_name="访客"), **forwarded).status_code == 302
    # Faking the first entry does not help: the proxy's own entry (the last) is what counts.
    response = client.post(NEW, _post(guest_name="访客"), HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")
    assert response.status_code == 200 and Post.objects.count() == 1


def test_bot_that_fills_the_honeypot_is_refused(cast, client_for):
    response = client_for(None).post(NEW, _post(guest_name="bot", website="http://spam.example"))
    assert response.status_code == 200
    assert "looked automated" in _page(response)
    assert not Post.objects.exists()


def test_it_hides_the_honeypot_from_people(cast, client_for):
    page = _page(client_for(None).get(NEW))
    assert '<div class="d-none" aria-hidden="true"><label for="id_website">' in page
    assert 'name="website" tabindex="-1"' in page


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": ""}, "This field is required."),
        ({"title": "   "}, "This field is required."),
        ({"content": ""}, "This field is required."),
        ({"title": "长" * 101}, "Ensure this value has at most 100 characters"),
        ({"content": "长" * 5001}, "Ensure this value has at most 5000 characters"),
        ({"emoticon": "<img src=x>"}, "Select a valid choice."),
    ],
)
def test_salesperson_cannot_post_bad_input(cast, client_for, fields, message):
    response = client_for(cast.sales1).post(NEW, _post(**fields))
    assert response.status_code == 200
    assert message in _page(response)
    assert not Post.objects.exists()


def test_salesperson_cannot_post_an_empty_reply(cast, client_for):
    post = _make_post(cast.sales2)
    response = client_for(cast.sales1).post(reverse("bulletin:reply-create", args=[post.pk]), {"content": " "})
    assert response.status_code == 200 and "This field is required." in _page(response)
    assert not Reply.objects.exists()


def test_salesperson_cannot_reply_to_a_deleted_message(cast, client_for):
    post = _make_post(cast.sales2)
    url = reverse("bulletin:reply-create", args=[post.pk])
    post.delete()
    response = client_for(cast.sales1).post(url, {"content": "还在吗"}, follow=True)
    assert response.redirect_chain[-1][0] == BOARD
    assert "The message you replied to has been deleted, so your reply was not saved." in _page(response)
    assert not Reply.objects.exists()


# --- Escaping ---------------------------------------------------------------------------------


def test_it_shows_html_from_users_as_text(cast, client_for):
    client = client_for(cast.sales1)
    client.post(NEW, _post(title='<script>alert("t")</script>', content="<script>alert('x')</script>\n<b>粗体</b>"))
    post = Post.objects.get()
    Reply.objects.create(post=post, content='<img src=x onerror="alert(1)">', guest_name='<i>"访客"</i>')
    for url in (BOARD, post.get_absolute_url()):
        page = _page(client.get(url))
        assert "<script>alert" not in page and "<b>粗体" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
        assert "&lt;i&gt;&quot;访客&quot;&lt;/i&gt;" in page


def test_it_makes_links_clickable_and_keeps_line_breaks(cast, client_for):
    _make_post(cast.sales1, content='第一行\n详情见 https://example.com/a?b=1&c="2" 谢谢')
    page = _page(client_for(cast.sales1).get(BOARD))
    assert "第一行<br>详情见" in page
    # The link ends at the quote, which stays plain escaped text: no way out of the attribute.
    assert '<a href="https://example.com/a?b=1&amp;c=" rel="nofollow">https://example.com/a?b=1&amp;c=</a>&quot;2&quot;' in page


def test_it_wraps_long_unbroken_text(cast, client_for):
    word = "啊" * 3000
    post = _make_post(cast.sales1, title="x" * 100, content=word)
    page = _page(client_for(cast.sales1).get(post.get_absolute_url()))
    assert f'<div class="text-break">{word}</div>' in page
    assert '<h2 class="h5 mb-0 text-break">' + "x" * 100 in page


def test_it_escapes_the_title_in_the_delete_confirmation(cast, client_for):
    post = _make_post(cast.sales1, title='"><script>x</script>')
    page = _page(client_for(cast.admin).get(reverse("bulletin:post-delete", args=[post.pk])))
    assert "<script>x" not in page and "&quot;&gt;&lt;script&gt;x&lt;/script&gt;" in page


# --- Moderation: admin only -------------------------------------------------------------------


def _moderation_requests(world):
    post, reply = world
    return [
        ("get", reverse("bulletin:post-edit", args=[post.pk]), {}),
        ("post", reverse("bulletin:post-edit", args=[post.pk]), _post(title="改过的")),
        ("get", reverse("bulletin:post-delete", args=[post.pk]), {}),
        ("post", reverse("bulletin:post-delete", args=[post.pk]), {}),
        ("get", reverse("bulletin:reply-edit", args=[reply.pk]), {}),
        ("post", reverse("bulletin:reply-edit", args=[reply.pk]), {"content": "改过的"}),
        ("post", reverse("bulletin:reply-delete", args=[reply.pk]), {}),
    ]


@pytest.mark.parametrize("who", ["sales1", "sup1", "sales2"])
def test_staff_cannot_edit_or_delete_messages_even_their_own(cast, client_for, who):
    post = _make_post(cast.sales1)
    reply = Reply.objects.create(post=post, content="原回复", author=cast.sales1)
    client = client_for(getattr(cast, who))
    for method, url, data in _moderation_requests((post, reply)):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    post.refresh_from_db()
    reply.refresh_from_db()
    assert (post.title, reply.content) == ("欢迎", "原回复")


def test_guest_cannot_edit_or_delete_messages(cast, client_for):
    post = _make_post(None, guest_name="访客")
    reply = Reply.objects.create(post=post, content="原回复", guest_name="访客")
    client = client_for(None)
    for method, url, data in _moderation_requests((post, reply)):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert Post.objects.get().title == "欢迎" and Reply.objects.get().content == "原回复"


def test_staff_do_not_see_moderation_buttons(cast, client_for):
    post = _make_post(cast.sales1)
    page = _page(client_for(cast.sales1).get(post.get_absolute_url()))
    assert reverse("bulletin:post-edit", args=[post.pk]) not in page
    assert reverse("bulletin:post-delete", args=[post.pk]) not in page


def test_admin_can_edit_a_message_and_it_shows_as_edited(cast, client_for):
    post = _make_post(cast.sales1)
    client = client_for(cast.admin)
    response = client.post(reverse("bulletin:post-edit", args=[post.pk]), _post(title="已更正", emoticon="idea"), follow=True)
    post.refresh_from_db()
    assert (post.title, post.emoticon, post.author) == ("已更正", "idea", cast.sales1)
    assert "edited by an admin" in _page(response)


def test_admin_can_edit_a_reply(cast, client_for):
    post = _make_post(cast.sales1)
    reply = Reply.objects.create(post=post, content="错别字", guest_name="访客")
    client_for(cast.admin).post(reverse("bulletin:reply-edit", args=[reply.pk]), {"content": "已改正"})
    reply.refresh_from_db()
    assert reply.content == "已改正" and reply.edited_at is not None and reply.guest_name == "访客"


def test_admin_is_asked_to_confirm_before_deleting_a_message(cast, client_for):
    post = _make_post(cast.sales1, title="不当言论")
    Reply.objects.create(post=post, content="a", guest_name="g")
    client = client_for(cast.admin)
    detail = _page(client.get(post.get_absolute_url()))
    assert f'href="{reverse("bulletin:post-delete", args=[post.pk])}"' in detail  # a link to the question, not a form
    confirm = _page(client.get(reverse("bulletin:post-delete", args=[post.pk])))
    assert "Delete the message “不当言论” and its 1 reply? This cannot be undone." in confirm
    assert Post.objects.exists()
    response = client.post(reverse("bulletin:post-delete", args=[post.pk]), follow=True)
    assert not Post.objects.exists() and not Reply.objects.exists()
    assert "The message and its replies have been deleted." in _page(response)


def test_admin_can_delete_a_reply_after_confirming(cast, client_for):
    post = _make_post(cast.sales1)
    reply = Reply.objects.create(post=post, content="广告", guest_name="g")
    client = client_for(cast.admin)
    assert 'data-confirm="Delete this reply?"' in _page(client.get(post.get_absolute_url()))
    client.post(reverse("bulletin:reply-delete", args=[reply.pk]))
    assert not Reply.objects.exists() and Post.objects.exists()


def test_it_answers_404_for_a_message_that_does_not_exist(cast, client_for):
    assert client_for(cast.admin).get(reverse("bulletin:post-edit", args=[999999])).status_code == 404
    assert client_for(cast.sales1).get(reverse("bulletin:post-detail", args=[999999])).status_code == 404
