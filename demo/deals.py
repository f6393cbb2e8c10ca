"""Demo deals and payments (issue 22), generated inside PostgreSQL (INSERT ... SELECT) like the
follow-ups, so the large company's 2,000,000 deals and 1,000,000 payments take minutes.

Per customer about `target / customers` deals: a quarter won (signed in the last 18 months, the
salesperson who holds the customer, or who created it when it is in the pool, kept), a sixth
lost, the rest open in a random open stage with an expected close date in the next six months
(open deals of a pool customer have no salesperson, as deals/followers.py leaves them). Won
deals get two payments each (40 % of the signed amount, a month apart), up to `payments`. Each deal gets one stage-history row (opened in its
stage); a won deal's way through the open stages is not invented."""

from django.db import connection, transaction

from common.bulk import analyze
from crm.models import Customer
from deals import defaults
from deals.models import Deal, LostReason, Payment, Stage, StageChange
from demo.bulk import indexes_deferred, worth_deferring

TITLES = ["年度采购", "设备更新", "系统升级", "软件许可", "维保服务", "耗材补货", "新厂房配套", "试点项目", "二期扩容", "培训服务"]


def seed_deals(*, target: int, payments: int, batch_customers=50_000, progress=None) -> tuple[int, int]:
    """Add deals until there are about `target`, then payments on won deals up to `payments`."""
    defaults.install(Stage, LostReason)
    existing = Deal.objects.count()
    missing = target - existing
    customers = Customer.objects.count()
    added = 0
    if missing > 0 and customers:
        added = _deals(missing, existing, missing / customers, batch_customers, progress)
    paid = _payments(payments - Payment.objects.count())
    if added:
        analyze(Deal, StageChange)
    if paid:
        analyze(Payment)
    return added, paid


def _deals(missing, existing, average, batch_customers, progress) -> int:
    stages = {kind: list(Stage.objects.filter(kind=kind, active=True).values_list("pk", "probability"))
              for kind in (Stage.Kind.OPEN, Stage.Kind.WON, Stage.Kind.LOST)}
    open_ids, open_probabilities = [pk for pk, _p in stages["open"]], [p for _pk, p in stages["open"]]
    won_id, lost_id = stages["won"][0][0], stages["lost"][0][0]
    reason_id = LostReason.objects.order_by("order", "id").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM crm_customer")
        low, high = cursor.fetchone()
    added = 0
    with transaction.atomic(), indexes_deferred(Deal._meta.db_table, enabled=worth_deferring(missing, existing)):
        for start in range(low, high + 1, batch_customers):
            with connection.cursor() as cursor:
                cursor.execute(_INSERT_DEALS, {
                    "titles": TITLES, "n_titles": len(TITLES), "open_ids": open_ids, "open_p": open_probabilities,
                    "n_open": len(open_ids), "won": won_id, "lost": lost_id, "reason": reason_id, "average": average,
                    "start": start, "end": start + batch_customers,
                })
                added += cursor.rowcount
            if progress:
                progress(added, missing)
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO deals_stagechange (deal_id, from_stage_id, to_stage_id, by_id, at)
                SELECT d.id, NULL, d.stage_id, d.created_by_id, d.created_at FROM deals_deal d
                WHERE NOT EXISTS (SELECT 1 FROM deals_stagechange s WHERE s.deal_id = d.id)
            """)
    return added


_INSERT_DEALS = """
INSERT INTO deals_deal (customer_id, owner_id, title, amount, stage_id, probability, expected_close_on, won_amount,
                        won_on, lost_reason_id, lost_note, source, notes, created_by_id, created_at, updated_at, closed_at)
SELECT c.id,
       CASE WHEN k.kind = 'open' THEN c.owner_id ELSE coalesce(c.owner_id, c.created_by_id) END,
       (%(titles)s::text[])[1 + floor(random() * %(n_titles)s)::int],
       k.amount,
       CASE k.kind WHEN 'won' THEN %(won)s WHEN 'lost' THEN %(lost)s ELSE (%(open_ids)s::int[])[k.slot] END,
       CASE k.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE (%(open_p)s::int[])[k.slot] END,
       CASE WHEN k.kind = 'open' THEN current_date + (random() * 180)::int END,
       CASE WHEN k.kind = 'won' THEN round(k.amount * (0.8 + random() * 0.2)::numeric, 2) END,
       CASE WHEN k.kind = 'won' THEN greatest(c.created_at::date, current_date - (random() * 540)::int) END,
       CASE WHEN k.kind = 'lost' THEN %(reason)s END,
       '', c.source, '', coalesce(c.owner_id, c.created_by_id), c.created_at, now(),
       CASE WHEN k.kind <> 'open' THEN now() END
FROM crm_customer c
CROSS JOIN LATERAL generate_series(
    1, CASE WHEN %(average)s >= 1 THEN 1 + floor(random() * (2 * %(average)s - 1) + 0 * c.id)::int
            WHEN random() < %(average)s THEN 1 ELSE 0 END) AS g(n)
CROSS JOIN LATERAL (
    SELECT CASE WHEN r < 0.25 THEN 'won' WHEN r < 0.42 THEN 'lost' ELSE 'open' END AS kind,
           1 + floor(random() * %(n_open)s)::int AS slot,
           -- revenue is skewed as in life: most deals small, a few large (an 80/20 shape)
           round((1000 + 2000000 * power(random(), 6) + 0 * g.n)::numeric, 2) AS amount
    FROM (SELECT random() + 0 * g.n AS r) AS pick
) AS k
WHERE c.id >= %(start)s AND c.id < %(end)s AND coalesce(c.owner_id, c.created_by_id) IS NOT NULL
"""


def _payments(missing: int) -> int:
    if missing <= 0:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO deals_payment (deal_id, received_on, amount, method, note, created_by_id, created_at)
            SELECT d.id, least(current_date, d.won_on + 30 * g.n - (random() * 20)::int), round(d.won_amount * 0.4, 2),
                   'transfer', '', d.owner_id, now()
            FROM deals_deal d CROSS JOIN generate_series(1, 2) AS g(n)
            WHERE d.won_on IS NOT NULL AND d.won_amount > 0
              AND NOT EXISTS (SELECT 1 FROM deals_payment p WHERE p.deal_id = d.id)
            ORDER BY d.id, g.n
            LIMIT %s
        """, [missing])
        return cursor.rowcount
