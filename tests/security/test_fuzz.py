"""Bad input, everywhere: every form (found from the authorization matrix) is posted with each
field replaced in turn by empty, 10x over-long, wrong-typed, HTML/<script>, SQL-looking,
RTL/emoji/CJK mixed and NUL-byte values, and with everything empty at once; every GET page
gets the same values in its query string. Never a 500; a refused post changes nothing.

Issue 19.7: every date, time and number field of every form, and every such parameter of every
page (its GET forms, its links to itself, and the date parameters any page may read), also gets
the extremes: the first and last day a date input can hold (0001-01-01, 9999-12-31), moments on
them, negative, huge and non-numeric values. A form refuses an out-of-range date with a message;
a page clamps it or ignores it, and opens."""

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from tests.authz import OK
from tests.security.forms import fingerprint, forms_to_post, page_forms
from tests.security.resolver import url_patterns
from tests.test_authorization_matrix import ROWS, build_world

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


# The extremes of dates, times and numbers (issue 19.7).
EXTREMES = {
    "first day": "0001-01-01",
    "last day": "9999-12-31",
    "first moment": "0001-01-01T00:00",
    "last moment": "9999-12-31T23:59",
    "impossible day": "2026-02-30",
    "negative": "-1",
    "huge": "9" * 40,
    "huge negative": "-" + "9" * 20,
    "float overflow": "1e309",
    "not a number": "NaN",
    "bad time": "24:61",
}
OUT_OF_RANGE = {"first day", "last day", "first moment", "last moment"}  # a form must refuse these
TYPED_INPUTS = {"date", "datetime-local", "time", "number", "month", "week"}
# Parameters a list page may read without showing them in a form (the agenda's ?date=, the
# windows an export link carries); ?page= and ?per_page= get the same extremes above, all at once.
DATE_PARAMS = ["date", "date_from", "date_to", "joined_from", "joined_to", "last_n"]
NUMBER_OR_DATE = r"^-?\d[\d\-:T.]*$"


def _data(base, world):
    return dict(base(world, "own") if callable(base) else base)


def _refused(response) -> bool:
    if response.status_code in (301, 302):
        return any(message.level == ERROR for message in get_messages(response.wsgi_request))
    return True


def _post_case(client, url, data, failures, label, before, *, must_refuse=False):
    cache.clear()  # rate-limit counters are not rolled back with the savepoint
    client.cookies.pop("messages", None)  # only this post's messages count
    shown = None
    with transaction.atomic():
        response = client.post(url, data)
        refused = _refused(response)
        after = fingerprint()
        if not refused and response.status_code in (301, 302):
            shown = client.get(response["Location"])  # what was saved must display
        transaction.set_rollback(True)
    if response.status_code >= 500:
        failures.append(f"{label}: {response.status_code}")
    elif refused and after != before:
        failures.append(f"{label}: refused ({response.status_code}) but the database changed")
    elif "\x00" in str(data) and not refused:
        failures.append(f"{label}: a NUL byte was accepted")
    elif must_refuse and not refused and after != before:
        failures.append(f"{label}: an out-of-range date was saved")
    elif shown is not None and shown.status_code >= 500:
        failures.append(f"{label}: saved, then its page answered {shown.status_code}")


def test_every_form_survives_bad_input_and_a_refusal_changes_nothing(cast, client_for, settings, tmp_path, capsys):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    world = build_world(cast)
    people = {"anonymous": None, "salesperson": cast.sales1, "supervisor": cast.sup1, "admin": cast.admin}
    failures, cases, forms = [], 0, 0
    for name, actor, url, base, person in forms_to_post(world, people):
        client = client_for(person)
        client.raise_request_exception = False
        page = page_forms(client, url)
        shown = page.fields
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
            if page.types.get(field) in TYPED_INPUTS:
                for kind, value in EXTREMES.items():
                    _post_case(client, url, {**data, field: value}, failures, f"POST {name} as {actor}: {field}={kind}",
                               before, must_refuse=kind in OUT_OF_RANGE and page.types[field] != "number")
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


def _get_pages(world, people):
    """(url name, role, url, kwargs) of every page of the matrix and the first role that opens it."""
    seen = set()
    for row in ROWS:
        if row.method != "GET" or row.url_name in seen:
            continue
        for role in ("admin", "supervisor", "salesperson", "anonymous"):
            outcome = row.expect[role]
            if (outcome["own"] if isinstance(outcome, dict) else outcome) == OK:
                seen.add(row.url_name)
                kwargs = row.kwargs(world, "own") if row.kwargs else {}
                yield row.url_name, role, reverse(row.url_name, kwargs=kwargs), kwargs
                break


def test_every_date_time_and_number_parameter_of_every_page_survives_its_extremes(cast, client_for, settings,
                                                                                    tmp_path, capsys):
    """Issue 19.7: ?window=custom&date_to=9999-12-31 and /plans/agenda/?date=0001-01-01 were 500s."""
    import re

    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    world = build_world(cast)
    people = {"anonymous": None, "salesperson": cast.sales1, "supervisor": cast.sup1, "admin": cast.admin}
    failures, cases = [], 0
    for name, role, url, kwargs in _get_pages(world, people):
        client = client_for(people[role])
        client.raise_request_exception = False
        page = page_forms(client, url, method="get")
        base = {key: value for key, (value, _limit) in page.fields.items()}
        params = set() if kwargs else set(DATE_PARAMS)
        params |= {key for key, kind in page.types.items() if kind in TYPED_INPUTS}
        params |= {key for key, value in page.links.items() if re.match(NUMBER_OR_DATE, value)}
        for param in sorted(params):
            for kind, value in EXTREMES.items():
                query = {**base, "window": "custom", "when": "custom", param: value}
                response = client.get(url, query)
                cases += 1
                if response.status_code >= 500:
                    failures.append(f"GET {name} as {role} ?{param}={kind}: {response.status_code}")
    with capsys.disabled():
        print(f"\nfuzz extremes: {cases} requests, {len(failures)} failures")
    assert not failures, "\n".join(failures)
