"""Sales targets (销售目标), progress, rankings and the forecast (issue 22).

A target is set per month for one salesperson or one sales group; a quarter's or a year's target
is the sum of its months. Progress counts won deals by signing date (won_on) for the deal's own
salesperson, who keeps a won deal whatever happens to the customer afterwards; a group's progress
is its current members' won deals. New customers count the customers a person created, follow-ups
the conversations they logged. Who sees what: deals/policies.py."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, DateField, DecimalField, ExpressionWrapper, F, Func, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policies as roles
from accounts.models import SalesGroup, User
from crm.models import Customer, FollowUp
from deals import policies
from deals.models import MAX_TARGET, MAX_TARGET_COUNT, Deal, Stage, Target

FIRST_YEAR, LAST_YEAR = 2000, 2100  # months outside are a typing mistake (9999-12)
FORECAST_MONTHS = 6
ZERO = Decimal("0")
# The first of the expected close month, as a date (TruncMonth goes through timestamptz: PostgreSQL
# then guesses wider rows and sorts on disk instead of hashing a few thousand groups).
MONTH_OF_CLOSE = Func(F("expected_close_on"), template="date_trunc('month', %(expressions)s)::date", output_field=DateField())
WEIGHTED = ExpressionWrapper(F("amount") * F("probability") / 100, output_field=DecimalField(max_digits=16, decimal_places=4))


# --- Months and periods ------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(value) -> date | None:
    """"2026-12" (an HTML month input) as its first day; None when not a sensible month."""
    try:
        year, month = (int(part) for part in str(value or "").strip().split("-"))
        if FIRST_YEAR <= year <= LAST_YEAR:
            return date(year, month, 1)
    except (TypeError, ValueError):
        pass
    return None


@dataclass(frozen=True)
class Period:
    key: str  # month, quarter, year
    start: date
    end: date  # exclusive

    @property
    def label(self) -> str:
        if self.key == "year":
            return _("%(year)d") % {"year": self.start.year}
        if self.key == "quarter":
            return _("Q%(quarter)d %(year)d") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}


PERIOD_KEYS = ("month", "quarter", "year")


def period(key: str, month: date) -> Period:
    if key == "year":
        start = date(month.year, 1, 1)
        return Period("year", start, add_months(start, 12))
    if key == "quarter":
        start = date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
        return Period("quarter", start, add_months(start, 3))
    return Period("month", month, add_months(month, 1))


# --- Progress ----------------------------------------------------------------------------------


@dataclass
class Progress:
    target: Decimal | None = None
    won: Decimal = ZERO
    target_new: int | None = None
    new: int | None = None
    target_followups: int | None = None
    followups: int | None = None
    rank: int | None = None
    rank_of: int | None = None

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return int(self.won * 100 / self.target)

    @property
    def bar(self) -> int:
        return min(self.percent or 0, 100)


@dataclass
class Row:
    who: object  # a User or a SalesGroup
    progress: Progress
    group: object = None


def _won(period: Period, **scope) -> dict:
    rows = (Deal.objects.filter(won_on__gte=period.start, won_on__lt=period.end, **scope)
            .values_list(*scope_key(scope)).annotate(total=Sum("won_amount")))
    return {key: total or ZERO for key, total in rows}


def scope_key(scope) -> tuple:
    return ("owner__sales_group_id",) if any(name.startswith("owner__sales_group") for name in scope) else ("owner_id",)


def _targets(period: Period, column: str, ids) -> dict:
    rows = (Target.objects.filter(month__gte=period.start, month__lt=period.end, **{f"{column}__in": ids})
            .values_list(column).annotate(amount=Sum("amount"), new=Sum("new_customers"), fu=Sum("followups")))
    return {key: (amount, new, fu) for key, amount, new, fu in rows}


def _moment(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


def _counts(model, person_column: str, time_column: str, period: Period, ids) -> dict:
    rows = (model.objects.filter(**{f"{person_column}__in": ids, f"{time_column}__gte": _moment(period.start),
                                    f"{time_column}__lt": _moment(period.end)})
            .values_list(person_column).annotate(n=Count("id")))
    return dict(rows)


def _rank(rows: list[Row]) -> list[Row]:
    """Largest won first; equal amounts share a place (1, 2, 2, 4)."""
    rows.sort(key=lambda row: (-row.progress.won, str(row.who)))
    place = 0
    for index, row in enumerate(rows):
        if index == 0 or row.progress.won != rows[index - 1].progress.won:
            place = index + 1
        row.progress.rank, row.progress.rank_of = place, len(rows)
    return rows


def people_progress(people, period: Period) -> list[Row]:
    """One row per person, ranked within their sales group (people with no group rank together)."""
    people = list(people)
    ids = [person.pk for person in people]
    won = _won(period, owner_id__in=ids)
    targets = _targets(period, "salesperson_id", ids)
    counted = any(new is not None or fu is not None for _amount, new, fu in targets.values())
    new = _counts(Customer, "created_by_id", "created_at", period, ids) if counted else {}
    followups = _counts(FollowUp, "author_id", "occurred_at", period, ids) if counted else {}
    by_group: dict = {}
    for person in people:
        amount, target_new, target_fu = targets.get(person.pk, (None, None, None))
        progress = Progress(target=amount, won=won.get(person.pk, ZERO), target_new=target_new,
                            new=new.get(person.pk, 0) if target_new is not None else None,
                            target_followups=target_fu,
                            followups=followups.get(person.pk, 0) if target_fu is not None else None)
        by_group.setdefault(person.sales_group_id, []).append(Row(person, progress, group=person.sales_group))
    return [row for rows in by_group.values() for row in _rank(rows)]


def groups_progress(groups, period: Period) -> list[Row]:
    """One row per group, ranked across the groups given."""
    groups = list(groups)
    ids = [group.pk for group in groups]
    won = _won(period, owner__sales_group_id__in=ids)
    targets = _targets(period, "sales_group_id", ids)
    rows = []
    for group in groups:
        amount, target_new, target_fu = targets.get(group.pk, (None, None, None))
        rows.append(Row(group, Progress(target=amount, won=won.get(group.pk, ZERO), target_new=target_new,
                                        target_followups=target_fu)))
    return _rank(rows)


def _place(rows: list[Row], pk) -> Progress | None:
    return next((row.progress for row in rows if row.who.pk == pk), None)


@dataclass
class TargetPage:
    period: Period
    mine: Progress | None = None
    my_place_in_group: Progress | None = None  # a salesperson's rank among their group, no names
    people: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    group_places: list = field(default_factory=list)  # a supervisor's groups' places among all groups


def target_page(user, period: Period) -> TargetPage:
    page = TargetPage(period)
    if policies.sees_rankings(user):
        page.people = people_progress(policies.progress_people(user).select_related("sales_group"), period)
        page.mine = _place(page.people, user.pk)
        page.groups = groups_progress(policies.progress_groups(user), period)
        if not policies.sees_group_ranking(user) and page.groups:
            everyone = groups_progress(SalesGroup.objects.all(), period)
            page.group_places = [(row.who, row.progress) for row in everyone if row.who.pk in {g.who.pk for g in page.groups}]
    else:
        mine = people_progress(policies.progress_people(user), period)
        page.mine = mine[0].progress if mine else None
        if user.sales_group_id and page.mine is not None:
            colleagues = User.objects.filter(sales_group_id=user.sales_group_id, is_active=True)
            page.my_place_in_group = _place(people_progress(colleagues, period), user.pk)
    return page


def home_panel(user, today: date) -> dict | None:
    """This month's progress on the home page: a salesperson's own, a supervisor's groups, an
    admin's company (the groups added up)."""
    if not policies.may_see_targets(user):
        return None
    month = period("month", month_start(today))
    if policies.sees_rankings(user):
        rows = groups_progress(policies.progress_groups(user), month)
        if not rows:
            return None
        total = Progress(won=sum((row.progress.won for row in rows), ZERO))
        targets = [row.progress.target for row in rows if row.progress.target is not None]
        total.target = sum(targets, ZERO) if targets else None
        return {"period": month, "rows": rows, "total": total if len(rows) > 1 else None}
    mine = people_progress(policies.progress_people(user), month)
    return {"period": month, "mine": mine[0].progress if mine else Progress()}


