"""The numbers behind the dashboards and reports (issue 11), aggregated in SQL.

A scope names whose work is counted: a list of people (a supervisor's groups, one group, one
person) is counted live from the real tables, which their indexes make cheap. The whole company
(an admin with no filter) would mean reading a million customers and millions of follow-ups on
every page, so it reads the small summary tables that `manage.py refresh_reports` rebuilds
nightly (reports/summaries.py), plus, for follow-ups and custody, the rows written since that rebuild: those numbers
stay exact to the minute. The company's stock of customers (by type, grade, ..., overdue) is as
of the rebuild; the page says when. Without any rebuild everything is counted live.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from accounts.policies import visible_sales_groups, visible_users
from common import timewindows
from companylists import grades, lists
from crm.models import Custody, Customer, CustomerChange, FollowUp
from crm.selectors import overdue_q  # the customer list's "overdue" view: one definition
from reports import policies
from reports.models import CustodyDay, CustomerStock, FollowUpDay, HoldingMonth, ReportRefresh
from workplans.models import Plan
from workplans.policies import visible_plans

PERIOD_DAYS = (7, 30, 90, 365)

# Custody reasons that put a customer into the pool, and those that take one out of it.
INTO_POOL = [Custody.Reason.GAVE_UP, Custody.Reason.RECYCLED, Custody.Reason.OFFBOARDED]
OUT_OF_POOL = [Custody.Reason.CLAIMED, Custody.Reason.REASSIGNED]
LOST = [Custody.Reason.GAVE_UP, Custody.Reason.RECYCLED]


class Scope:
    """Whose work a page counts. `owner_ids` None: the whole company. The people (for
    per-person rows) are loaded only when a page asks for them."""

    def __init__(self, owner_ids, people, groups, *, group=None, person=None):
        self.owner_ids = owner_ids
        self._people = people  # a list, or a queryset not yet run
        self.groups = groups
        self.group = group
        self.person = person
        self._refresh = False  # not looked up yet

    @property
    def company(self) -> bool:
        return self.owner_ids is None

    @property
    def people(self) -> list[User]:
        if not isinstance(self._people, list):
            self._people = list(self._people)
        return self._people

    @property
    def refresh(self) -> "ReportRefresh | None":
        """The summary rebuild this scope reads (company scope only), looked up once."""
        if self._refresh is False:
            self._refresh = last_refresh() if self.company else None
        return self._refresh

    def person_by_id(self) -> dict[int, User]:
        return {person.pk: person for person in self.people}


def report_people(user):
    """The salespeople and supervisors whose rows a per-person table may show to `user`."""
    return (
        visible_users(user).filter(role__in=[User.Role.SALESPERSON, User.Role.SUPERVISOR])
        .select_related("sales_group").order_by("sales_group__name", "username")
    )


def scope_for(user, *, group=None, person=None) -> Scope:
    """`user`'s scope, narrowed to one of their groups or people (already checked by the form)."""
    people = report_people(user)
    groups = list(visible_sales_groups(user)) if policies.may_see_reports(user) else []
    if person is not None:
        return Scope([person.pk], [person], groups, person=person)
    if group is not None:
        members = list(people.filter(sales_group=group))
        return Scope([p.pk for p in members], members, groups, group=group)
    return Scope(policies.report_owner_ids(user), people, groups)


def last_refresh() -> ReportRefresh | None:
    return ReportRefresh.objects.order_by("-refreshed_at").first()


def _summary_cut(scope: Scope) -> datetime | None:
    """When the summary tables were rebuilt, if this scope reads them."""
    return scope.refresh.refreshed_at if scope.refresh else None


# --- Aggregates ---------------------------------------------------------------------------------


def stock(scope: Scope, by: list[str], *, now=None, with_overdue=True) -> list[dict]:
    """Owned customers (and how many are overdue), grouped by `by` (e.g. ["type"], ["owner_id"],
    ["owner__sales_group_id"]): each row has the `by` values, `customers` and `overdue`."""
    if _summary_cut(scope) is not None:
        rows = CustomerStock.objects.values(*by).annotate(customers=Sum("customers"), overdue=Sum("overdue"))
    else:
        customers = Customer.objects.filter(owner__isnull=False)
        if not scope.company:
            customers = customers.filter(owner_id__in=scope.owner_ids)
        # COUNT(*) without the overdue filter lets PostgreSQL count from an index alone.
        overdue = Count("pk", filter=overdue_q(now)) if with_overdue else Value(0)
        rows = customers.values(*by).annotate(customers=Count("*"), overdue=overdue)
    return list(rows.order_by(*by))


def _merge(parts, by) -> Counter:
    totals = Counter()
    for rows in parts:
        for row in rows:
            totals[tuple(row[name] for name in by)] += row["n"]
    return totals


