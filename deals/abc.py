"""Key accounts (ABC, issue 22): each customer's won revenue over a rolling 12 months, and its
class. Set-based: one statement ranks every customer with revenue, two more write only the rows
whose class or figure changed, so a night with few new wins rewrites few rows.

The rule (docs/operations.md, "Revenue classes"): customers are ranked by revenue, largest
first; a customer is A while the customers ranked strictly above it make less than 80 % of the
total (so the customer that crosses the 80 % line is A), B while they make less than 95 %, C
after that. Customers with equal revenue get the same class. A customer with no won revenue in
the 12 months gets no class (blank, "no won revenue"): with a million customers and a few
thousand buyers, "C" would otherwise mean almost everybody.

With the company setting "A-class customers become VIP" (deals.DealSettings) the job also makes
every A-class customer VIP, recorded in the customer's change history as done by the system
(by = NULL), and brings the next contact date forward to the VIP cadence. It never demotes."""

import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from common import locks
from companylists import grades
from deals.models import DealSettings

LOCK = "deals.classify-customers"
A_SHARE, B_SHARE = 80, 95  # per cent of the total revenue
WINDOW_DAYS = 365

_RANK = """
CREATE TEMPORARY TABLE deals_abc ON COMMIT DROP AS
WITH revenue AS (
    SELECT customer_id, SUM(won_amount) AS amount
    FROM deals_deal
    WHERE won_on IS NOT NULL AND won_on > %(since)s AND won_on <= %(today)s
    GROUP BY customer_id
    HAVING SUM(won_amount) > 0
), ranked AS (
    SELECT customer_id, amount,
           COALESCE(SUM(amount) OVER (ORDER BY amount DESC GROUPS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
               AS above,
           SUM(amount) OVER () AS total
    FROM revenue
)
SELECT customer_id, amount,
       CASE WHEN above * 100 < total * %(a)s THEN 'A' WHEN above * 100 < total * %(b)s THEN 'B' ELSE 'C' END AS class
FROM ranked
"""

_WRITE = """
UPDATE crm_customer c SET revenue_class = r.class, revenue_12m = r.amount
FROM deals_abc r
WHERE c.id = r.customer_id
  AND (c.revenue_class IS DISTINCT FROM r.class OR c.revenue_12m IS DISTINCT FROM r.amount)
"""

_CLEAR = """
UPDATE crm_customer c SET revenue_class = NULL, revenue_12m = NULL
WHERE c.revenue_class IS NOT NULL AND NOT EXISTS (SELECT 1 FROM deals_abc r WHERE r.customer_id = c.id)
"""

# A-class customers who are not VIP yet become VIP, with a line in their change history by the
# system; the next contact date comes forward to the VIP cadence (as crm.services.customer_change_grade).
_PROMOTE = """
WITH before AS (
    SELECT id, grade FROM crm_customer WHERE revenue_class = 'A' AND grade <> %(vip)s FOR UPDATE
), promoted AS (
    UPDATE crm_customer c
    SET grade = %(vip)s,
        next_contact_on = LEAST(c.next_contact_on,
                                (COALESCE(c.last_contact_at AT TIME ZONE %(zone)s, %(now)s AT TIME ZONE %(zone)s))::date
                                + %(days)s)
    FROM before b WHERE c.id = b.id
    RETURNING c.id, b.grade
)
INSERT INTO crm_customerchange (customer_id, field, old_value, new_value, by_id, created_at)
SELECT id, 'grade', grade, %(vip)s, NULL, %(now)s FROM promoted
"""


@dataclass
class Result:
    classes: dict  # "A"/"B"/"C" -> customers
    revenue: object  # the total won in the window
    changed: int
    cleared: int
    promoted: int
    duration_ms: int


def classify(*, today: date | None = None, now=None) -> Result | None:
    """Classify every customer; None if another run holds the lock. Safe to re-run."""
    started = time.monotonic()
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        if not locks.try_hold(LOCK):
            return None
        with connection.cursor() as cursor:
            cursor.execute(_RANK, {"since": today - timedelta(days=WINDOW_DAYS), "today": today,
                                   "a": A_SHARE, "b": B_SHARE})
            cursor.execute("CREATE INDEX ON deals_abc (customer_id)")
            cursor.execute("ANALYZE deals_abc")
            cursor.execute(_WRITE)
            changed = cursor.rowcount
            cursor.execute(_CLEAR)
            cleared = cursor.rowcount
            promoted = 0
            key_grade = grades.key_grade()  # the settings page's key grade (seeded: VIP)
            if DealSettings.current().a_class_becomes_vip and key_grade:
                cursor.execute(_PROMOTE, {
                    "vip": key_grade, "now": now, "zone": settings.TIME_ZONE,
                    "days": grades.cadence_days(key_grade),
                })
                promoted = cursor.rowcount
            cursor.execute("SELECT class, COUNT(*), SUM(amount) FROM deals_abc GROUP BY class")
            rows = cursor.fetchall()
            cursor.execute("DROP TABLE deals_abc")  # ON COMMIT DROP is too late inside an outer transaction
    with connection.cursor() as cursor:  # outside the transaction: the statistics see the new classes
        cursor.execute("ANALYZE crm_customer")
        if promoted:
            cursor.execute("ANALYZE crm_customerchange")
    classes = {key: 0 for key in ("A", "B", "C")} | {row[0]: row[1] for row in rows}
    return Result(classes=classes, revenue=sum((row[2] for row in rows), 0), changed=changed, cleared=cleared,
                  promoted=promoted, duration_ms=int((time.monotonic() - started) * 1000))
