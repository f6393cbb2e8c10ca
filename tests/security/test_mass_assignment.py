"""Mass assignment: every form a salesperson may post (found from the authorization matrix), posted
once as the page sends it and once with extra fields a forged request could add (owner, role,
sales group, custody and pool fields, locked, author, timestamps...). Both posts must leave
exactly the same protected columns behind: the extra fields change nothing."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from accounts.models import SalesGroup, User
from bulletin.models import Post, Reply, Suggestion
from crm.models import Custody, Customer, CustomerUserObjectPermission, FollowUp
from tests.authz import OK, REDIRECT
from tests.security.forms import page_fields
from tests.test_authorization_matrix import ROWS, build_world
from transfers.models import ExportJob, ImportJob
from workplans.models import Plan

pytestmark = pytest.mark.django_db

PROTECTED = {
    User: ["username", "role", "sales_group_id", "is_staff", "is_superuser", "is_active"],
    SalesGroup: ["name", "supervisor_id"],
    Customer: ["name", "owner_id", "created_by_id", "locked", "pool_reason", "pooled_at", "created_at"],
    Custody: ["from_owner_id", "to_owner_id", "actor_id", "reason"],
    CustomerUserObjectPermission: ["user_id", "permission_id", "content_object_id"],
    FollowUp: ["subject", "author_id", "customer_id", "created_at"],
    Plan: ["subject", "author_id", "status", "completed_by_id", "confirmed_by_id", "created_at"],
    Suggestion: ["title", "author_id"],
    Post: ["title", "author_id", "guest_name"],
    Reply: ["author_id", "guest_name", "post_id"],
    ImportJob: ["created_by_id", "owner_id", "to_pool"],
    ExportJob: ["created_by_id", "kind"],
}


def _stable(value):
    """Timestamps set by now() differ between the two posts: keep whether and which year."""
    return value.year if hasattr(value, "year") else value


def snapshot():
    return {model.__name__: sorted(repr(tuple(map(_stable, row))) for row in model.objects.values_list(*fields))
            for model, fields in PROTECTED.items()}


def forged_fields(world):
    cast = world.cast
    other = world.customers["other_group"].pk
    return {
        "owner": cast.sales2.pk, "owner_id": cast.sales2.pk, "role": "admin", "sales_group": cast.group2.pk,
        "sales_group_id": cast.group2.pk, "is_staff": "on", "is_superuser": "on", "is_active": "off",
        "locked": "on", "created_at": "2000-01-01 00:00", "updated_at": "2000-01-01 00:00",
        "pooled_at": "2000-01-01 00:00", "pool_reason": "forged", "created_by": cast.sales2.pk,
        "author": cast.sales2.pk, "author_id": cast.sales2.pk, "customer": other, "customer_id": other,
        "completed_by": cast.sup2.pk, "confirmed_by": cast.sup2.pk, "supervisor": cast.sales1.pk,
        "to_pool": "on", "username": "forged", "id": 999999, "pk": 999999, "post": 999999, "guest_name": "forged",
    }


def _post(client, url, data):
    cache.clear()
    with transaction.atomic():
        response = client.post(url, data)
        after = snapshot()
        transaction.set_rollback(True)
    return response, after


def test_extra_fields_in_a_salespersons_post_change_nothing(cast, client_for, settings, tmp_path, capsys):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    world = build_world(cast)
    client = client_for(cast.sales1)
    forged = forged_fields(world)
    failures, forms = [], 0
    for row in ROWS:
        outcome = row.expect["salesperson"]
        outcome = outcome["own"] if isinstance(outcome, dict) else outcome
        if row.method != "POST" or outcome not in (REDIRECT, OK):  # OK: answered with a file (an export)
            continue
        url = reverse(row.url_name, kwargs=row.kwargs(world, "own") if row.kwargs else {})
        shown = {name: value for name, (value, _limit) in page_fields(client, url).items()}

        def data():  # built afresh for each post: an uploaded file is read once
            return {**shown, **(row.data(world, "own") if callable(row.data) else row.data)}

        honest, honest_after = _post(client, url, data())
        # A field the page does not show is forged even when the matrix row sends it (e.g. owner).
        forged_response, forged_after = _post(client, url, {**data(), **{k: v for k, v in forged.items() if k not in shown}})
        forms += 1
        if honest.status_code != forged_response.status_code:
            failures.append(f"{row.url_name}: {honest.status_code} honest, {forged_response.status_code} with extra fields")
        for model, rows in honest_after.items():
            if rows != forged_after[model]:
                failures.append(f"{row.url_name}: extra fields changed {model}")
    with capsys.disabled():
        print(f"\nmass assignment: {forms} forms posted with {len(forged)} extra fields, {len(failures)} failures")
    assert forms >= 15, "the matrix should offer the salesperson's forms"
    assert not failures, "\n".join(failures)
