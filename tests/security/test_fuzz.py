"""Bad input, everywhere: every form (found from the authorization matrix) is posted with each
field replaced in turn by empty, 10x over-long, wrong-typed, HTML/<script>, SQL-looking,
RTL/emoji/CJK mixed and NUL-byte values, and with everything empty at once; every GET page
gets the same values in its query string. Never a 500; a refused post changes nothing."""

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from tests.security.forms import fingerprint, forms_to_post, page_fields
from tests.security.resolver import url_patterns
from tests.test_authorization_matrix import build_world

pytestmark = pytest.mark.django_db

BAD_VALUES = {
    "empty": lambda limit: "",
    "over-long": lambda limit: "长" * (10 * int(limit or 2000)),
    "wrong type": lambda limit: "not-a-number-or-date",
    "huge number": lambda limit: "9" * 40,
    "negative": lambda limit: "-1",
    "list": lambda limit: ["1", "2", "<b>"],
    "html": lambda limit: '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "sql": lambda limit: "'; DROP TABLE crm_customer; -- \" OR 1=1",
    "mixed scripts": lambda limit: "\u202eمرحبا 李华 😀 Ωmega \u200d👨‍👩‍👧 ",
    "nul byte": lambda limit: "abc\x00def",
}
QUERY_PARAMS = ["q", "page", "view", "owner", "author", "window", "date_from", "date_to", "label", "format", "sort",
                "person", "status", "when", "group", "grade", "type", "fields"]


def _data(base, world):
    return dict(base(world, "own") if callable(base) else base)


def _refused(response) -> bool:
    if response.status_code in (301, 302):
        return any(message.level == ERROR for message in get_messages(response.wsgi_request))
    return True


def _post_case(client, url, data, failures, label, before):
    cache.clear()  # rate-limit counters are not rolled back with the savepoint
    client.cookies.pop("messages", None)  # only this post's messages count
    with transaction.atomic():
        response = client.post(url, data)
        refused = _refused(response)
        after = fingerprint()
        transaction.set_rollback(True)
    if response.status_code >= 500:
        failures.append(f"{label}: {response.status_code}")
    elif refused and after != before:
        failures.append(f"{label}: refused ({response.status_code}) but the database changed")
    elif "\x00" in str(data) and not refused:
        failures.append(f"{label}: a NUL byte was accepted")


def test_every_form_survives_bad_input_and_a_refusal_changes_nothing(cast, client_for, settings, tmp_path, capsys):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    world = build_world(cast)
    people = {"anonymous": None, "salesperson": cast.sales1, "supervisor": cast.sup1, "admin": cast.admin}
    failures, cases, forms = [], 0, 0
    for name, actor, url, base, person in forms_to_post(world, people):
        client = client_for(person)
        client.raise_request_exception = False
        shown = page_fields(client, url)
        data = {field: value for field, (value, _limit) in shown.items()}
        data.update(_data(base, world))
        fields = sorted(set(data) | {"unexpected_field"})
        forms += 1
        before = fingerprint()
        for field in fields:
            limit = shown.get(field, ("", None))[1]
            for kind, make in BAD_VALUES.items():
                case = {**data, field: make(limit)}
                _post_case(client, url, case, failures, f"POST {name} as {actor}: {field}={kind}", before)
                cases += 1
        _post_case(client, url, {field: "" for field in data}, failures, f"POST {name} as {actor}: all empty", before)
        cases += 1
    for name, kwargs in url_patterns():
        if kwargs:
            continue
        client = client_for(cast.sales1 if name != "accounts:login" else None)
        client.raise_request_exception = False
        for kind, make in BAD_VALUES.items():
            value = make(50)
            response = client.get(reverse(name), {param: value for param in QUERY_PARAMS})
            cases += 1
            if response.status_code >= 500:
                failures.append(f"GET {name}?…={kind}: {response.status_code}")
    with capsys.disabled():
        print(f"\nfuzz: {cases} cases over {forms} forms and the query strings of every list page, {len(failures)} failures")
    assert not failures, "\n".join(failures)
