"""The numbers of the complaints report (issue 25), straight from complaints_complaint: counts,
the share answered within 24 hours, median hours to respond and to resolve, and whether the
customers who complained stayed. A complaint counts for the salesperson who held the customer
when it was logged (complaints.Complaint.owner)."""

from dataclasses import dataclass

from django.db import connection

from complaints.models import ANSWER_HOURS

# The groupings of the report, counted in one pass over the period's complaints (GROUPING SETS).
SETS = {"category": "c.category", "severity": "c.severity", "owner": "c.owner_id", "group": "u.sales_group_id"}

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


def stats(scope, since, groupings: list[str]) -> dict:
    """{grouping: {key value: Stats}, "all": Stats} of the complaints logged since `since` in the
    scope, each grouping one of SETS, all counted in one scan."""
    where, params = _where(scope, since)
    columns = [SETS[name] for name in groupings]
    sets = ", ".join([*(f"({column})" for column in columns), "()"])
    sql = f"""
        SELECT GROUPING({", ".join(columns)}), {", ".join(columns)}, count(*), count(c.responded_at),
               count(*) FILTER (WHERE c.responded_at - c.created_at <= interval '{ANSWER_HOURS} hours'),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', c.responded_at - c.created_at)) / 3600,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', c.resolved_at - c.created_at)) / 3600
        FROM complaints_complaint c LEFT JOIN accounts_user u ON u.id = c.owner_id
        WHERE {where} GROUP BY GROUPING SETS ({sets})"""
    found = {name: {} for name in groupings}
    found["all"] = Stats()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            mask, keys, numbers = row[0], row[1:1 + len(columns)], row[1 + len(columns):]
            # GROUPING() has a 0 bit for the column this row is grouped by (the first column is the highest bit).
            grouped = [i for i in range(len(columns)) if not mask & (1 << (len(columns) - 1 - i))]
            if not grouped:
                found["all"] = Stats(*numbers)
            else:
                found[groupings[grouped[0]]][keys[grouped[0]]] = Stats(*numbers)
    for name in groupings:  # most complaints first
        found[name] = dict(sorted(found[name].items(), key=lambda item: (-item[1].complaints, str(item[0]))))
    return found

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
