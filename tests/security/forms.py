"""Every form of the project, found from the authorization matrix's POST rows (a URL cannot ship
without rows, so a new form is fuzzed without anyone listing it) and the fields its page shows."""

from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.authz import OK, REDIRECT
from tests.test_authorization_matrix import ROWS

OUR_APPS = ("accounts", "crm", "workplans", "bulletin", "contacts")
ACTORS = ["salesperson", "anonymous", "supervisor", "admin"]  # who posts each form, first that succeeds
SKIPPED = {"backups:create", "backups:verify"}  # no input: they start pg_dump / a restore


class FormFields(HTMLParser):
    """name -> (first value, maxlength) of the inputs of the POST forms of a page (or, with
    method="get", of its GET forms); `types` is name -> the input's type ("date", "number", ...)
    and `links` the query parameters of the page's links back to itself."""

    def __init__(self, method="post", path=None):
        super().__init__()
        self.fields, self.types, self.links, self._in_post, self._select = {}, {}, {}, False, None
        self.method, self.path = method, path

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post = (attrs.get("method") or "get").lower() == self.method
        if tag == "a" and self.path and attrs.get("href"):
            link = urlsplit(unescape(attrs["href"]))
            if link.path in ("", self.path):
                for key, values in parse_qs(link.query, keep_blank_values=True).items():
                    self.links.setdefault(key, values[0])
        name = attrs.get("name")
        if not self._in_post or not name or name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            self.types.setdefault(name, attrs.get("type") or "text")
        if tag in ("input", "textarea") and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                self.fields.setdefault(name, ("", None))
            else:
                self.fields.setdefault(name, (attrs.get("value") or "", attrs.get("maxlength")))
        elif tag == "select":
            self._select = name
            self.fields.setdefault(name, ("", None))
        elif tag == "option" and self._select and attrs.get("value") and not self.fields[self._select][0]:
            self.fields[self._select] = (attrs["value"], None)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post = False
        elif tag == "select":
            self._select = None


def page_forms(client, url, method="post") -> FormFields:
    """The fields of the page's forms of `method` (empty when the page is not HTML we may open)."""
    parser = FormFields(method, urlsplit(url).path)
    response = client.get(url)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode())
    return parser


def page_fields(client, url) -> dict:
    return page_forms(client, url).fields


def forms_to_post(world, people):
    """(url name, actor, url, valid base data, {field: maxlength}) of every POST row someone may post."""
    seen = set()
    for row in ROWS:
        if row.method != "POST" or row.url_name in SKIPPED or row.url_name in seen:
            continue
        for actor in ACTORS:
            outcome = row.expect[actor]
            outcome = outcome["own"] if isinstance(outcome, dict) else outcome
            if outcome in (REDIRECT, OK):  # OK: a post answered with a file (an export)
                break
        else:
            continue
        seen.add(row.url_name)
        url = reverse(row.url_name, kwargs=row.kwargs(world, "own") if row.kwargs else {})
        yield row.url_name, actor, url, row.data, people[actor]
    yield "accounts:login", "anonymous", reverse("accounts:login"), {"username": "sales1", "password": "x"}, None


def fingerprint() -> tuple:
    """Row counts and newest change of every table of ours, in one query (the audit trail aside:
    a refused login is rightly recorded there)."""
    parts = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model._meta.model_name == "auditevent" or model._meta.proxy:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT count(*) FROM {table})")
        for field in model._meta.fields:
            if field.name in ("updated_at", "edited_at", "completed_at", "occurred_at", "pooled_at"):
                parts.append(f"(SELECT max({connection.ops.quote_name(field.column)}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return cursor.fetchone()
