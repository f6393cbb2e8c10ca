"""The benchmark: request the key pages in-process as each role and report server time and SQL.

Run against a database seeded with `seed_demo --customers 1000000` (see docs/benchmarks.md).
"""

import json
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from crm.models import Customer
from crm.selectors import QUERY_VIEWS

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
        ("search:李 page 50", f"{listing}?q=李&page=50"),
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


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = "Measure p50/p95 server time and SQL queries of the key pages, per role."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
        parser.add_argument("--only", default="", help="measure only pages whose name contains this")
        parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated roles")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, **options):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        results = []
        for role in options["roles"].split(","):
            if role not in ROLES:
                raise CommandError(f"Unknown role {role!r}: choose from {', '.join(ROLES)}.")
            user = User.objects.filter(username=ROLES[role]).first()
            if user is None:
                raise CommandError("Run `manage.py seed_demo` first: the benchmark logs in as the demo users.")
            client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
            client.force_login(user)
            for name, url in pages(user):
                if options["only"] and options["only"] not in name:
                    continue
                results.append({"role": role, **self._measure(client, name, url, options["warmup"], options["requests"])})
        self._report(results, options["json"])

    def _measure(self, client, name, url, warmup, requests):
        for _ in range(warmup):
            client.get(url, secure=True)
        timings, sql_times = [], []
        for _ in range(requests):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url, secure=True)
                timings.append((time.perf_counter() - start) * 1000)
            sql_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return {
            "page": name,
            "url": url,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "sql_ms_p50": round(statistics.median(sql_times), 1),
            "queries": len(queries.captured_queries),
        }

    def _report(self, results, as_json):
        if as_json:
            self.stdout.write(json.dumps({"customers": Customer.objects.count(), "results": results}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"customers in the database: {Customer.objects.count():,}")
        self.stdout.write(f"{'role':<12} {'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'SQL ms':>8} {'queries':>8}")
        for row in results:
            self.stdout.write(
                f"{row['role']:<12} {row['page']:<28} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['sql_ms_p50']:>8} {row['queries']:>8}"
            )
