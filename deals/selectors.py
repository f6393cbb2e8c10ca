"""Reads of deals that span relations. Each starts from the policy (visible_deals)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from accounts.models import User
from deals import policies
from deals.models import Deal, Instalment, Payment, Stage

BOARD_CARDS = 30  # cards shown per column; the list has the rest
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))


@dataclass
class DealFilters:
    owner_id: int | None = None
    group_id: int | None = None
    stage_id: int | None = None
    state: str = ""  # "", open, won, lost, overdue
    close_from: object = None
    close_to: object = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    today: object = None


def active_stages() -> list[Stage]:
    return list(Stage.objects.filter(active=True).order_by("order", "id"))


def filtered_deals(user, filters: DealFilters) -> QuerySet[Deal]:
    deals = policies.visible_deals(user)
    if filters.owner_id:
        deals = deals.filter(owner_id=filters.owner_id)
    if filters.group_id:
        deals = deals.filter(owner__sales_group_id=filters.group_id)
    if filters.stage_id:
        deals = deals.filter(stage_id=filters.stage_id)
    if filters.state in (Stage.Kind.OPEN, Stage.Kind.WON, Stage.Kind.LOST):
        deals = deals.filter(stage__kind=filters.state)
    if filters.state == "overdue":
        deals = deals.filter(stage__kind=Stage.Kind.OPEN, expected_close_on__lt=filters.today)
    if filters.close_from:
        deals = deals.filter(expected_close_on__gte=filters.close_from)
    if filters.close_to:
        deals = deals.filter(expected_close_on__lte=filters.close_to)
    if filters.amount_min is not None:
        deals = deals.filter(amount__gte=filters.amount_min)
    if filters.amount_max is not None:
        deals = deals.filter(amount__lte=filters.amount_max)
    return deals


def deal_list(user, filters: DealFilters) -> QuerySet[Deal]:
    return (filtered_deals(user, filters).select_related("customer", "owner__sales_group", "stage")
            .order_by("-created_at", "-id"))


@dataclass
class Column:
    stage: Stage
    count: int = 0
    total: Decimal = Decimal("0")
    cards: list = field(default_factory=list)


def board(user, filters: DealFilters) -> list[Column]:
    """One column per stage in use: how many deals, their sum (the signed amount once won), and
    the first cards by expected close date."""
    deals = filtered_deals(user, filters)
    columns = {stage.pk: Column(stage) for stage in active_stages()}
    sums = (deals.filter(stage_id__in=list(columns)).order_by().values("stage_id")
            .annotate(n=Count("id"), total=Sum(Coalesce("won_amount", "amount"))))
    for row in sums:
        columns[row["stage_id"]].count = row["n"]
        columns[row["stage_id"]].total = row["total"] or Decimal("0")
    if any(column.count for column in columns.values()):
        first = Window(RowNumber(), partition_by=[F("stage_id")],
                       order_by=[F("expected_close_on").asc(nulls_last=True), F("id").asc()])
        cards = (deals.filter(stage_id__in=list(columns)).annotate(place=first).filter(place__lte=BOARD_CARDS)
                 .select_related("customer", "owner", "stage").order_by("stage_id", "place"))
        for card in cards:
            columns[card.stage_id].cards.append(card)
    return list(columns.values())


def customer_deals(user, customer) -> list[Deal]:
    return list(policies.visible_deals(user).filter(customer_id=customer.pk).select_related("stage", "owner")
                .order_by("-created_at", "-id")[:50])


def stage_history(deal):
    return deal.stage_changes.select_related("from_stage", "to_stage", "by").order_by("at", "id")


@dataclass
class Balance:
    signed: Decimal
    planned: Decimal
    received: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.signed - self.received


def balance_of(deal) -> Balance:
    planned = deal.instalments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    received = deal.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return Balance(signed=deal.won_amount or Decimal("0"), planned=planned, received=received)


def _summed(model, **lookups):
    rows = model.objects.filter(deal=OuterRef("pk"), **lookups).order_by().values("deal").annotate(s=Sum("amount"))
    return Coalesce(Subquery(rows.values("s")[:1]), ZERO)


def overdue_receivables(user, today) -> QuerySet[Deal]:
    """Won deals whose instalments due before `today` add up to more than was received: the money
    the owner (and their supervisor) should chase, largest overdue amount first."""
    return (
        policies.visible_deals(user).filter(stage__kind=Stage.Kind.WON)
        .annotate(planned_due=_summed(Instalment, due_on__lt=today), received=_summed(Payment))
        .annotate(overdue=F("planned_due") - F("received"))
        .filter(overdue__gt=0)
        .select_related("customer", "owner__sales_group")
        .order_by("-overdue", "id")
    )


def owners_for_filter(user) -> QuerySet[User]:
    return policies.filterable_owners(user)