def followup_counts(scope: Scope, start: datetime, by: list[str]) -> Counter:
    """Follow-ups from `start` (a local midnight) until now, counted by `by` among "day",
    "author_id", "author__sales_group_id": {(values...): count}."""
    live = FollowUp.objects.filter(occurred_at__gte=start)
    parts = []
    cut = _summary_cut(scope)
    if cut is not None:
        if start < cut:
            parts.append(
                FollowUpDay.objects.filter(day__gte=timewindows.today(start))
                .values(*by).annotate(n=Sum("count")).order_by()
            )
        live = live.filter(occurred_at__gte=cut)
    elif not scope.company:
        live = live.filter(author_id__in=scope.owner_ids)
    parts.append(live.annotate(day=TruncDate("occurred_at")).values(*by).annotate(n=Count("*")).order_by())
    return _merge(parts, by)


def custody_counts(scope: Scope, start: datetime, by: list[str], *, side: str, reasons=None, end=None,
                   pool_side=False) -> Counter:
    """Changes of owner from `start` to `end` (default: now) counted by `by` (among "day",
    "reason", "from_owner_id", "to_owner_id", ...). `side` ("from" or "to") is the owner who
    must be in scope; `pool_side` requires the other side to be the pool (no owner)."""
    other = "to" if side == "from" else "from"
    condition = Q(**{f"{side}_owner__isnull": False})
    if reasons is not None:
        condition &= Q(reason__in=reasons)
    if pool_side:
        condition &= Q(**{f"{other}_owner__isnull": True})
    live = Custody.objects.filter(condition, created_at__gte=start)
    if end is not None:
        live = live.filter(created_at__lt=end)
    parts = []
    cut = _summary_cut(scope)
    if cut is not None:
        if start < cut:
            summary = CustodyDay.objects.filter(condition, day__gte=timewindows.today(start))
            if end is not None and end < cut:
                summary = summary.filter(day__lt=timewindows.today(end))
            parts.append(summary.values(*by).annotate(n=Sum("count")).order_by())
        live = live.filter(created_at__gte=cut)
    elif not scope.company:
        live = live.filter(**{f"{side}_owner_id__in": scope.owner_ids})
    parts.append(live.annotate(day=TruncDate("created_at")).values(*by).annotate(n=Count("*")).order_by())
    return _merge(parts, by)


# --- Reports ------------------------------------------------------------------------------------


def period_start(days: int, now=None) -> datetime:
    """Local midnight `days - 1` days ago: "the last 30 days" includes today."""
    return timewindows.local_midnight(timewindows.today(now) - timedelta(days=days - 1))


def by_field(scope: Scope, name: str, *, now=None, top=None) -> list[tuple[str, int]]:
    """Owned customers by one of type, grade, source, industry: [(value, count)], largest first
    (the choices' own order for fields with choices); `top` folds the rest into ""."""
    rows = [(row[name], row["customers"]) for row in stock(scope, [name], now=now, with_overdue=False)]
    choices = Customer._meta.get_field(name).choices
    if name == "grade":  # the company's grades, in its order (a retired one while customers have it)
        choices = [(grade.key, grade.label) for grade in grades.all_grades()]
    if name == "source":  # the company's sources in its order, then any value outside the list
        choices = [(entry.key, entry.label) for entry in lists.entries(lists.SOURCE)]
        choices += [(value, value) for value, _n in rows if value not in dict(choices)]
    if choices:
        counts = dict(rows)
        return [(value, counts.get(value, 0)) for value, _label in choices if value or counts.get(value)]
    rows.sort(key=lambda item: (-item[1], item[0]))
    if top is not None and len(rows) > top:
        rows = rows[:top] + [("\x00other", sum(count for _value, count in rows[top:]))]
    return rows


def type_movements(scope: Scope, start: datetime) -> list[tuple[str, str, int]]:
    """Changes of type (prospect / intention / suspended) since `start`: [(old, new, count)],
    counted among customers currently held within the scope."""
    changes = CustomerChange.objects.filter(field="type", created_at__gte=start)
    if not scope.company:
        changes = changes.filter(customer__owner_id__in=scope.owner_ids)
    rows = changes.values("old_value", "new_value").annotate(n=Count("id")).order_by("-n", "old_value", "new_value")
    return [(row["old_value"], row["new_value"], row["n"]) for row in rows]


def daily_activity(scope: Scope, days: int, *, now=None) -> list[tuple[date, int]]:
    """Follow-ups per day for the last `days` days (today included, empty days as 0)."""
    start = period_start(days, now)
    counts = followup_counts(scope, start, ["day"])
    first = timewindows.today(start)
    return [(first + timedelta(days=n), counts.get((first + timedelta(days=n),), 0)) for n in range(days)]