# --- Setting a target --------------------------------------------------------------------------


def target_for(*, month: date, salesperson=None, sales_group=None) -> Target | None:
    return Target.objects.filter(month=month, salesperson=salesperson, sales_group=sales_group).first()


def target_version(target: Target | None) -> str:
    return target.updated_at.isoformat() if target else "new"


class TargetChanged(Exception):
    """Someone saved the same target since the form was opened."""


@transaction.atomic
def target_set(*, by, month: date, amount: Decimal, new_customers: int | None = None, followups: int | None = None,
               salesperson=None, sales_group=None, expected_version: str | None = None) -> Target:
    """Set one person's or one group's target for a month (the caller checked `by` may: policies).
    With `expected_version` (target_version when the form was opened) raises TargetChanged when
    someone saved it meanwhile; nothing is saved."""
    if (salesperson is None) == (sales_group is None):
        raise ValueError("a target is for one salesperson or one sales group")
    errors = {}
    if month is None or not FIRST_YEAR <= month.year <= LAST_YEAR:
        errors["month"] = _("Choose a month between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    if amount is None or amount < 0 or amount > MAX_TARGET:
        errors["amount"] = _("A monthly target is between 0 and 99,999,999,999.99 CNY.")
    for name, value in (("new_customers", new_customers), ("followups", followups)):
        if value is not None and not 0 <= value <= MAX_TARGET_COUNT:
            errors[name] = _("Enter a number between 0 and 1,000,000.")
    if errors:
        raise ValidationError(errors)
    month = month_start(month)
    current = (Target.objects.select_for_update()
               .filter(month=month, salesperson=salesperson, sales_group=sales_group).first())
    if expected_version and target_version(current) != expected_version:
        raise TargetChanged
    values = {"amount": amount, "new_customers": new_customers, "followups": followups, "set_by": by}
    if current is None:
        try:
            with transaction.atomic():
                return Target.objects.create(month=month, salesperson=salesperson, sales_group=sales_group, **values)
        except IntegrityError:  # saved from another tab in the same instant
            raise TargetChanged from None
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    return current


# --- Forecast ----------------------------------------------------------------------------------


@dataclass
class ForecastRow:
    who: object  # a User, a SalesGroup, or None for the pool / the company
    months: list  # weighted amounts, one per month
    total: Decimal = ZERO


def forecast(user, first_month: date) -> dict:
    """Open deals × their probability, by expected close month, over FORECAST_MONTHS months from
    `first_month`, for the deals `user` may see: per person, per group, and the total. Deals
    whose expected close date has passed or is not set are counted apart (they are not a forecast)."""
    months = [add_months(first_month, n) for n in range(FORECAST_MONTHS)]
    end = add_months(first_month, FORECAST_MONTHS)
    open_stages = list(Stage.objects.filter(kind=Stage.Kind.OPEN).values_list("pk", flat=True))
    deals = policies.visible_deals(user).filter(stage_id__in=open_stages)
    # One pass over the open deals, grouped by owner and month only (no join: the people's groups
    # come from the few users); month NULL: expected before the first month, or not dated (at
    # 1,000,000 deals one hashed pass instead of a sorted one plus a second scan: 1.6 -> 0.8 s).
    month_of = Case(When(expected_close_on__gte=first_month, then=MONTH_OF_CLOSE), default=None, output_field=DateField())
    rows = list(deals.filter(Q(expected_close_on__lt=end) | Q(expected_close_on__isnull=True))
                .annotate(close_month=month_of).values_list("owner_id", "close_month")
                .annotate(weighted=Sum(WEIGHTED)).order_by())
    elsewhere = sum((weighted or ZERO for _owner, month, weighted in rows if month is None), ZERO)
    rows = [row for row in rows if row[1] is not None]
    group_of = dict(User.objects.filter(pk__in={row[0] for row in rows if row[0]}).values_list("pk", "sales_group_id"))
    index = {(month.year, month.month): n for n, month in enumerate(months)}
    people, groups, total = {}, {}, [ZERO] * FORECAST_MONTHS
    for owner_id, month, weighted in rows:
        group_id = group_of.get(owner_id)
        slot = index[(month.year, month.month)]
        weighted = (weighted or ZERO).quantize(Decimal("0.01"))
        people.setdefault(owner_id, [ZERO] * FORECAST_MONTHS)[slot] += weighted
        groups.setdefault(group_id, [ZERO] * FORECAST_MONTHS)[slot] += weighted
        total[slot] += weighted
    users = {person.pk: person for person in User.objects.filter(pk__in=[p for p in people if p])}
    group_objects = {group.pk: group for group in roles.visible_sales_groups(user).filter(pk__in=[g for g in groups if g])}

    def row(who, values):
        return ForecastRow(who, values, sum(values, ZERO))

    person_rows = sorted((row(users.get(pk), values) for pk, values in people.items()), key=lambda r: -r.total)
    group_rows = sorted((row(group_objects.get(pk), values) for pk, values in groups.items()), key=lambda r: -r.total)
    return {"months": months, "people": person_rows, "groups": group_rows, "total": row(None, total),
            "overdue_or_undated": (elsewhere or ZERO).quantize(Decimal("0.01"))}

