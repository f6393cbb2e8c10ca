"""`manage.py bench_deals`: the deals report (issue 22) at scale. --seed adds synthetic deals (with
their stage history) to the customers held, then the nightly rebuild (refresh_reports' summaries,
timed) runs and the report and its Excel export are timed for a salesperson, a supervisor and the
admin, in-process, as `manage.py bench` does. Run on a seeded demo company (docs/benchmarks.md)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client

from accounts.models import User
from benchmarks.measure import measure, ms
from benchmarks.pages import ROLES
from common import bulk
from deals.models import Deal, LostReason, Stage, StageChange
from reports import summaries

URLS = [("deals report 30d", "/reports/deals/"), ("deals report 365d", "/reports/deals/?days=365"),
        ("deals report export 365d", "/reports/deals/export/?days=365")]

# Each held customer gets deals in turn until there are `n`: 50 % open at a random open stage,
# 30 % won (signed within 90 days of opening, never in the future), 20 % lost; opened in the
# last two years. The first stage change opens the deal, a second moves it to where it is.
SEED_DEALS = """
WITH picked AS (
    SELECT c.id AS customer_id, c.owner_id, random() AS r, random() AS r2,
           now() - random() * interval '730 days' AS opened
    FROM crm_customer c CROSS JOIN generate_series(1, %(per)s)
    WHERE c.owner_id IS NOT NULL
    LIMIT %(n)s
)
INSERT INTO deals_deal (customer_id, owner_id, title, amount, stage_id, probability, expected_close_on,
                        won_amount, won_on, lost_reason_id, lost_note, source, notes, created_by_id,
                        created_at, updated_at, closed_at)
SELECT customer_id, owner_id, 'bench deal', round((1000 + r2 * 500000)::numeric, 2),
       CASE WHEN r < 0.5 THEN (%(open)s::int[])[1 + floor(r2 * array_length(%(open)s::int[], 1))::int]
            WHEN r < 0.8 THEN %(won)s ELSE %(lost)s END,
       50, (opened + interval '60 days')::date,
       CASE WHEN r >= 0.5 AND r < 0.8 THEN round((1000 + r2 * 450000)::numeric, 2) END,
       CASE WHEN r >= 0.5 AND r < 0.8 THEN LEAST(now(), opened + r2 * interval '90 days')::date END,
       CASE WHEN r >= 0.8 THEN (%(reasons)s::int[])[1 + floor(r2 * array_length(%(reasons)s::int[], 1))::int] END,
       '', '', '', owner_id, opened, opened,
       CASE WHEN r >= 0.5 THEN LEAST(now(), opened + r2 * interval '90 days') END
FROM picked
"""
SEED_CHANGES = """
INSERT INTO deals_stagechange (deal_id, from_stage_id, to_stage_id, by_id, at)
SELECT id, NULL, %(first)s, owner_id, created_at FROM deals_deal WHERE title = 'bench deal' AND id > %(after)s
UNION ALL
SELECT id, %(first)s, stage_id, owner_id, COALESCE(closed_at, created_at) FROM deals_deal
WHERE title = 'bench deal' AND id > %(after)s AND stage_id <> %(first)s
"""


class Command(BaseCommand):
    help = "Time the deals report and its export per role (optionally seeding synthetic deals first)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=0, help="add this many synthetic deals first")
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument("--warmup", type=int, default=3)

    def handle(self, *args, **options):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        users = {role: User.objects.filter(username=name).first() for role, name in ROLES.items()}
        if None in users.values():
            raise CommandError("Run `manage.py seed_demo` first: the benchmark logs in as the demo users.")
        if options["seed"]:
            self._seed(options["seed"])
        began = time.perf_counter()
        summaries.refresh_summaries()
        self.stdout.write(f"refresh_reports summaries (all tables) in {time.perf_counter() - began:.1f} s; "
                          f"{Deal.objects.count():,} deals, {StageChange.objects.count():,} stage changes")
        self.stdout.write(f"{'role':<12} {'page':<26} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            for name, url in URLS:
                result = measure(client, url, warmup=options["warmup"], requests=options["requests"])
                self.stdout.write(f"{role:<12} {name:<26} {ms(result['first']):>9} {ms(result['p50']):>8} "
                                  f"{ms(result['p95']):>8} {len(result['queries']):>8}")

    def _seed(self, n):
        open_ids = list(Stage.objects.filter(kind=Stage.Kind.OPEN, active=True).order_by("order", "id")
                        .values_list("pk", flat=True))
        won = Stage.objects.filter(kind=Stage.Kind.WON).order_by("order", "id").values_list("pk", flat=True).first()
        lost = Stage.objects.filter(kind=Stage.Kind.LOST).order_by("order", "id").values_list("pk", flat=True).first()
        reasons = list(LostReason.objects.values_list("pk", flat=True))
        held = max(1, _held())
        began = time.perf_counter()
        after = Deal.objects.order_by("-id").values_list("pk", flat=True).first() or 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SEED_DEALS, {"per": -(-n // held), "n": n, "open": open_ids, "won": won, "lost": lost,
                                        "reasons": reasons})
            cursor.execute(SEED_CHANGES, {"first": open_ids[0], "after": after})
        bulk.analyze(Deal, StageChange)
        self.stdout.write(f"seeded {n:,} deals in {time.perf_counter() - began:.1f} s")


def _held() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM crm_customer WHERE owner_id IS NOT NULL")
        return cursor.fetchone()[0]
