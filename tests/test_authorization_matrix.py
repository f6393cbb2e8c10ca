"""The authorization matrix: every URL the project serves x every role (x object relation).

The rows are data, one file per app (tests/<app>/matrix.py). `test_every_url_has_rows` fails
when a URL pattern has no row, so a page cannot ship without someone deciding who may open it.
Invisible objects answer 404, exactly like missing ones.
"""

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz import LOGIN, REDIRECT

TESTS_DIR = Path(__file__).resolve().parent

# Every tests/<app>/matrix*.py module contributes ROWS (and optionally build(world)).
APPS = [
    importlib.import_module(".".join(path.relative_to(TESTS_DIR.parent).with_suffix("").parts))
    for path in sorted(TESTS_DIR.glob("*/matrix*.py"))
]
ROWS = [row for app in APPS for row in app.ROWS]

# URL patterns that are not pages of ours: none (there is no /media/ route in any mode, issue 19.6).
IGNORED_PATTERNS = set()


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


def build_world(cast):
    world = SimpleNamespace(cast=cast)
    for app in APPS:
        if hasattr(app, "build"):
            app.build(world)
    return world


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
            target = relation or "own"  # a role with one outcome for every relation is tried on "own"
            url = reverse(row.url_name, kwargs=row.kwargs(world, target) if row.kwargs else {})
            client = client_for(people[role])
            data = row.data(world, target) if callable(row.data) else row.data
            # Each cell runs in a savepoint that is rolled back, so a POST that deletes or
            # moves an object leaves the world intact for the next cell.
            with transaction.atomic():
                response = client.get(url) if row.method == "GET" else client.post(url, data)
                transaction.set_rollback(True)
            cells += 1
            got = _outcome(response)
            if got != expected:
                where = f" ({relation})" if relation else ""
                failures.append(f"{row.method} {url} as {role}{where}: expected {expected}, got {got}")
    with capsys.disabled():
        print(f"\nauthorization matrix: {cells} cells asserted over {len(ROWS)} rows")
    assert not failures, "\n".join(failures)
