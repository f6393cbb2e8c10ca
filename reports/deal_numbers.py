"""The numbers behind the deals report (issue 22): the funnel, won and lost deals, revenue.

Each number comes from one of three base queries that yield rows grouped by (local day, owner,
...): deals opened (with how far each got and its outcome), deals won (with
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
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from common import timewindows
from reports.models import DealLostDay, DealOpenedDay, DealWonDay, DealWonIndustryDay, DealWonSourceDay
from reports.numbers import Scope, period_start

ZERO = Decimal("0")

# Opened deals, with how far each got: an open deal its stage (by order), a lost one the stage it
# was lost from (its last move, from the stage history), a won one every stage (reach NULL).
OPENED_SQL = """
SELECT day, owner_id, kind, reach, count(*) AS deals, sum(amount) AS amount FROM (
    SELECT (d.created_at AT TIME ZONE %(tz)s)::date AS day, d.owner_id, s.kind, d.amount,
           CASE WHEN s.kind = 'open' THEN s."order"
                WHEN s.kind = 'lost' THEN (
                    SELECT fs."order" FROM deals_stagechange c JOIN deals_stage fs ON fs.id = c.from_stage_id
                    WHERE c.deal_id = d.id AND c.to_stage_id = d.stage_id ORDER BY c.at DESC, c.id DESC LIMIT 1)
           END AS reach
    FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id
    WHERE {where}
) AS opened
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
BASE = {"opened": (OPENED_SQL, "d.created_at"), "won": (WON_SQL, "d.won_on"), "lost": (LOST_SQL, "d.closed_at")}


@dataclass(frozen=True)
class Rollup:
    """What the report adds up, rolled up in the database (a year of a company's base rows is
    hundreds of thousands; the report needs a few thousand): the base rows summed by `keys`.
    The company reads the same sums by day from `summary`, rebuilt nightly."""

    name: str
    base: str
    keys: tuple
    sums: tuple
    summary: type

    @property
    def summary_keys(self) -> tuple:
        return ("day", *(key for key in self.keys if key != "month"))


ROLLUPS = (
    Rollup("opened", "opened", ("kind", "reach"), ("deals", "amount"), DealOpenedDay),
    Rollup("won", "won", ("month", "owner_id"), ("deals", "amount", "days"), DealWonDay),
    Rollup("won_by_source", "won", ("source",), ("deals", "amount"), DealWonSourceDay),
    Rollup("won_by_industry", "won", ("industry",), ("deals", "amount"), DealWonIndustryDay),
    Rollup("lost", "lost", ("lost_reason_id",), ("deals", "amount"), DealLostDay),
)
WON_LIVE = Rollup("won_live", "won", ("month", "owner_id", "source", "industry"), ("deals", "amount", "days"), DealWonDay)
KEY_SQL = {"month": "date_trunc('month', day)::date AS month"}


def rolled_sql(rollup: Rollup, keys, where: str) -> str:
    sums = [f"sum({name}){'' if name == 'amount' else '::bigint'} AS {name}" for name in rollup.sums]
    select = ", ".join([KEY_SQL.get(key, key) for key in keys] + sums)
    groups = ", ".join(str(n) for n in range(1, len(keys) + 1))
    return f"SELECT {select} FROM ({BASE[rollup.base][0].format(where=where)}) AS base GROUP BY {groups}"


def _live(rollup: Rollup, start, start_day, owner_ids) -> list[dict]:
    where = f"{BASE[rollup.base][1]} >= %(start)s"
    params = {"tz": settings.TIME_ZONE, "start": start_day if rollup.base == "won" else start}
    if owner_ids is not None:
        where += " AND d.owner_id = ANY(%(owners)s)"
        params["owners"] = list(owner_ids)
    with connection.cursor() as cursor:
        cursor.execute(rolled_sql(rollup, rollup.keys, where), params)
        return [dict(zip((*rollup.keys, *rollup.sums), row)) for row in cursor.fetchall()]


def _summary(rollup: Rollup, start_day) -> list[dict]:
    rows = rollup.summary.objects.filter(day__gte=start_day)
    if "month" in rollup.keys:
        rows = rows.annotate(month=TruncMonth("day"))
    return list(rows.values(*rollup.keys).annotate(**{name: Sum(name) for name in rollup.sums}).order_by())


@dataclass
class DealRows:
    opened: list = field(default_factory=list)
    won: list = field(default_factory=list)
    won_by_source: list = field(default_factory=list)
    won_by_industry: list = field(default_factory=list)
    lost: list = field(default_factory=list)
    as_of: object = None  # the rebuild read, for the company; None: live


def deal_rows(scope: Scope, days: int, *, now=None) -> DealRows:
    """The rows of the period (the last `days` days, today included) within the scope."""
    start = period_start(days, now)
    start_day = timewindows.today(start)
    if scope.company and scope.refresh is not None:
        return DealRows(**{rollup.name: _summary(rollup, start_day) for rollup in ROLLUPS},
                        as_of=scope.refresh.refreshed_at)
    # Live, the won deals are read once, by month, person, source and industry, and split here.
    rows = {rollup.name: _live(rollup, start, start_day, scope.owner_ids) for rollup in ROLLUPS if rollup.base != "won"}
    won = _live(WON_LIVE, start, start_day, scope.owner_ids)
    for rollup in ROLLUPS:
        if rollup.base == "won":
            rows[rollup.name] = _regroup(won, rollup.keys, rollup.sums)
    return DealRows(**rows)


def _regroup(rows, keys, sums) -> list[dict]:
    grouped = {}
    for row in rows:
        key = tuple(row[name] for name in keys)
        entry = grouped.setdefault(key, {**dict(zip(keys, key)), **{name: 0 for name in sums}})
        for name in sums:
            entry[name] += row[name] or 0
    return list(grouped.values())


# --- Adding the rows up ------------------------------------------------------------------------


@dataclass
class FunnelStep:
    stage: object
    deals: int = 0
    amount: Decimal = ZERO
    conversion: float | None = None  # percent of the previous step's deals that reached this one


def funnel(rows: DealRows, open_stages, won_stage) -> list[FunnelStep]:
    """Deals opened in the period that reached each open stage (a deal at a later stage, lost from
    one, or won, passed through the earlier ones), then those won; each with the conversion from
    the step before."""
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


def revenue_by(rows: list, key) -> dict:
    """Won deals and revenue of rolled-up won rows grouped by `key(row)`: {key: [deals, revenue]}."""
    grouped = defaultdict(lambda: [0, ZERO])
    for row in rows:
        entry = grouped[key(row)]
        entry[0] += row["deals"]
        entry[1] += row["amount"] or ZERO
    return grouped


def month_of(row) -> date:
    return row["month"]
