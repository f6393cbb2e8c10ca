"""Sessions, CSRF and the browser-side protections: every one checked as a user's browser sees it."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.authz import REDIRECT
from tests.factories import PASSWORD
from tests.test_authorization_matrix import ROWS, build_world

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ["accounts", "crm", "workplans", "bulletin"]


def _logged_in(username):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_changing_the_password_ends_the_other_sessions_but_not_this_one(cast):
    laptop, phone = _logged_in("sales1"), _logged_in("sales1")
    response = laptop.post(reverse("accounts:password-change"), {
        "old_password": PASSWORD, "new_password1": "a-new-long-secret-42", "new_password2": "a-new-long-secret-42"})
    assert response.status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302  # sent to log in again


@pytest.mark.django_db
def test_logout_is_post_only(cast):
    client = _logged_in("sales1")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200  # a link or image cannot log anyone out
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_refused(cast, client_for, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    world = build_world(cast)
    people = {"anonymous": None, "salesperson": cast.sales1, "supervisor": cast.sup1, "admin": cast.admin,
              "backup": cast.backup}
    checked, accepted = 0, []
    for row in ROWS:
        if row.method != "POST":
            continue
        for role in people:
            outcome = row.expect[role]
            if (outcome["own"] if isinstance(outcome, dict) else outcome) == REDIRECT:
                break
        else:
            continue
        client = Client(enforce_csrf_checks=True)
        if people[role]:
            client.force_login(people[role])
        url = reverse(row.url_name, kwargs=row.kwargs(world, "own") if row.kwargs else {})
        cache.clear()
        with transaction.atomic():
            response = client.post(url, row.data(world, "own") if callable(row.data) else row.data)
            transaction.set_rollback(True)
        checked += 1
        if response.status_code != 403:
            accepted.append(f"{row.url_name} as {role}: {response.status_code}")
    login = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "sales1", "password": PASSWORD})
    assert login.status_code == 403
    assert checked >= 25
    assert not accepted, "\n".join(accepted)


def test_no_view_is_exempt_from_csrf():
    offenders = [str(path) for folder in CODE_DIRS for path in (ROOT / folder).rglob("*.py")
                 if "csrf_exempt" in path.read_text(encoding="utf-8")]
    assert not offenders


def test_templates_have_no_inline_scripts_or_event_handlers():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0)}" for path in (ROOT / "templates").rglob("*.html")
                 for match in inline.finditer(path.read_text(encoding="utf-8"))]
    assert not offenders, offenders


@pytest.mark.django_db
def test_pages_carry_the_security_headers(cast, client_for):
    response = client_for(cast.sales1).get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy


def test_production_cookies_are_secure_httponly_and_same_site():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "HTTPS": "1",
           "SECRET_KEY": "x8$Kp2!vQz7#Lm4@Rt9&Wn1^Yb6*Hc3(Jd5)Fg0-Ss8+Aa2=Ee7", "DATABASE_URL": "postgresql://x@localhost/x"}
    names = ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
             "CSRF_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "X_FRAME_OPTIONS",
             "AXES_FAILURE_LIMIT", "AUTHENTICATION_BACKENDS"]
    code = f"import json; from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax" and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert "guardian.backends.ObjectPermissionBackend" in values["AUTHENTICATION_BACKENDS"]
    assert values["AXES_FAILURE_LIMIT"] >= 1
