"""The nightly rebuild of the summary tables behind the company-wide dashboard and reports
(reports/models.py), run by `manage.py refresh_reports` (docs/operations.md). The rebuilt tables
are ANALYZEd before it ends: a rebuilt, never-analysed summary table made the admin's pool report
plan a 0.3 ms query as a 1.9 s one (issue 21.5)."""

from datetime import timedelta
from time import monotonic

from django.conf import settings
from django.db import connection, transaction

from common import bulk, locks, timewindows
from companylists import grades
from crm.cadence import cadence_days
from reports import deal_summaries
from reports.models import CustodyDay, CustomerStock, FollowUpDay, HoldingMonth, ReportRefresh

# The lock's name is the one it had in crm, so an old and a new server still exclude each other.
REFRESH_LOCK_KEY = "crm.refresh_reports"
REBUILT = (CustomerStock, FollowUpDay, CustodyDay, HoldingMonth, *deal_summaries.MODELS)

_STOCK_SQL = """
INSERT INTO crm_customerstock (owner_id, type, grade, source, industry, customers, overdue)
SELECT owner_id, type, grade, source, industry, count(*),
       count(*) FILTER (WHERE next_contact_on < %(today)s
                        OR (next_contact_on IS NULL AND COALESCE(last_contact_at, created_at)
                            < COALESCE((SELECT cutoff FROM unnest(%(grade_keys)s::text[], %(grade_cutoffs)s::timestamptz[])
                                                   AS g(key, cutoff) WHERE g.key = grade), %(default_cutoff)s)))
FROM crm_customer WHERE owner_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
"""
_FOLLOWUP_SQL = """
INSERT INTO crm_followupday (day, author_id, count)
SELECT (occurred_at AT TIME ZONE %(tz)s)::date, author_id, count(*)
FROM crm_followup WHERE occurred_at < %(now)s
GROUP BY 1, 2
"""
_CUSTODY_SQL = """
INSERT INTO crm_custodyday (day, reason, from_owner_id, to_owner_id, count)
SELECT (created_at AT TIME ZONE %(tz)s)::date, reason, from_owner_id, to_owner_id, count(*)
FROM crm_custody WHERE created_at < %(now)s
GROUP BY 1, 2, 3, 4
"""

# Holdings on the first of each month (the one after the month whose moves are summed), per
# owner, as the running sum of every change of owner before the refresh.
_HOLDING_SQL = """
INSERT INTO crm_holdingmonth (month, owner_id, held, gave_up, recycled)
SELECT (m + interval '1 month')::date, owner_id, sum(n) OVER (PARTITION BY owner_id ORDER BY m), gave_up, recycled
FROM (
    SELECT date_trunc('month', created_at AT TIME ZONE %(tz)s)::date AS m, owner_id, sum(delta) AS n,
           count(*) FILTER (WHERE delta = -1 AND reason = 'gave_up') AS gave_up,
           count(*) FILTER (WHERE delta = -1 AND reason = 'recycled') AS recycled
    FROM (
        SELECT created_at, to_owner_id AS owner_id, 1 AS delta, reason FROM crm_custody
        WHERE to_owner_id IS NOT NULL AND created_at < %(now)s
        UNION ALL
        SELECT created_at, from_owner_id, -1, reason FROM crm_custody
        WHERE from_owner_id IS NOT NULL AND created_at < %(now)s
    ) AS moves
    GROUP BY 1, 2
) AS monthly
"""


def refresh_summaries(*, now=None) -> ReportRefresh | None:
    """Rebuild the summary tables in one transaction (readers keep the old rows until it commits),
    from one consistent snapshot of the data, then ANALYZE them so the first reader of the morning
    gets plans made from today's rows. None when another rebuild holds the lock."""
    refresh = _rebuild(now)
    if refresh is not None:
        bulk.analyze(*REBUILT)
    return refresh


def _rebuild(now) -> ReportRefresh | None:
    began = monotonic()
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:  # one snapshot for every table (inside a caller's transaction: theirs)
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        if not locks.try_hold(REFRESH_LOCK_KEY):
            return None
        # The transaction's own clock: its snapshot holds exactly the rows written before it.
        cursor.execute("SELECT now()")
        now = now or cursor.fetchone()[0]
        params = {
            "today": timewindows.today(now),
            # Each grade's cutoff by its cadence (the company's grade list), the default grade's for others.
            "grade_keys": [grade.key for grade in grades.all_grades()],
            "grade_cutoffs": [now - timedelta(days=grade.cadence_days) for grade in grades.all_grades()],
            "default_cutoff": now - timedelta(days=cadence_days(grades.default_key())),
            "tz": settings.TIME_ZONE,
            "now": now,
        }
        for model in REBUILT:
            cursor.execute(f'DELETE FROM "{model._meta.db_table}"')
        for sql in (_STOCK_SQL, _FOLLOWUP_SQL, _CUSTODY_SQL, _HOLDING_SQL, *deal_summaries.STATEMENTS):
            cursor.execute(sql, params)
        ReportRefresh.objects.filter(refreshed_at__lt=now - timedelta(days=30)).delete()
        return ReportRefresh.objects.create(refreshed_at=now, duration_ms=int((monotonic() - began) * 1000))
