"""The suggestions box (SPEC §6): anonymity, management-only reading, replies, time windows."""

import hashlib
import hmac
import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from bulletin import policies
from bulletin.models import Suggestion, SuggestionReply

pytestmark = pytest.mark.django_db

LIST = reverse("bulletin:suggestion-list")
NEW = reverse("bulletin:suggestion-create")
MINE = reverse("bulletin:suggestion-mine")


def _send(client, *, anonymous, title="关于加班的建议", content="希望周末不要加班"):
    return client.post(NEW, {"title": title, "content": content, "sign_as": "anonymous" if anonymous else "signed"})


def _page(response) -> str:
    return response.content.decode()


# --- Anonymity --------------------------------------------------------------------------------


def _database_snapshot() -> dict[str, set[tuple]]:
    """Every row of every table, as text: what anyone with the database could read."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            snapshot[table] = {tuple(str(value) for value in row) for row in cursor.fetchall()}
    return snapshot


def _cache_contents() -> list[tuple[str, str]]:
    """(key, value) of every cache entry; LocMemCache stores keys as ":<version>:<key>"."""
    keys = [stored.split(":", 2)[-1] for stored in cache._cache]
    return [(key, repr(cache.get(key))) for key in keys]


def test_it_keeps_no_link_between_an_anonymous_suggestion_and_its_sender(cast, client_for, caplog):
    client = client_for(cast.sales1)
    client.get(MINE)  # the session exists before, so we see what sending changes
    before = _database_snapshot()
    caplog.set_level(logging.DEBUG)

    response = _send(client, anonymous=True, title="匿名：主管太凶", content="不敢当面说")

    suggestion = Suggestion.objects.get()
    assert suggestion.author_id is None
    after = _database_snapshot()
    changed = {table: after[table] ^ before[table] for table in after if after[table] != before[table]}
    # Exactly one new row anywhere in the database: the suggestion itself. No audit row, no
    # session change, no counter table, no last-seen column on the user.
    assert list(changed) == ["bulletin_suggestion"] and len(changed["bulletin_suggestion"]) == 1
    row = Suggestion.objects.values().get()
    assert row["author_id"] is None
    identity = {str(cast.sales1.pk), cast.sales1.username, cast.sales1.full_name, str(cast.sales1.sales_group_id)}
    for column, value in row.items():
        if column != "id":
            assert not any(who in str(value) for who in identity - {str(cast.sales1.pk), str(cast.sales1.sales_group_id)}), column
            assert str(value) not in identity, column
    # Nothing in the cache names the sender or the suggestion (the counter is the company's).
    entries = _cache_contents()
    assert entries  # the company-wide anonymous counter is there, under a name that identifies nobody
    for key, value in entries:
        parts = set(key.split(":"))
        assert not identity & parts, key
        assert "主管太凶" not in value and str(suggestion.pk) not in parts
    # Nothing logged about it, and the redirect does not carry its id.
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert cast.sales1.username not in logged and "主管太凶" not in logged
    assert response["Location"] == MINE


def _derived_from(user, session_key: str) -> set[str]:
    """Everything someone holding the database and SECRET_KEY could compute from a person to look
    them up: the id, login and session key, and keyed hashes of them (whole and truncated)."""
    secret = settings.SECRET_KEY.encode()
    raw = {str(user.pk), user.username, session_key}
    messages = raw | {f"{prefix}:{value}" for value in raw for prefix in ("bulletin-suggestion", "suggestion", "user")}
    derived = set(raw)
    for message in messages:
        for algorithm in (hashlib.sha256, hashlib.sha1, hashlib.md5):
            for digest in (hmac.new(secret, message.encode(), algorithm).hexdigest(), algorithm(message.encode()).hexdigest()):
                derived |= {digest, digest[:32], digest[:16]}
    return derived


def _anonymous_traces(client, cast_member, before_cache, before_db):
    """Send one anonymous suggestion as `cast_member`; return what changed in the cache and the database."""
    response = _send(client, anonymous=True, title="匿名：主管太凶", content="不敢当面说")
    assert response.status_code == 302
    cache_now = dict(_cache_contents())
    db_now = _database_snapshot()
    new_cache = {key: value for key, value in cache_now.items() if before_cache.get(key) != value}
    new_rows = {table: db_now[table] - before_db.get(table, set()) for table in db_now}
    return new_cache, {table: rows for table, rows in new_rows.items() if rows}


def test_nothing_the_server_keeps_after_an_anonymous_suggestion_depends_on_who_sent_it(cast, client_for, caplog):
    """Issue 19.3: with SECRET_KEY and the whole cache and database, nobody can tell who sent it."""
    first, second = client_for(cast.sales1), client_for(cast.sales2)
    first.get(MINE), second.get(MINE)
    caplog.set_level(logging.DEBUG)

    before_cache, before_db = dict(_cache_contents()), _database_snapshot()
    cache_1, rows_1 = _anonymous_traces(first, cast.sales1, before_cache, before_db)
    middle_cache, middle_db = dict(_cache_contents()), _database_snapshot()
    cache_2, rows_2 = _anonymous_traces(second, cast.sales2, middle_cache, middle_db)

    # The same keys change whoever sends: a per-sender key (even a keyed hash) would be new here.
    assert set(cache_2) == set(cache_1)
    assert set(rows_1) == set(rows_2) == {"bulletin_suggestion"}
    for person, client in ((cast.sales1, first), (cast.sales2, second)):
        derived = _derived_from(person, client.session.session_key)
        for key, value in list(cache_1.items()) + list(cache_2.items()):
            parts = set(re.split(r"[^0-9A-Za-z_-]+", f"{key} {value}"))
            assert not derived & parts, (person.username, key, value)
        for rows in (rows_1, rows_2):
            for row in rows["bulletin_suggestion"]:
                assert not derived & set(row), (person.username, row)
        logged = " ".join(record.getMessage() for record in caplog.records)
        assert not any(value in logged for value in derived if len(value) > 3), person.username
    # Nor in the audit trail: no event at all was written by either send.
    assert not AuditEvent.objects.exists()


def test_signed_suggestion_stores_its_author(cast, client_for):
    _send(client_for(cast.sales1), anonymous=False)
    assert Suggestion.objects.get().author == cast.sales1


def test_sender_does_not_find_their_anonymous_suggestion_later(cast, client_for):
    client = client_for(cast.sales1)
    response = _send(client, anonymous=True, title="匿名建议")
    page = _page(client.get(response["Location"]))
    assert "Your anonymous suggestion has been sent to management." in page
    assert "匿名建议" not in page
    assert client.get(reverse("bulletin:suggestion-detail", args=[Suggestion.objects.get().pk])).status_code == 404


@override_settings(BULLETIN_SUGGESTION_LIMIT=2)
def test_employee_cannot_send_more_suggestions_than_the_limit(cast, client_for):
    client = client_for(cast.sales1)
    assert _send(client, anonymous=True).status_code == 302
    assert _send(client, anonymous=False).status_code == 302
    response = _send(client, anonymous=True, title="第三条")
    assert response.status_code == 200
    assert "You have sent the most suggestions allowed for now." in _page(response)
    assert Suggestion.objects.count() == 2 and not Suggestion.objects.filter(title="第三条").exists()
    assert _send(client_for(cast.sales1b), anonymous=True).status_code == 302  # a colleague has their own limit


@override_settings(BULLETIN_SUGGESTION_LIMIT=5, BULLETIN_ANONYMOUS_SUGGESTION_LIMIT=3)
def test_a_sender_who_clears_their_cookie_still_meets_the_company_wide_anonymous_limit(cast, client_for):
    client = client_for(cast.sales1)
    for n in range(3):
        client.cookies.pop("crm_suggestions_sent", None)
        assert _send(client, anonymous=True, title=f"第{n}条").status_code == 302
    client.cookies.pop("crm_suggestions_sent", None)
    refused = _send(client_for(cast.sales2), anonymous=True, title="第四条")  # anyone: the box is full today
    assert refused.status_code == 200
    assert "most anonymous suggestions it takes today" in _page(refused)
    assert not Suggestion.objects.filter(title="第四条").exists()
    assert _send(client_for(cast.sales2), anonymous=False, title="署名").status_code == 302  # signed still goes


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "", "content": "内容", "sign_as": "signed"}, "This field is required."),
        ({"title": "标题", "content": "   ", "sign_as": "signed"}, "This field is required."),
        ({"title": "标题", "content": "内容"}, "This field is required."),
        ({"title": "长" * 101, "content": "内容", "sign_as": "anonymous"}, "at most 100 characters"),
        ({"title": "标题", "content": "长" * 5001, "sign_as": "anonymous"}, "at most 5000 characters"),
    ],
)
def test_employee_cannot_send_a_bad_suggestion(cast, client_for, data, message):
    response = client_for(cast.sales1).post(NEW, data)
    assert response.status_code == 200 and message in _page(response)
    assert not Suggestion.objects.exists()


# --- Who reads what ---------------------------------------------------------------------------


@pytest.fixture
def box(cast):
    return {
        "sales1": Suggestion.objects.create(title="张三的建议", content="c", author=cast.sales1),
        "sales1b": Suggestion.objects.create(title="赵六的建议", content="c", author=cast.sales1b),
        "sales2": Suggestion.objects.create(title="李四的建议", content="c", author=cast.sales2),
        "sup2": Suggestion.objects.create(title="李主管的建议", content="c", author=cast.sup2),
        "anonymous": Suggestion.objects.create(title="匿名的建议", content="c"),
    }


def _titles_on(page):
    return {title for title in ("张三的建议", "赵六的建议", "李四的建议", "李主管的建议", "匿名的建议") if title in page}


def test_salesperson_cannot_open_the_suggestions_list(cast, client_for, box):
    response = client_for(cast.sales1).get(LIST)
    assert response.status_code == 403
    page = _page(response)
    assert not _titles_on(page)
    assert "Only supervisors and admins read the suggestions box." in page
    assert f'href="{NEW}"' in page and f'href="{MINE}"' in page


def test_the_policy_answers_who_reads_and_deletes_what(cast, box):
    assert policies.is_management(cast.sup1) and not policies.is_management(cast.sales1)
    assert policies.visible_suggestions(cast.sales1).filter(pk=box["sales1"].pk).exists()
    assert not policies.visible_suggestions(cast.sales1).filter(pk=box["anonymous"].pk).exists()
    assert policies.visible_suggestions(cast.sup1).filter(pk=box["anonymous"].pk).exists()
    assert not policies.may_delete_suggestion(cast.sup1, box["anonymous"])
    assert policies.may_delete_suggestion(cast.admin, box["anonymous"])
    assert policies.may_moderate_board(cast.admin) and not policies.may_moderate_board(cast.sup1)
    assert not policies.may_use_board(cast.backup)


def test_backup_operator_cannot_see_suggestions_at_all(cast, client_for, box):
    client = client_for(cast.backup)
    assert client.get(LIST).status_code == 404
    assert client.get(MINE).status_code == 404
    assert client.get(box["anonymous"].get_absolute_url()).status_code == 404
    assert _send(client, anonymous=True).status_code == 404 and Suggestion.objects.count() == 5


def test_supervisor_reads_their_groups_and_every_anonymous_suggestion(cast, client_for, box):
    assert _titles_on(_page(client_for(cast.sup1).get(LIST))) == {"张三的建议", "赵六的建议", "匿名的建议"}
    assert client_for(cast.sup1).get(box["sales2"].get_absolute_url()).status_code == 404
    assert client_for(cast.sup1).get(box["sup2"].get_absolute_url()).status_code == 404


def test_admin_reads_every_suggestion(cast, client_for, box):
    assert _titles_on(_page(client_for(cast.admin).get(LIST))) == {
        "张三的建议", "赵六的建议", "李四的建议", "李主管的建议", "匿名的建议"
    }


def test_signed_author_reads_only_their_own_suggestions(cast, client_for, box):
    client = client_for(cast.sales1)
    assert _titles_on(_page(client.get(MINE))) == {"张三的建议"}
    assert client.get(box["sales1"].get_absolute_url()).status_code == 200
    for other in ("sales1b", "sales2", "anonymous"):
        assert client.get(box[other].get_absolute_url()).status_code == 404


def test_signed_author_reads_managements_reply(cast, client_for, box):
    client_for(cast.sup1).post(reverse("bulletin:suggestion-reply", args=[box["sales1"].pk]), {"content": "下周讨论"})
    reply = SuggestionReply.objects.get()
    assert reply.author == cast.sup1 and reply.suggestion == box["sales1"]
    page = _page(client_for(cast.sales1).get(MINE))
    assert "下周讨论" in page and "王主管" in page
    assert "下周讨论" not in _page(client_for(cast.sales1b).get(MINE))


def test_salesperson_cannot_reply_to_or_delete_their_own_suggestion(cast, client_for, box):
    client = client_for(cast.sales1)
    url = box["sales1"].get_absolute_url()
    assert client.post(reverse("bulletin:suggestion-reply", args=[box["sales1"].pk]), {"content": "x"}).status_code == 403
    assert client.post(reverse("bulletin:suggestion-delete", args=[box["sales1"].pk])).status_code == 403
    page = _page(client.get(url))
    assert reverse("bulletin:suggestion-delete", args=[box["sales1"].pk]) not in page
    assert not SuggestionReply.objects.exists() and Suggestion.objects.count() == 5


def test_supervisor_cannot_post_an_empty_reply(cast, client_for, box):
    response = client_for(cast.sup1).post(reverse("bulletin:suggestion-reply", args=[box["sales1"].pk]), {"content": ""})
    assert response.status_code == 200 and "This field is required." in _page(response)
    assert not SuggestionReply.objects.exists()


def test_supervisor_can_delete_a_suggestion_of_their_group(cast, client_for, box):
    response = client_for(cast.sup1).post(reverse("bulletin:suggestion-delete", args=[box["sales1b"].pk]), follow=True)
    assert not Suggestion.objects.filter(pk=box["sales1b"].pk).exists()
    assert "The suggestion has been deleted." in _page(response)


def test_supervisor_cannot_delete_an_anonymous_suggestion_but_admin_can(cast, client_for, box):
    anonymous = box["anonymous"]
    url = reverse("bulletin:suggestion-delete", args=[anonymous.pk])
    assert url not in _page(client_for(cast.sup1).get(anonymous.get_absolute_url()))
    assert client_for(cast.sup1).post(url).status_code == 403
    assert Suggestion.objects.filter(pk=anonymous.pk).exists()
    assert 'data-confirm="Delete this suggestion?' in _page(client_for(cast.admin).get(anonymous.get_absolute_url()))
    client_for(cast.admin).post(url)
    assert not Suggestion.objects.filter(pk=anonymous.pk).exists()


def test_it_lists_suggestions_in_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for number in range(10):
        suggestion = Suggestion.objects.create(title=f"s{number}", content="c", author=cast.sales1 if number % 2 else None)
        SuggestionReply.objects.create(suggestion=suggestion, content="r", author=cast.admin)
    client = client_for(cast.admin)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert "1 reply" in _page(response)


# --- Time windows (SPEC §6.3) -----------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=SHANGHAI)  # a Wednesday afternoon


@pytest.fixture
def dated(cast, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    moments = {
        "今天": datetime(2026, 11, 18, 9, 0),
        "周一": datetime(2026, 11, 16, 10, 0),
        "周日晚": datetime(2026, 11, 15, 16, 0),  # within the last 72 hours, before this week
        "上周六": datetime(2026, 11, 14, 10, 0),
        "上个月": datetime(2026, 10, 30, 10, 0),
    }
    for title, moment in moments.items():
        suggestion = Suggestion.objects.create(title=title, content="c", author=cast.sales1)
        Suggestion.objects.filter(pk=suggestion.pk).update(created_at=moment.replace(tzinfo=SHANGHAI))
    return moments


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, {"今天", "周一", "周日晚", "上周六", "上个月"}),
        ({"window": "today"}, {"今天"}),
        ({"window": "3days"}, {"今天", "周一", "周日晚"}),
        ({"window": "week"}, {"今天", "周一"}),
        ({"window": "month"}, {"今天", "周一", "周日晚", "上周六"}),
        ({"window": "custom", "date_from": "2026-10-01", "date_to": "2026-10-31"}, {"上个月"}),
        ({"window": "custom", "date_from": "2026-11-14", "date_to": "2026-11-15"}, {"周日晚", "上周六"}),
        ({"window": "custom", "last_n": "6", "last_unit": "hours"}, {"今天"}),
    ],
)
def test_supervisor_can_filter_suggestions_by_time_window(cast, client_for, dated, query, expected):
    page = _page(client_for(cast.sup1).get(LIST, query))
    assert {title for title in dated if f">{title}<" in page} == expected


def test_it_explains_a_reversed_custom_window(cast, client_for, dated):
    page = _page(client_for(cast.admin).get(LIST, {"window": "custom", "date_from": "2026-11-10", "date_to": "2026-11-01"}))
    assert "The end of the window is before its start." in page
