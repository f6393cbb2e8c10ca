"""Login lockout (django-axes): username + address, a cool-off, one message for everybody,
and every failure and lockout in the audit trail with the client's address."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LIMIT = settings.AXES_FAILURE_LIMIT


def _login(client, username, password="wrong", ip="10.0.0.7", **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _fail(client, username, times=LIMIT, ip="10.0.0.7"):
    for _ in range(times):
        response = _login(client, username, ip=ip)
    return response


def test_it_locks_a_username_out_after_the_failure_limit_even_with_the_right_password(cast, client):
    assert _fail(client, "sales1", times=LIMIT - 1).status_code == 200  # still just "wrong password"
    locked = _login(client, "sales1")
    assert locked.status_code == 429
    right_password = _login(client, "sales1", PASSWORD)
    assert right_password.status_code == 429
    assert "Too many failed logins" in right_password.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_say_whether_the_user_exists(cast, client):
    real = _fail(client, "sales1")
    unknown = _fail(client, "nobody-here")
    assert real.status_code == unknown.status_code == 429
    assert _page(real, "sales1") == _page(unknown, "nobody-here")


def _page(response, username):
    return re.sub(r'value="[^"]{40,}"', "", response.content.decode()).replace(username, "X")  # minus the CSRF token


def test_lockout_is_per_username_and_address(cast, client):
    _fail(client, "sales1", ip="10.0.0.7")
    assert _login(client, "sales1", PASSWORD, ip="10.0.0.8").status_code == 302  # colleague's computer
    assert _login(client, "sales1b", PASSWORD, ip="10.0.0.7").status_code == 302  # another user, same office


def test_lockout_ends_after_the_cool_off(cast, client):
    _fail(client, "sales1")
    assert _login(client, "sales1", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert _login(client, "sales1", PASSWORD).status_code == 302


def test_lockout_message_is_in_chinese_for_a_chinese_browser(cast, client):
    response = _fail(client, "sales1")
    response = _login(client, "sales1", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_failures_and_the_lockout_are_in_the_audit_trail_with_the_address(cast, client):
    _fail(client, "sales1", ip="10.9.8.7")
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert failed.count() == LIMIT
    assert set(failed.values_list("ip", flat=True)) == {"10.9.8.7"}
    assert failed.first().data["username"] == "sales1"
    lockout = AuditEvent.objects.get(action="auth.lockout")
    assert lockout.ip == "10.9.8.7" and lockout.actor is None
    assert "wrong" not in str(lockout.data) and "wrong" not in str(failed.first().data)  # never the password


def test_a_successful_login_resets_the_count(cast, client):
    _fail(client, "sales1", times=LIMIT - 1)
    assert _login(client, "sales1", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert _fail(client, "sales1", times=LIMIT - 1).status_code == 200


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(cast, client, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    _login(client, "sales1", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")  # first entry: the client's word
    assert AuditEvent.objects.get(action="auth.login_failed").ip == "203.0.113.9"
    settings.TRUST_X_FORWARDED_FOR = False
    _login(client, "sales1", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert AuditEvent.objects.filter(action="auth.login_failed").latest("id").ip == "10.0.0.1"


# --- The password-change form (issue 19.8): the current password is guessed like a login ------

NEW_PASSWORD = "a-much-longer-passphrase-2027"


def _change(client, old, ip="10.0.0.7", **extra):
    return client.post(reverse("accounts:password-change"),
                       {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                       REMOTE_ADDR=ip, **extra)


def test_guessing_the_current_password_on_the_change_form_locks_out_like_a_login(cast, client_for):
    client = client_for(cast.sales1)
    for _ in range(LIMIT - 1):
        assert _change(client, "guess").status_code == 200
    locked = _change(client, "guess")
    assert locked.status_code == 429
    assert "Too many failed" in locked.content.decode()
    right = _change(client, PASSWORD)  # even the right one now waits out the cool-off
    assert right.status_code == 429
    cast.sales1.refresh_from_db()
    assert cast.sales1.check_password(PASSWORD) and not cast.sales1.check_password(NEW_PASSWORD)
    # The same lock as the login's: the guessed account cannot log in from that address either.
    assert _login(client_for(None), "sales1", PASSWORD).status_code == 429


def test_password_change_failures_and_the_change_are_in_the_audit_trail(cast, client_for):
    client = client_for(cast.sales1)
    _change(client, "guess", ip="10.9.8.7")
    failed = AuditEvent.objects.get(action="auth.password_change_failed")
    assert failed.actor == cast.sales1 and failed.ip == "10.9.8.7"
    assert "guess" not in str(failed.data) and not AuditEvent.objects.filter(action="auth.login_failed").exists()
    assert _change(client, PASSWORD, ip="10.9.8.7").status_code == 302
    changed = AuditEvent.objects.get(action="auth.password_changed")
    assert changed.actor == cast.sales1 and changed.ip == "10.9.8.7"
    assert NEW_PASSWORD not in str(changed.data)
    page = client_for(cast.admin).get(reverse("staff:audit-list"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "修改密码失败" in page and "已修改密码" in page


def test_a_successful_change_clears_the_failures(cast, client_for):
    client = client_for(cast.sales1)
    for _ in range(LIMIT - 1):
        _change(client, "guess")
    assert _change(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="sales1").exists()
