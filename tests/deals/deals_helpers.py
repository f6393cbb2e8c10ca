from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from deals import services
from deals.models import LostReason, Stage
from tests.factories import CustomerFactory


def stage(kind="open", position=0) -> Stage:
    return Stage.objects.filter(kind=kind, active=True).order_by("order", "id")[position]


def lost_reason() -> LostReason:
    return LostReason.objects.order_by("order", "id").first()


def make_deal(owner=None, *, customer=None, title="年度采购", amount="10000.00", by=None, **fields):
    customer = customer or CustomerFactory(owner=owner)
    return services.deal_create(customer=customer, by=by or customer.owner, title=title, amount=Decimal(amount),
                                stage=fields.pop("stage", None) or stage(), **fields)


def win(deal, by=None, amount="9000.00", on=None):
    return services.deal_move(deal=deal, to_stage=stage("won"), by=by or deal.owner, won_amount=Decimal(amount),
                              won_on=on or timezone.localdate())


def lose(deal, by=None):
    return services.deal_move(deal=deal, to_stage=stage("lost"), by=by or deal.owner, lost_reason=lost_reason(),
                              lost_note="太贵")


def days(n):
    return timezone.localdate() + timedelta(days=n)
