"""The benchmark: request the key pages in-process as each role and report, side by side,
server time, SQL queries, the SQL floor (the page's own queries run alone) and the Django admin
changelist answering the same question (benchmarks/admin_sites.py); in one or more phases of the
company's day (benchmarks/phases.py): warm, straight after the nightly jobs, after a big recycle.

Run against a database seeded with `seed_demo --scale large` (see docs/benchmarks.md).
"""

import json
import os
import platform

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from benchmarks import phases
from benchmarks.admin_sites import admin_url
from benchmarks.measure import measure, ms, ratio, sql_floor, unbounded_counts
from benchmarks.pages import ROLES, pages
from crm.models import Customer, FollowUp
from workplans.models import Plan


class Command(BaseCommand):
    help = (
        "Measure the key pages per role: first/p50/p95 server time, SQL queries, the SQL floor "
        "(page / floor) and the Django admin changelist on the same query (ours / admin); warm, "
        "straight after the nightly jobs, or after a big recycle (--phase)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
        parser.add_argument("--only", default="", help="measure only pages whose name contains this")
        parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated roles")
        parser.add_argument("--no-admin", action="store_true", help="skip the Django admin comparison")
        parser.add_argument("--no-floor", action="store_true", help="skip the SQL floor")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
        parser.add_argument(
            "--phase", default="warm",
            help="comma-separated, measured in this order: warm (pages warmed up first: the default), morning "
                 "(straight after recycle_pool and refresh_reports, no warmup: the first visitor of the morning), "
                 "recycled (after a recycle that returns --recycle-share of the customers to the pool, then "
                 "refresh_reports, no warmup; rolled back at the end)")
        parser.add_argument("--recycle-share", type=float, default=0.3,
                            help="share of all customers the recycled phase returns to the pool (0.3: 300,000 of a million)")

    def handle(self, *args, **options):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        roles = [role.strip() for role in options["roles"].split(",") if role.strip()]
        for role in roles:
            if role not in ROLES:
                raise CommandError(f"Unknown role {role!r}: choose from {', '.join(ROLES)}.")
        names = [name.strip() for name in options["phase"].split(",") if name.strip()]
        for name in names:
            if name not in phases.PHASES:
                raise CommandError(f"Unknown phase {name!r}: choose from {', '.join(phases.PHASES)}.")
        if not 0 < options["recycle_share"] <= 1:
            raise CommandError("--recycle-share is a share of the customers: more than 0, at most 1.")
        users = {role: User.objects.filter(username=ROLES[role]).first() for role in roles}
        if None in users.values():
            raise CommandError("Run `manage.py seed_demo` first: the benchmark logs in as the demo users.")
        results, entered = [], []
        for name in names:
            with phases.entered(name, recycle_share=options["recycle_share"]) as phase:
                entered.append(phase)
                if not options["json"]:
                    for job in phase.jobs:
                        self.stderr.write(f"  {name}: {job['job']} in {job['seconds']} s: {job['said']}")
                # The first visitor after the jobs comes without warming anything up.
                warmup = options["warmup"] if name == "warm" else 0
                results += self._measure(name, users, warmup=warmup, options=options)
        self._report(results, entered, options["json"])

    def _measure(self, phase, users, *, warmup, options):
        rows = []
        # benchmarks.admin_urls = the project's URLs + the admin changelists, for this process only.
        with override_settings(ROOT_URLCONF="benchmarks.admin_urls"):
            for role, user in users.items():
                client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
                client.force_login(user)
                for name, url in pages(user):
                    if options["only"] and options["only"] not in name:
                        continue
                    rows.append({"phase": phase, "role": role, **self._page(client, name, url, warmup, options)})
                    if not options["json"]:
                        self.stderr.write(f"  measured {phase} {role} {name}")
        return rows

    def _page(self, client, name, url, warmup, options):
        requests = options["requests"]
        ours = measure(client, url, warmup=warmup, requests=requests)
        row = {
            "page": name,
            "url": url,
            "first_ms": ms(ours["first"]),
            "p50_ms": ms(ours["p50"]),
            "p95_ms": ms(ours["p95"]),
            "sql_ms_p50": ms(ours["sql_p50"]),
            "queries": len(ours["queries"]),
            "unbounded_counts": unbounded_counts(ours["queries"]),
            "floor_ms": None, "page_floor_ratio": None,
            "admin_url": None, "admin_p50_ms": None, "admin_p95_ms": None, "admin_queries": None, "admin_unbounded_counts": None, "ours_admin_ratio": None,
        }
        if not options["no_floor"]:
            floor = sql_floor(ours["queries"], max(3, requests // 2))
            row["floor_ms"] = ms(floor["p50"])
            row["page_floor_ratio"] = ratio(ours["p50"], floor["p50"])
        target = None if options["no_admin"] else admin_url(url, now=timezone.now())
        if target:
            theirs = measure(client, target, warmup=max(1, warmup), requests=requests, strict=False)
            row["admin_url"] = target
        if target and theirs:
            row.update({
                "admin_p50_ms": ms(theirs["p50"]),
                "admin_p95_ms": ms(theirs["p95"]),
                "admin_queries": len(theirs["queries"]),
                "admin_unbounded_counts": unbounded_counts(theirs["queries"]),
                "ours_admin_ratio": ratio(ours["p50"], theirs["p50"]),
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

    def _report(self, results, entered, as_json):
        environment = self._environment()
        ran = [{"phase": phase.name, "jobs": phase.jobs, "moved_to_pool": phase.moved} for phase in entered]
        if as_json:
            self.stdout.write(json.dumps({**environment, "phases": ran, "results": results}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{environment['customers']:,} customers, {environment['followups']:,} follow-ups, {environment['plans']:,} plans; "
            f"{environment['machine']}; PostgreSQL {environment['postgresql']}; {environment['at']}"
        )
        header = (
            f"{'role':<12} {'page':<26} {'first':>7} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'floor':>6} {'page/fl':>7}"
            f" {'admin50':>8} {'admin95':>8} {'adm q':>5} {'ours/adm':>8}"
        )
        self.stdout.write("(* after a query count: the page ran a COUNT without LIMIT)")
        for phase in ran:
            jobs = "; ".join(f"{job['job']} {job['seconds']} s ({job['said']})" for job in phase["jobs"])
            self.stdout.write(f"\n== {phase['phase']}{': ' + jobs if jobs else ''}")
            self.stdout.write(header)
            for row in results:
                if row["phase"] != phase["phase"]:
                    continue
                self.stdout.write(
                    f"{row['role']:<12} {_cell(row['page'], 26, left=True)} {row['first_ms']:>7} {row['p50_ms']:>7}"
                    f" {row['p95_ms']:>7} {row['queries']:>7} {_cell(row['floor_ms'], 6)} {_cell(row['page_floor_ratio'], 7)}"
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
