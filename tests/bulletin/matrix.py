"""Who may open each message-board and suggestions-box URL (BULLETIN_ALLOW_GUEST_POSTS on,
the default; tests/bulletin/test_board.py covers it off).

Board URLs do not depend on who wrote the message. For suggestions the relation says whose
it is: own = signed by sales1, same_group = signed by sales1b, other_group = signed by sales2,
pool = anonymous.
"""

from bulletin.models import Post, Reply, Suggestion
from tests.authz import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation, everyone, staff


def _post(world, relation):
    return {"pk": world.post.pk}


def _reply(world, relation):
    return {"pk": world.reply.pk}


def _suggestion(world, relation):
    # Rows that answer the same for every relation use the salesperson's own suggestion.
    return {"pk": world.suggestions[relation or "own"].pk}


def admin_only(outcome):
    """Moderation (SPEC §5.1): guests log in, staff may see the message but not change it."""
    return {"anonymous": LOGIN, "salesperson": FORBIDDEN, "supervisor": FORBIDDEN, "admin": outcome, "backup": NOT_FOUND}


def management(supervisor, admin, *, salesperson_own=NOT_FOUND):
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=salesperson_own, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=NOT_FOUND),
        "supervisor": supervisor,
        "admin": admin,
        "backup": NOT_FOUND,
    }


POST_DATA = {"title": "周报", "emoticon": "smile", "content": "大家好", "guest_name": "访客"}
REPLY_DATA = {"content": "收到", "guest_name": "访客"}

ROWS = [
    Row("bulletin:post-list", "GET", staff(OK, anonymous=OK)),
    Row("bulletin:post-list", "POST", everyone(NOT_ALLOWED)),
    Row("bulletin:post-create", "GET", staff(OK, anonymous=OK)),
    Row("bulletin:post-create", "POST", staff(REDIRECT, anonymous=REDIRECT), data=POST_DATA),
    Row("bulletin:post-detail", "GET", staff(OK, anonymous=OK), kwargs=_post),
    Row("bulletin:post-detail", "POST", everyone(NOT_ALLOWED), kwargs=_post),
    Row("bulletin:reply-create", "POST", staff(REDIRECT, anonymous=REDIRECT), kwargs=_post, data=REPLY_DATA),
    Row("bulletin:reply-create", "GET", everyone(NOT_ALLOWED), kwargs=_post),
    Row("bulletin:post-edit", "GET", admin_only(OK), kwargs=_post),
    Row("bulletin:post-edit", "POST", admin_only(REDIRECT), kwargs=_post, data=POST_DATA),
    Row("bulletin:post-delete", "GET", admin_only(OK), kwargs=_post),
    Row("bulletin:post-delete", "POST", admin_only(REDIRECT), kwargs=_post),
    Row("bulletin:reply-edit", "GET", admin_only(OK), kwargs=_reply),
    Row("bulletin:reply-edit", "POST", admin_only(REDIRECT), kwargs=_reply, data=REPLY_DATA),
    Row("bulletin:reply-delete", "POST", admin_only(REDIRECT), kwargs=_reply),
    Row("bulletin:reply-delete", "GET", everyone(NOT_ALLOWED), kwargs=_reply),
    # The suggestions box: management reads; a salesperson is told no (403), as issue 7 asks.
    Row(
        "bulletin:suggestion-list",
        "GET",
        {"anonymous": LOGIN, "salesperson": FORBIDDEN, "supervisor": OK, "admin": OK, "backup": NOT_FOUND},
    ),
    Row("bulletin:suggestion-list", "POST", everyone(NOT_ALLOWED)),
    Row("bulletin:suggestion-create", "GET", staff(OK)),
    Row(
        "bulletin:suggestion-create",
        "POST",
        staff(REDIRECT),
        data={"title": "建议", "content": "内容", "sign_as": "anonymous"},
    ),
    Row("bulletin:suggestion-mine", "GET", staff(OK)),
    Row("bulletin:suggestion-mine", "POST", everyone(NOT_ALLOWED)),
    Row(
        "bulletin:suggestion-detail",
        "GET",
        management(
            by_relation(own=OK, same_group=OK, other_group=NOT_FOUND, pool=OK), OK, salesperson_own=OK
        ),
        kwargs=_suggestion,
    ),
    Row("bulletin:suggestion-detail", "POST", everyone(NOT_ALLOWED), kwargs=_suggestion),
    Row(
        "bulletin:suggestion-reply",
        "POST",
        management(
            by_relation(own=REDIRECT, same_group=REDIRECT, other_group=NOT_FOUND, pool=REDIRECT),
            REDIRECT,
            salesperson_own=FORBIDDEN,
        ),
        kwargs=_suggestion,
        data={"content": "谢谢你的建议"},
    ),
    Row("bulletin:suggestion-reply", "GET", everyone(NOT_ALLOWED), kwargs=_suggestion),
    Row(
        "bulletin:suggestion-delete",
        "POST",
        management(
            # An anonymous suggestion is for an admin to delete: one supervisor cannot hide it.
            by_relation(own=REDIRECT, same_group=REDIRECT, other_group=NOT_FOUND, pool=FORBIDDEN),
            REDIRECT,
            salesperson_own=FORBIDDEN,
        ),
        kwargs=_suggestion,
    ),
    Row("bulletin:suggestion-delete", "GET", everyone(NOT_ALLOWED), kwargs=_suggestion),
]


def build(world):
    """A message with a reply, and a suggestion for each relation."""
    cast = world.cast
    world.post = Post.objects.create(title="欢迎", emoticon="smile", content="新系统上线", author=cast.sales2)
    world.reply = Reply.objects.create(post=world.post, content="好的", guest_name="访客")
    world.suggestions = {
        "own": Suggestion.objects.create(title="建议一", content="内容", author=cast.sales1),
        "same_group": Suggestion.objects.create(title="建议二", content="内容", author=cast.sales1b),
        "other_group": Suggestion.objects.create(title="建议三", content="内容", author=cast.sales2),
        "pool": Suggestion.objects.create(title="匿名建议", content="内容", author=None),
    }