def activity_by_person(scope: Scope, days: int, *, now=None) -> Counter:
    counts = followup_counts(scope, period_start(days, now), ["author_id"])
    return Counter({key[0]: n for key, n in counts.items()})


def activity_by_group(scope: Scope, days: int, *, now=None) -> Counter:
    counts = followup_counts(scope, period_start(days, now), ["author__sales_group_id"])
    return Counter({key[0]: n for key, n in counts.items()})


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def pool_flows(scope: Scope, days: int, *, now=None, per="week") -> list[dict]:
    """Per week (Monday) or, with per="day", per day since the period's start: customers into
    the pool by reason (given up, recycled, owner left) and out of it (claimed, assigned),
    scoped by who let go / took them. Every week or day shows, empty ones as zeros."""
    start = period_start(days, now)
    into = custody_counts(scope, start, ["day", "reason"], side="from", reasons=INTO_POOL, pool_side=True)
    out = custody_counts(scope, start, ["day", "reason"], side="to", reasons=OUT_OF_POOL, pool_side=True)
    bucket, step = (week_start, 7) if per == "week" else ((lambda day: day), 1)
    buckets = defaultdict(Counter)
    first, last = bucket(timewindows.today(start)), bucket(timewindows.today(now))
    while first <= last:
        buckets[first]  # noqa: B018 (creates the empty bucket)
        first += timedelta(days=step)
    for counts in (into, out):
        for (day, reason), n in counts.items():
            buckets[bucket(day)][reason] += n
    return [{per: key, **{reason: counts.get(reason, 0) for reason in INTO_POOL + OUT_OF_POOL}}
            for key, counts in sorted(buckets.items())]


def pool_flows_by_person(scope: Scope, days: int, *, now=None) -> dict:
    """Over the period, per person (per group id for the whole company): customers they let go
    into the pool, by reason, and customers they took out of it (claimed, assigned to them)."""
    start = period_start(days, now)
    prefix = "" if not scope.company else "__sales_group"
    rows = defaultdict(Counter)
    for side, reasons in (("from", INTO_POOL), ("to", OUT_OF_POOL)):
        key = f"{side}_owner{prefix}_id" if prefix else f"{side}_owner_id"
        for (who, reason), n in custody_counts(scope, start, [key, "reason"], side=side, reasons=reasons,
                                               pool_side=True).items():
            rows[who][reason] += n
    return rows


@dataclass
class RetentionRow:
    held_at_start: int = 0
    gave_up: int = 0
    recycled: int = 0

    @property
    def lost(self) -> int:
        return self.gave_up + self.recycled

    @property
    def kept(self) -> int:
        return max(0, self.held_at_start - self.lost)

    @property
    def rate(self) -> float | None:
        """Percent of the customers held at the start still held (not given up or recycled)."""
        return round(100 * self.kept / self.held_at_start, 1) if self.held_at_start else None

    def add(self, other: "RetentionRow") -> None:
        self.held_at_start += other.held_at_start
        self.gave_up += other.gave_up
        self.recycled += other.recycled


def retention(scope: Scope, days: int, *, now=None) -> dict[int, RetentionRow]:
    """Per owner id: customers held at the period's start, and how many of them were given up
    or recycled during it. Held at the start = held at a moment T (the summary rebuild, or now)
    minus those that came to the owner since the start plus those that left them (custody is
    complete: every change of owner writes one row). A customer both gained and lost within the
    period counts as lost, so the rate errs low, never high. The company's pages start instead
    from the nightly holdings on the first of the start's month (HoldingMonth) and walk
    forwards: a year's retention then sums one month of custody rows, not twelve."""
    start = period_start(days, now)
    cut = _summary_cut(scope)
    if cut is not None and start < cut:
        # Start from the holdings on the first of the start's month, walk forwards to the start.
        month = timewindows.local_midnight(timewindows.today(start).replace(day=1))
        firsts = (HoldingMonth.objects.filter(month__lte=timewindows.today(month))
                  .order_by("owner_id", "-month").distinct("owner_id").values_list("owner_id", "held"))
        held = Counter(dict(firsts))
        if month < start:
            for (owner,), n in custody_counts(scope, month, ["to_owner_id"], side="to", end=start).items():
                held[owner] += n
            for (owner,), n in custody_counts(scope, month, ["from_owner_id"], side="from", end=start).items():
                held[owner] -= n
        return _retention_rows(held, _company_losses(scope, start, cut), scope)
    held = Counter({row["owner_id"]: row["customers"] for row in stock(scope, ["owner_id"], now=now, with_overdue=False)})
    # Leaving rows from the start to now, by reason: the losses, and what walks the stock back.
    went = custody_counts(scope, start, ["from_owner_id", "reason"], side="from")
    if cut is None:
        came = custody_counts(scope, start, ["to_owner_id"], side="to")
        for (owner,), n in came.items():
            held[owner] -= n
        for (owner, _reason), n in went.items():
            held[owner] += n
    else:  # the period began after the rebuild: walk the stock forwards to the start
        for (owner,), n in custody_counts(scope, cut, ["to_owner_id"], side="to", end=start).items():
            held[owner] += n
        for (owner,), n in custody_counts(scope, cut, ["from_owner_id"], side="from", end=start).items():
            held[owner] -= n
    lost = Counter({key: n for key, n in went.items() if key[1] in LOST})
    return _retention_rows(held, lost, scope)


