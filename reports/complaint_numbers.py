"""The numbers of the complaints report (issue 25), straight from complaints_complaint: counts,
the share answered within 24 hours, median hours to respond and to resolve, and whether the
customers who complained stayed. A complaint counts for the salesperson who held the customer
when it was logged (complaints.Complaint.owner)."""

from dataclasses import dataclass

from django.db import connection

from complaints.models import ANSWER_HOURS

KEYS = {"category": "c.category", "severity": "c.severity", "owner": "c.owner_id", "group": "u.sales_group_id",
        "all": "0"}


@dataclass
class Stats:
    complaints: int = 0
    answered: int = 0
    in_day: int = 0
    median_respond: float | None = None  # hours
    median_resolve: float | None = None

    @property
    def in_day_rate(self) -> float | None:
        return 100 * self.in_day / self.complaints if self.complaints else None


def _where(scope, since) -> tuple[str, list]:
    sql, params = "c.created_at >= %s", [since]
    if not scope.company:
        sql += " AND c.owner_id = ANY(%s)"
        params.append(list(scope.owner_ids))
    return sql, params


def stats(scope, since, by: str) -> dict:
    """{key value: Stats} of the complaints logged since `since` in the scope, by KEYS[by]."""
    where, params = _where(scope, since)
    sql = f"""
        SELECT {KEYS[by]} AS key, count(*), count(c.responded_at),
               count(*) FILTER (WHERE c.responded_at - c.created_at <= interval '{ANSWER_HOURS} hours'),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.responded_at - c.created_at)) / 3600,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.resolved_at - c.created_at)) / 3600
        FROM complaints_complaint c LEFT JOIN accounts_user u ON u.id = c.owner_id
        WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {key: Stats(n, answered, in_day, respond, resolve)
                for key, n, answered, in_day, respond, resolve in cursor.fetchall()}


@dataclass
class Stayed:
    customers: int = 0
    stayed: int = 0

    @property
    def rate(self) -> float | None:
        return 100 * self.stayed / self.customers if self.customers else None


def retention(scope, since) -> dict:
    """{"in_day" | "later": Stayed}: the customers who complained since `since`, by whether their
    first complaint then was answered within 24 hours (not answered yet counts as later), and
    how many stayed: still held by a salesperson (not in the pool) and not suspended."""
    where, params = _where(scope, since)
    sql = f"""
        WITH first AS (
            SELECT DISTINCT ON (c.customer_id) c.customer_id, c.created_at, c.responded_at
            FROM complaints_complaint c WHERE {where} ORDER BY c.customer_id, c.created_at, c.id)
        SELECT f.responded_at IS NOT NULL AND f.responded_at - f.created_at <= interval '{ANSWER_HOURS} hours',
               count(*), count(*) FILTER (WHERE cu.owner_id IS NOT NULL AND cu.type <> 'suspended')
        FROM first f JOIN crm_customer cu ON cu.id = f.customer_id GROUP BY 1"""
    found = {"in_day": Stayed(), "later": Stayed()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for fast, customers, stayed in cursor.fetchall():
            found["in_day" if fast else "later"] = Stayed(customers, stayed)
    return found
