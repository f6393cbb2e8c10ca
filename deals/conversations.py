"""A follow-up linked to a deal (issue 22): an optional "deal" choice on the new follow-up form of
a customer, listing only that customer's deals the writer may see (crm.followup_extras: crm
never imports deals). The link is shown on the deal's page and on the follow-up's."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from crm import policies as customers
from deals import policies
from deals.models import DealFollowUp


class DealChoice(forms.ModelChoiceField):
    def label_from_instance(self, deal):
        return f"{deal.title} · {deal.stage.name}"


def deal_field(user, customer):
    """The deal choice, when the customer has deals `user` may see; None adds nothing."""
    if not policies.may_use_deals(user):
        return None
    deals = (policies.visible_deals(user).filter(customer_id=customer.pk).select_related("stage")
             .order_by("-created_at", "-id"))
    if not deals.exists():
        return None
    return DealChoice(label=_("About the deal"), queryset=deals, required=False,
                      empty_label=_("No particular deal"))


def link(followup, deal, *, by) -> None:
    """Inside followup_create's transaction: the form offered only visible deals of this customer;
    checked again here so a forged value saves nothing."""
    if deal is None:
        return
    if deal.customer_id != followup.customer_id or not policies.can_see_deal(by, deal):
        raise PermissionDenied
    DealFollowUp.objects.create(followup=followup, deal=deal)


def followup_panel(user, followup) -> dict | None:
    """The deal a follow-up was about, on the follow-up's page, when `user` may see the deal."""
    linked = DealFollowUp.objects.select_related("deal__stage", "deal__owner__sales_group").filter(
        followup_id=followup.pk).first()
    if linked is None or not policies.can_see_deal(user, linked.deal):
        return None
    return {"deal": linked.deal}


def deal_conversations(user, deal, limit=50):
    """The follow-ups about `deal` that `user` may read (crm's rule), newest first."""
    return list(customers.visible_followups(user).filter(deal_link__deal=deal).select_related("author")
                .order_by("-occurred_at", "-id")[:limit])