def _company_losses(scope: Scope, start: datetime, cut: datetime) -> Counter:
    """Given up / recycled per owner from `start` to now: custody rows to the end of the start's
    month, whole months from the monthly holdings, and the rows since the rebuild."""
    next_month = timewindows.local_midnight((timewindows.today(start).replace(day=1) + timedelta(days=32)).replace(day=1))
    lost = custody_counts(scope, start, ["from_owner_id", "reason"], side="from", reasons=LOST, end=next_month)
    if next_month < cut:
        monthly = (HoldingMonth.objects.filter(month__gt=timewindows.today(next_month))
                   .values("owner_id").annotate(gave_up_n=Sum("gave_up"), recycled_n=Sum("recycled")).order_by())
        for row in monthly:
            lost[(row["owner_id"], Custody.Reason.GAVE_UP)] += row["gave_up_n"]
            lost[(row["owner_id"], Custody.Reason.RECYCLED)] += row["recycled_n"]
        lost.update(custody_counts(scope, cut, ["from_owner_id", "reason"], side="from", reasons=LOST))
    return Counter({key: n for key, n in lost.items() if n})


def _retention_rows(held: Counter, lost: Counter, scope: Scope) -> dict[int, RetentionRow]:
    rows = defaultdict(RetentionRow)
    for owner, n in held.items():
        if n > 0:
            rows[owner].held_at_start = n
    for (owner, reason), n in lost.items():
        setattr(rows[owner], reason, getattr(rows[owner], reason) + n)
    if not scope.company:
        return {owner: row for owner, row in rows.items() if owner in set(scope.owner_ids)}
    return dict(rows)


def by_group(per_person: dict, people: dict[int, User], make):
    """Fold per-person values into per-group ones (people without a group under None)."""
    groups = defaultdict(make)
    for owner, value in per_person.items():
        person = people.get(owner)
        group_id = person.sales_group_id if person else None
        groups[group_id].add(value)
    return groups


# --- The team table (supervisor per person, admin per group) -------------------------------------


@dataclass
class TeamRow:
    customers: int = 0
    overdue: int = 0
    followups_week: int = 0
    gave_up_week: int = 0
    claimed_week: int = 0
    plans_done: int = 0
    plans_open: int = 0
    plans_overdue: int = 0

    def add(self, other: "TeamRow") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def team_numbers(scope: Scope, *, by: str, now=None) -> dict:
    """This week's numbers per person (by="owner") or per group (by="group"): customers owned
    and overdue, follow-ups, customers given up and claimed. Plans are added by the caller."""
    week = timewindows.week_window(now).start
    owner_key = "owner_id" if by == "owner" else "owner__sales_group_id"
    rows = defaultdict(TeamRow)
    for row in stock(scope, [owner_key], now=now):
        rows[row[owner_key]].customers = row["customers"]
        rows[row[owner_key]].overdue = row["overdue"]
    author_key = "author_id" if by == "owner" else "author__sales_group_id"
    for (key,), n in followup_counts(scope, week, [author_key]).items():
        rows[key].followups_week = n
    from_key = "from_owner_id" if by == "owner" else "from_owner__sales_group_id"
    for (key,), n in custody_counts(scope, week, [from_key], side="from", reasons=[Custody.Reason.GAVE_UP],
                                    pool_side=True).items():
        rows[key].gave_up_week = n
    to_key = "to_owner_id" if by == "owner" else "to_owner__sales_group_id"
    for (key,), n in custody_counts(scope, week, [to_key], side="to", reasons=[Custody.Reason.CLAIMED],
                                    pool_side=True).items():
        rows[key].claimed_week = n
    return rows


def plans_by_group(user, *, now=None) -> list[dict]:
    """This week's plans per author's sales group: completed / not completed / overdue (the
    overdue are among the not completed), as workplans' week summary counts them per person."""
    now = now or timezone.now()
    return list(
        visible_plans(user).filter(**timewindows.week_window(now).as_filter("start_at"))
        .values(group_id=F("author__sales_group_id"))
        .annotate(
            done=Count("id", filter=Q(status=Plan.Status.DONE)),
            open=Count("id", filter=Q(status=Plan.Status.OPEN)),
            overdue=Count("id", filter=Q(status=Plan.Status.OPEN, end_at__lt=now)),
        ).order_by()
    )
