"""The authorization matrix: every URL the project serves x every role (x object relation).

The matrix is data. `test_every_url_has_rows` fails when a URL pattern has no row, so a new
page cannot ship without someone deciding who may open it. Invisible objects answer 404,
exactly like missing ones.
"""

from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix_world import RELATIONS, build_world

ROLES = ["anonymous", "salesperson", "supervisor", "admin", "backup"]

OK = 200
LOGIN = "login"  # redirect to the login page
REDIRECT = "redirect"  # any other redirect (a successful POST, an already-logged-in visitor)
NOT_FOUND = 404
FORBIDDEN = 403
NOT_ALLOWED = 405


def everyone(outcome):
    return {role: outcome for role in ROLES}


def staff(outcome, anonymous=LOGIN, backup=NOT_FOUND):
    """The usual shape: anonymous is sent to log in, the backup operator sees nothing."""
    return {"anonymous": anonymous, "salesperson": outcome, "supervisor": outcome, "admin": outcome, "backup": backup}


@dataclass
class Row:
    url_name: str
    method: str
    expect: dict  # role -> outcome, or role -> {relation: outcome} for object URLs
    kwargs: Callable | None = None  # (world, relation) -> URL kwargs
    data: Callable | dict = field(default_factory=dict)  # POST body, or (world, relation) -> body

    def cells(self):
        for role in ROLES:
            outcome = self.expect[role]
            if isinstance(outcome, dict):
                for relation in RELATIONS:
                    yield role, relation, outcome[relation]
            else:
                yield role, None, outcome


ROWS = [
    Row("home", "GET", staff(OK, backup=OK)),
    Row("home", "POST", everyone(NOT_ALLOWED)),
    Row("accounts:login", "GET", staff(REDIRECT, anonymous=OK, backup=REDIRECT)),
    Row("accounts:logout", "POST", everyone(LOGIN)),
    Row("accounts:logout", "GET", everyone(NOT_ALLOWED)),
    Row("accounts:password-change", "GET", staff(OK, backup=OK)),
    Row("set-language", "POST", everyone(REDIRECT), data={"language": "zh-hans", "next": "/"}),
]

# URL patterns that are not pages of ours (only present when DEBUG serves media).
IGNORED_PATTERNS = {"media"}


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else str(entry.pattern)


def test_every_url_has_rows():
    covered = {row.url_name for row in ROWS}
    missing = sorted(name for name in set(_url_names()) if name not in covered and name not in IGNORED_PATTERNS)
    assert not missing, f"URL patterns without rows in the authorization matrix: {missing}"


def _outcome(response):
    if response.status_code in (301, 302):
        location = response.headers["Location"]
        return LOGIN if location.startswith(reverse("accounts:login")) else REDIRECT
    return response.status_code


@pytest.mark.django_db
def test_authorization_matrix(cast, client_for, capsys):
    world = build_world(cast)
    people = {
        "anonymous": None,
        "salesperson": cast.sales1,
        "supervisor": cast.sup1,
        "admin": cast.admin,
        "backup": cast.backup,
    }
    failures, cells = [], 0
    for row in ROWS:
        for role, relation, expected in row.cells():
            kwargs = row.kwargs(world, relation) if row.kwargs else {}
            url = reverse(row.url_name, kwargs=kwargs)
            client = client_for(people[role])
            data = row.data(world, relation) if callable(row.data) else row.data
            # Each cell runs in a savepoint that is rolled back, so a POST that deletes or
            # moves an object leaves the world intact for the next cell.
            with transaction.atomic():
                response = client.get(url) if row.method == "GET" else client.post(url, data)
                transaction.set_rollback(True)
            cells += 1
            got = _outcome(response)
            if got != expected:
                failures.append(f"{row.method} {url} as {role}{f' ({relation})' if relation else ''}: expected {expected}, got {got}")
    with capsys.disabled():
        print(f"\nauthorization matrix: {cells} cells asserted over {len(ROWS)} rows")
    assert not failures, "\n".join(failures)
