"""The numbers behind the deals report (issue 22): the funnel, won and lost deals, revenue.

Each number comes from one of three base queries that yield rows grouped by (local day, owner,
...): deals opened (with the furthest open stage each reached and its outcome), deals won (with
the source, the customer's industry and the days from first contact to the signature), deals
lost (with the reason). A salesperson's or a group's rows are counted live from the deals table
(indexes on owner + date); the whole company reads the same rows from the summary tables that
`manage.py refresh_reports` rebuilds nightly (reports/deal_summaries.py), as of that rebuild.
Either way the rows are then added up here, so both paths give the same numbers.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection

from common import timewindows
from reports.models import DealLostDay, DealOpenedDay, DealWonDay
from reports.numbers import Scope, period_start

ZERO = Decimal("0")

# Opened deals: the furthest open stage (by its order) each ever reached, from the stage history.
OPENED_SQL = """
SELECT (d.created_at AT TIME ZONE %(tz)s)::date AS day, d.owner_id, s.kind,
       (SELECT max(ts."order") FROM deals_stagechange c JOIN deals_stage ts ON ts.id = c.to_stage_id
        WHERE c.deal_id = d.id AND ts.kind = 'open') AS reach,
       count(*) AS deals, sum(d.amount) AS amount
FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id
WHERE {where}
GROUP BY 1, 2, 3, 4
"""
# Won deals: first contact is the customer's first follow-up, or its creation if earlier or none.
WON_SQL = """
SELECT d.won_on AS day, d.owner_id, COALESCE(NULLIF(d.source, ''), c.source) AS source, c.industry,
       count(*) AS deals, sum(d.won_amount) AS amount,
       sum(GREATEST(0, d.won_on - LEAST(
           (c.created_at AT TIME ZONE %(tz)s)::date,
           COALESCE((SELECT (min(f.occurred_at) AT TIME ZONE %(tz)s)::date FROM crm_followup f
                     WHERE f.customer_id = d.customer_id), (c.created_at AT TIME ZONE %(tz)s)::date)))) AS days
FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id JOIN crm_customer c ON c.id = d.customer_id
WHERE s.kind = 'won' AND d.won_on IS NOT NULL AND d.won_amount IS NOT NULL AND {where}
GROUP BY 1, 2, 3, 4
"""
LOST_SQL = """
SELECT (d.closed_at AT TIME ZONE %(tz)s)::date AS day, d.owner_id, d.lost_reason_id, count(*) AS deals,
       sum(d.amount) AS amount
FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id
WHERE s.kind = 'lost' AND d.closed_at IS NOT NULL AND {where}
GROUP BY 1, 2, 3
"""
OPENED_COLUMNS = ("day", "owner_id", "kind", "reach", "deals", "amount")
WON_COLUMNS = ("day", "owner_id", "source", "industry", "deals", "amount", "days")
LOST_COLUMNS = ("day", "owner_id", "lost_reason_id", "deals", "amount")


def _live(sql, columns, date_column, start, owner_ids) -> list[dict]:
    where = f"{date_column} >= %(start)s"
    params = {"tz": settings.TIME_ZONE, "start": start}
    if owner_ids is not None:
        where += " AND d.owner_id = ANY(%(owners)s)"
        params["owners"] = list(owner_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(where=where), params)
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _summary(model, columns, start_day) -> list[dict]:
    return list(model.objects.filter(day__gte=start_day).values(*columns))


@dataclass
class DealRows:
    opened: list = field(default_factory=list)
    won: list = field(default_factory=list)
    lost: list = field(default_factory=list)
    as_of: object = None  # the rebuild read, for the company; None: live


def deal_rows(scope: Scope, days: int, *, now=None) -> DealRows:
    """The rows of the period (the last `days` days, today included) within the scope."""
    start = period_start(days, now)
    start_day = timewindows.today(start)
    if scope.company and scope.refresh is not None:
        return DealRows(_summary(DealOpenedDay, OPENED_COLUMNS, start_day), _summary(DealWonDay, WON_COLUMNS, start_day),
                        _summary(DealLostDay, LOST_COLUMNS, start_day), as_of=scope.refresh.refreshed_at)
    owners = scope.owner_ids
    return DealRows(
        _live(OPENED_SQL, OPENED_COLUMNS, "d.created_at", start, owners),
        _live(WON_SQL, WON_COLUMNS, "d.won_on", start_day, owners),
        _live(LOST_SQL, LOST_COLUMNS, "d.closed_at", start, owners),
    )


# --- Adding the rows up ------------------------------------------------------------------------


@dataclass
class FunnelStep:
    stage: object
    deals: int = 0
    amount: Decimal = ZERO
    conversion: float | None = None  # percent of the previous step's deals that reached this one


def funnel(rows: DealRows, open_stages, won_stage) -> list[FunnelStep]:
    """Deals opened in the period that reached each open stage (a deal further on, or won, passed
    through the earlier ones), then those won; each with the conversion from the step before."""
    steps = [FunnelStep(stage) for stage in open_stages] + [FunnelStep(won_stage)]
    for row in rows.opened:
        won = row["kind"] == "won"
        for step in steps[:-1]:
            if won or (row["reach"] is not None and row["reach"] >= step.stage.order):
                step.deals += row["deals"]
                step.amount += row["amount"] or ZERO
        if won:
            steps[-1].deals += row["deals"]
            steps[-1].amount += row["amount"] or ZERO
    for before, step in zip(steps, steps[1:]):
        step.conversion = round(100 * step.deals / before.deals, 1) if before.deals else None
    return steps


@dataclass
class Totals:
    won: int = 0
    lost: int = 0
    revenue: Decimal = ZERO
    days: int = 0

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return round(100 * self.won / closed, 1) if closed else None

    @property
    def average_size(self) -> Decimal | None:
        return (self.revenue / self.won).quantize(Decimal("0.01")) if self.won else None

    @property
    def average_days(self) -> float | None:
        return round(self.days / self.won, 1) if self.won else None


def totals(rows: DealRows) -> Totals:
    result = Totals()
    for row in rows.won:
        result.won += row["deals"]
        result.revenue += row["amount"] or ZERO
        result.days += row["days"] or 0
    result.lost = sum(row["deals"] for row in rows.lost)
    return result


def lost_by_reason(rows: DealRows) -> dict:
    """{lost reason id: [deals, amount]}."""
    reasons = defaultdict(lambda: [0, ZERO])
    for row in rows.lost:
        reasons[row["lost_reason_id"]][0] += row["deals"]
        reasons[row["lost_reason_id"]][1] += row["amount"] or ZERO
    return reasons


def revenue_by(rows: DealRows, key) -> dict:
    """Won deals and revenue grouped by `key(row)`: {key: [deals, revenue]}."""
    grouped = defaultdict(lambda: [0, ZERO])
    for row in rows.won:
        entry = grouped[key(row)]
        entry[0] += row["deals"]
        entry[1] += row["amount"] or ZERO
    return grouped


def month_of(row) -> date:
    return row["day"].replace(day=1)
