"""The benchmark: request the key pages in-process as each role and report, side by side,
server time, SQL queries, the SQL floor (the page's own queries run alone) and the Django admin
changelist answering the same question (crm/bench_admin.py).

Run against a database seeded with `seed_demo --scale large` (see docs/benchmarks.md).
"""

import json
import os
import platform
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.models import User
from common.pagination import Keyset
from crm.bench_admin import admin_url
from crm.models import Customer, FollowUp
from crm.selectors import QUERY_VIEWS, CustomerQuery, customer_list
from workplans.models import Plan

ROLES = {"salesperson": "sales1", "supervisor": "sup1", "admin": "admin"}


def pages(user):
    """(name, url) of every page measured for `user`. Later issues add theirs."""
    listing = "/customers/"
    result = [("customers", listing)]
    result += [(f"customers:{view.key}", f"{listing}?view={view.key}") for view in QUERY_VIEWS]
    result += [
        ("search:1 CJK 李", f"{listing}?q=李"),
        ("search:2 CJK 王芳", f"{listing}?q=王芳"),
        ("search:3+ CJK 科技有限", f"{listing}?q=科技有限"),
        ("search:digits 138", f"{listing}?q=138"),
        ("search:name only 李", f"{listing}?q=李&fields=name"),
        ("search:李 page 50", _deep_page(user, listing, "李", 50)),
    ]
    sample = Customer.objects.filter(owner=user).order_by("-id").values_list("pk", flat=True).first()
    if sample is None and user.is_admin:
        sample = Customer.objects.order_by("-id").values_list("pk", flat=True).first()
    if sample:
        result.append(("customer detail", f"/customers/{sample}/"))
    result += [(f"followups:{key or 'all'}", f"/followups/?window={key}") for key in ("", "today", "3days", "week", "month")]
    result.append(("followups:last 2 hours", "/followups/?window=custom&last_n=2&last_unit=hours"))
    result += [
        ("plans:this week", "/plans/"),
        ("plans:today", "/plans/?when=today"),
        ("plans:month overdue", "/plans/?when=month&status=overdue"),
        ("plans:any time done", "/plans/?when=any&status=done"),
        ("board", "/board/posts/"),
    ]
    result.append(("home", "/"))
    result += [(f"pool:{key or 'all'}", f"/pool/?window={key}") for key in ("", "day", "3days", "week", "month", "year")]
    result += [("pool:search 李", "/pool/?q=李"), ("pool:vip", "/pool/?grade=vip")]
    if not user.is_salesperson:  # reports are for supervisors and admins (issue 11)
        result += [(f"report:{key}", f"/reports/{key}/") for key in ("funnel", "activity", "pool", "retention", "customers")]
        result += [("report:activity 90d", "/reports/activity/?days=90"), ("report:retention 365d", "/reports/retention/?days=365")]
    return result


