"""Every write to deals. Each service checks the policy again and writes inside one transaction;
a deal's row is locked (FOR UPDATE) before it changes, so of two people moving the same card at
once the later one is told (DealMoved) instead of silently undoing the first."""

from datetime import datetime, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Customer
from customfields import values
from customfields.models import FieldDefinition
from deals import policies
from deals.models import Deal, Instalment, Payment, Stage, StageChange

DEAL = FieldDefinition.Target.DEAL
EDITABLE_FIELDS = ("title", "amount", "probability", "expected_close_on", "source", "notes")
NOT_BEFORE_CREATION = _("The expected close date cannot be before the deal was opened (%(day)s).")


class DealMoved(Exception):
    """Someone else changed the deal's stage while this person's page was open."""

    def __init__(self, deal):
        super().__init__(deal.pk)
        self.deal = deal


def default_stage() -> Stage | None:
    return Stage.objects.filter(active=True, kind=Stage.Kind.OPEN).order_by("order", "id").first()


def _check_close_date(expected_close_on, opened_on) -> None:
    if expected_close_on and expected_close_on < opened_on:
        raise ValidationError({"expected_close_on": NOT_BEFORE_CREATION % {"day": opened_on.isoformat()}},
                              code="before_creation")


@transaction.atomic
def deal_create(*, customer, by, title: str, amount: Decimal, stage: Stage, probability: int | None = None,
                expected_close_on=None, source: str = "", notes: str = "", custom_values: dict | None = None) -> Deal:
    """Open a deal on `customer`; its salesperson is the customer's owner at this moment (the
    customer's row is locked, so an owner change either happened before or waits)."""
    customer = Customer.objects.select_for_update(of=("self",)).select_related("owner").get(pk=customer.pk)
    if not policies.may_open_deal(by, customer):
        raise PermissionDenied
    if not stage.is_open or not stage.active:
        raise ValidationError({"stage": _("A new deal starts in an open stage.")}, code="closed_stage")
    now = timezone.now()
    _check_close_date(expected_close_on, timezone.localdate(now))
    deal = Deal(
        customer=customer, owner=customer.owner, title=title, amount=amount, stage=stage,
        probability=stage.probability if probability is None else probability,
        expected_close_on=expected_close_on, source=source, notes=notes, created_by=by, created_at=now,
    )
    values.write(deal, DEAL, custom_values, by=by)  # validated by kind
    deal.save(force_insert=True)
    StageChange.objects.create(deal=deal, from_stage=None, to_stage=stage, by=by, at=now)
    return deal


@transaction.atomic
def deal_update(*, deal, by, custom_values: dict | None = None, **fields) -> Deal:
    """Change a deal's own fields (never its customer, salesperson or stage: see deal_move)."""
    deal = Deal.objects.select_for_update(of=("self",)).select_related("owner", "stage").get(pk=deal.pk)
    if not policies.can_edit_deal(by, deal):
        raise PermissionDenied
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    _check_close_date(fields.get("expected_close_on"), timezone.localdate(deal.created_at))
    if fields.get("probability") is None:
        fields.pop("probability", None)
    for name, value in fields.items():
        setattr(deal, name, value)
    if values.write(deal, DEAL, custom_values, by=by):  # each change kept in the custom fields' history
        fields["custom"] = deal.custom
    deal.save(update_fields=[*fields, "updated_at"])
    return deal


@transaction.atomic
def deal_move(*, deal, to_stage: Stage, by, seen_stage_id: int | None = None, won_amount=None, won_on=None,
              lost_reason=None, lost_note: str = "") -> Deal:
    """Move a deal to `to_stage`, keeping the move in the stage history. Won needs the signed
    amount and date, lost a reason. `seen_stage_id` is the stage the person saw: if the deal has
    moved since, nothing changes and DealMoved says so. A won deal with payments stays won."""
    deal = Deal.objects.select_for_update(of=("self",)).select_related("owner", "stage").get(pk=deal.pk)
    if not policies.can_edit_deal(by, deal):
        raise PermissionDenied
    if seen_stage_id is not None and deal.stage_id != seen_stage_id:
        raise DealMoved(deal)
    if deal.stage_id == to_stage.pk:
        return deal
    if not to_stage.active:
        raise ValidationError({"stage": _("This stage is no longer in use.")}, code="inactive")
    if deal.stage.kind == Stage.Kind.WON and deal.payments.exists():
        raise ValidationError(_("Payments were received on this deal: it stays won."), code="paid")
    opened_on = timezone.localdate(deal.created_at)
    errors = {}
    if to_stage.kind == Stage.Kind.WON:
        if won_amount is None:
            errors["won_amount"] = _("Enter the signed amount.")
        if won_on is None:
            errors["won_on"] = _("Enter the date it was signed.")
        elif won_on < opened_on:
            errors["won_on"] = _("The deal cannot be signed before it was opened (%(day)s).") % {
                "day": opened_on.isoformat()}
    if to_stage.kind == Stage.Kind.LOST and lost_reason is None:
        errors["lost_reason"] = _("Choose why the deal was lost.")
    if errors:
        raise ValidationError(errors, code="closing")
    now = timezone.now()
    StageChange.objects.create(deal=deal, from_stage=deal.stage, to_stage=to_stage, by=by, at=now)
    won = to_stage.kind == Stage.Kind.WON
    lost = to_stage.kind == Stage.Kind.LOST
    deal.stage = to_stage
    deal.probability = to_stage.probability
    deal.won_amount, deal.won_on = (won_amount, won_on) if won else (None, None)
    deal.lost_reason, deal.lost_note = (lost_reason, lost_note) if lost else (None, "")
    deal.closed_at = now if (won or lost) else None
    deal.save(update_fields=["stage", "probability", "won_amount", "won_on", "lost_reason", "lost_note",
                             "closed_at", "updated_at"])
    return deal


