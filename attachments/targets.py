"""What a file can be attached to. One entry per kind of record; adding a kind is one entry here: how to fetch it for a user (its own app's policy: 404 when invisible), who
may attach to it and remove from it, its customer, and its page.

Attachments is a layer-5 app because it reads crm and deals (docs/architecture.md): a feature
app of layer 4 cannot import it, so the list lives here rather than behind a registration hook.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from complaints import policies as complaint_policies
from crm import policies as crm_policies
from deals import policies as deal_policies


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    fetch: Callable  # (user, pk) -> the record, Http404 when `user` may not see it
    may_attach: Callable  # (user, record) -> bool: attach files and remove them
    customer_id: Callable  # record -> the customer's id


TARGETS = {
    "customer": Target("customer", _("customer"), crm_policies.get_customer_for, crm_policies.can_edit,
                       lambda customer: customer.pk),
    "followup": Target("followup", _("follow-up"), crm_policies.get_followup_for,
                       crm_policies.can_change_followup, lambda followup: followup.customer_id),
    "deal": Target("deal", _("deal"), deal_policies.get_deal_for, deal_policies.can_edit_deal,
                   lambda deal: deal.customer_id),
    "complaint": Target("complaint", _("complaint"), complaint_policies.get_complaint_for,
                        complaint_policies.may_attach_files, lambda complaint: complaint.customer_id),
}


def target(key: str) -> Target:
    if key not in TARGETS:
        raise Http404
    return TARGETS[key]