def _deep_page(user, listing, q, number, per_page=10):
    """Page `number` of a search as a user reaches it: by Next links, which carry a cursor."""
    rows = customer_list(user, CustomerQuery(q=q))
    last_row_before = rows[(number - 1) * per_page - 1 : (number - 1) * per_page].first()
    if last_row_before is None:
        return f"{listing}?q={q}&page={number}"
    return f"{listing}?q={q}&page={number}&after={Keyset(rows).cursor(last_row_before)}"


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _replayable(sql: str) -> bool:
    """Statements the floor re-runs: reads only (a GET page writes nothing we want twice)."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in {"SELECT", "WITH"}


def sql_floor(queries: list[dict], runs: int) -> dict:
    """Re-execute a page's captured queries alone, on the same connection, `runs` times.

    The captured SQL is the exact text the server received (parameters inlined by psycopg2),
    run through a raw driver cursor with every row fetched: what the page cannot go below."""
    statements = [query["sql"] for query in queries if _replayable(query["sql"])]
    timings = []
    connection.ensure_connection()
    raw = connection.connection.cursor()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            for sql in statements:
                raw.execute(sql)
                if raw.description is not None:
                    raw.fetchall()
            timings.append(time.perf_counter() - start)
    finally:
        raw.close()
    return {"p50": statistics.median(timings), "statements": len(statements), "skipped": len(queries) - len(statements)}


def measure(client, url: str, *, warmup: int, requests: int, strict=True) -> dict | None:
    """p50/p95 server time of GET `url` and the queries of the last request. A page that does not
    answer 200 stops the run (`strict`) or gives None (the admin refusing a page past its end)."""
    for _ in range(warmup):
        client.get(url, secure=True)
    timings, sql_times = [], []
    for _ in range(requests):
        reset_queries()  # the log holds 9,000 queries: past that, captures would come back empty
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, secure=True)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            timings.append(time.perf_counter() - start)
        sql_times.append(sum(float(q["time"]) for q in queries.captured_queries))
    if response.status_code != 200:
        if not strict:
            return None
        raise CommandError(f"{url} answered {response.status_code} {response.headers.get('Location', '')}")
    return {
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "sql_p50": statistics.median(sql_times),
        "queries": list(queries.captured_queries),
    }


# The tables that grow with the business (a count over a group's people is bounded by its size).
LARGE_TABLES = ('"crm_customer"', '"crm_followup"', '"crm_custody"', '"workplans_plan"')


def unbounded_counts(queries: list[dict]) -> int:
    """COUNTs over a large table with no LIMIT: they read every matching row on every request."""
    return sum(
        1 for query in queries
        if "COUNT(" in query["sql"].upper() and " LIMIT " not in query["sql"].upper()
        and any(table in query["sql"] for table in LARGE_TABLES)
    )


def _ratio(numerator, denominator):
    return round(numerator / denominator, 2) if numerator is not None and denominator else None


class Command(BaseCommand):
    help = (
        "Measure the key pages per role: p50/p95 server time, SQL queries, the SQL floor "
        "(page / floor) and the Django admin changelist on the same query (ours / admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
        parser.add_argument("--only", default="", help="measure only pages whose name contains this")
        parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated roles")
        parser.add_argument("--no-admin", action="store_true", help="skip the Django admin comparison")
        parser.add_argument("--no-floor", action="store_true", help="skip the SQL floor")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, **options):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        roles = [role.strip() for role in options["roles"].split(",") if role.strip()]
        for role in roles:
            if role not in ROLES:
                raise CommandError(f"Unknown role {role!r}: choose from {', '.join(ROLES)}.")
        results = []
        # crm.bench_urls = the project's URLs + the admin changelists, for this process only.
        with override_settings(ROOT_URLCONF="crm.bench_urls"):
            for role in roles:
                user = User.objects.filter(username=ROLES[role]).first()
                if user is None:
                    raise CommandError("Run `manage.py seed_demo` first: the benchmark logs in as the demo users.")
                client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
                client.force_login(user)
                for name, url in pages(user):
                    if options["only"] and options["only"] not in name:
                        continue
                    results.append({"role": role, **self._page(client, name, url, options)})
                    if not options["json"]:
                        self.stderr.write(f"  measured {role} {name}")
        self._report(results, options["json"])

    def _page(self, client, name, url, options):
        warmup, requests = options["warmup"], options["requests"]
        ours = measure(client, url, warmup=warmup, requests=requests)
        row = {
            "page": name,
            "url": url,
            "p50_ms": _ms(ours["p50"]),
            "p95_ms": _ms(ours["p95"]),
            "sql_ms_p50": _ms(ours["sql_p50"]),
            "queries": len(ours["queries"]),
            "unbounded_counts": unbounded_counts(ours["queries"]),
            "floor_ms": None, "page_floor_ratio": None,
            "admin_url": None, "admin_p50_ms": None, "admin_p95_ms": None, "admin_queries": None, "admin_unbounded_counts": None, "ours_admin_ratio": None,
        }
        if not options["no_floor"]:
            floor = sql_floor(ours["queries"], max(3, requests // 2))
            row["floor_ms"] = _ms(floor["p50"])
            row["page_floor_ratio"] = _ratio(ours["p50"], floor["p50"])
        target = None if options["no_admin"] else admin_url(url, now=timezone.now())
        if target:
            theirs = measure(client, target, warmup=max(1, warmup), requests=requests, strict=False)
            row["admin_url"] = target
        if target and theirs:
            row.update({
                "admin_p50_ms": _ms(theirs["p50"]),
                "admin_p95_ms": _ms(theirs["p95"]),
                "admin_queries": len(theirs["queries"]),
                "admin_unbounded_counts": unbounded_counts(theirs["queries"]),
                "ours_admin_ratio": _ratio(ours["p50"], theirs["p50"]),
            })
        return row

    def _environment(self):
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        return {
            "at": timezone.now().isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}",
            "python": platform.python_version(),
            "postgresql": server,
            "customers": Customer.objects.count(),
            "followups": FollowUp.objects.count(),
            "plans": Plan.objects.count(),
        }

    def _report(self, results, as_json):
        environment = self._environment()
        if as_json:
            self.stdout.write(json.dumps({**environment, "results": results}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{environment['customers']:,} customers, {environment['followups']:,} follow-ups, {environment['plans']:,} plans; "
            f"{environment['machine']}; PostgreSQL {environment['postgresql']}; {environment['at']}"
        )
        header = (
            f"{'role':<12} {'page':<26} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'floor':>6} {'page/fl':>7}"
            f" {'admin50':>8} {'admin95':>8} {'adm q':>5} {'ours/adm':>8}"
        )
        self.stdout.write("(* after a query count: the page ran a COUNT without LIMIT)")
        self.stdout.write(header)
        for row in results:
            self.stdout.write(
                f"{row['role']:<12} {_cell(row['page'], 26, left=True)} {row['p50_ms']:>7} {row['p95_ms']:>7} {row['queries']:>7}"
                f" {_cell(row['floor_ms'], 6)} {_cell(row['page_floor_ratio'], 7)}"
                f" {_cell(row['admin_p50_ms'], 8)} {_cell(row['admin_p95_ms'], 8)}"
                f" {_cell(_flagged(row['admin_queries'], row['admin_unbounded_counts']), 5)}"
                f" {_cell(row['ours_admin_ratio'], 8)}"
            )


def _flagged(count, unbounded):
    return None if count is None else f"{count}*" if unbounded else str(count)


def _cell(value, width, left=False):
    text = "-" if value is None else str(value)
    # CJK characters take two columns in a terminal.
    pad = max(0, width - sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))
    return text + " " * pad if left else " " * pad + text