def received_total(deal) -> Decimal:
    return deal.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")


@transaction.atomic
def instalment_add(*, deal, by, due_on, amount: Decimal, note: str = "") -> Instalment:
    deal = Deal.objects.select_for_update(of=("self",)).select_related("owner", "stage").get(pk=deal.pk)
    if not policies.can_record_payments(by, deal):
        raise PermissionDenied
    return Instalment.objects.create(deal=deal, due_on=due_on, amount=amount, note=note, created_by=by)


class OverPayment(ValidationError):
    """The payment is more than what is still owed: kept only when the person confirms it."""


@transaction.atomic
def payment_add(*, deal, by, received_on, amount: Decimal, method: str, note: str = "",
                beyond_balance: bool = False) -> Payment:
    """Record money received on a won deal. More than the outstanding balance (a prepayment, a
    mistake) is refused unless `beyond_balance` confirms it."""
    deal = Deal.objects.select_for_update(of=("self",)).select_related("owner", "stage").get(pk=deal.pk)
    if not policies.can_record_payments(by, deal):
        raise PermissionDenied
    outstanding = (deal.won_amount or Decimal("0")) - received_total(deal)
    if amount > outstanding and not beyond_balance:
        raise OverPayment(
            _("This payment is more than the outstanding %(balance)s CNY: tick the box to confirm it.")
            % {"balance": f"{max(outstanding, Decimal('0')):,.2f}"}, code="over_balance")
    return Payment.objects.create(deal=deal, received_on=received_on, amount=amount, method=method, note=note,
                                  created_by=by)


@transaction.atomic
def deals_import(*, rows: list, by) -> list[Deal]:
    """Open many deals at once (transfers.deal_import checked them: customers `by` may change,
    a stage, amounts, a won deal's signed amount and date). Each deal's salesperson is its
    customer's owner, read under the customer's row lock; a won one imported from the past is
    dated from its signing day. One StageChange per deal. A few queries, none per row."""
    if not rows:
        return []
    customer_ids = sorted({customer_id for customer_id, _data in rows})
    owners = dict(Customer.objects.select_for_update().filter(pk__in=customer_ids).order_by("pk")
                  .values_list("pk", "owner_id"))
    now = timezone.now()
    deals = []
    for customer_id, data in rows:
        if owners.get(customer_id) is None:
            raise PermissionDenied  # went to the pool since the check
        stage = data["stage"]
        created = now
        if data.get("won_on") and data["won_on"] < timezone.localdate(now):
            created = timezone.make_aware(datetime.combine(data["won_on"], time.min))
        deals.append(Deal(
            customer_id=customer_id, owner_id=owners[customer_id], title=data["title"], amount=data["amount"],
            stage=stage, probability=data["probability"], expected_close_on=data.get("expected_close_on"),
            won_amount=data.get("won_amount"), won_on=data.get("won_on"), lost_reason=data.get("lost_reason"),
            notes=data.get("notes", ""), created_by=by, created_at=created,
            closed_at=None if stage.is_open else created))
    deals = Deal.objects.bulk_create(deals, batch_size=2000)
    StageChange.objects.bulk_create([StageChange(deal=deal, from_stage=None, to_stage=deal.stage, by=by,
                                                 at=deal.created_at) for deal in deals], batch_size=2000)
    return deals


@transaction.atomic
def payments_import(*, rows: list, by) -> list[Payment]:
    """Record many payments (transfers.deal_import checked them against won deals `by` sees and
    their outstanding balances, under the deals' row locks)."""
    return Payment.objects.bulk_create([
        Payment(deal_id=data["deal_number"], received_on=data["received_on"], amount=data["amount"],
                method=data["method"], note=data.get("note", ""), created_by=by) for data in rows], batch_size=2000)
