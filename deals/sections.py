"""The deals section of a customer's page (crm.sections: crm never imports deals)."""

from decimal import Decimal

from django.utils import timezone

from deals import policies, selectors
from deals.models import Stage


def customer_section(user, customer) -> dict | None:
    if not policies.may_use_deals(user):
        return None
    deals = selectors.customer_deals(user, customer)
    may_open = policies.may_open_deal(user, customer)
    if not deals and not may_open:
        return None
    open_total = sum((deal.amount for deal in deals if deal.stage.kind == Stage.Kind.OPEN), Decimal("0"))
    won_total = sum((deal.won_amount or Decimal("0") for deal in deals if deal.stage.kind == Stage.Kind.WON),
                    Decimal("0"))
    return {"customer": customer, "deals": deals, "may_open": may_open, "open_total": open_total,
            "won_total": won_total, "today": timezone.localdate()}

