"""Whom a conversation was with: an optional choice of the customer's contacts on the "log a
conversation" form (crm.followup_extras: crm never imports contacts), kept in FollowUpContact."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts import policies
from contacts.models import ACTIVE, Contact, FollowUpContact

FIELD = "contact"


def field(user, customer):
    """The form field (named extra_contact on the form), or None to add nothing."""
    if not policies.can_name_contact_on_followup(user, customer):
        return None
    choices = Contact.objects.filter(ACTIVE, customer_id=customer.pk).order_by("-is_primary", "name", "pk")
    if not choices.exists():
        return None
    return forms.ModelChoiceField(queryset=choices, required=False, label=_("With contact"),
                                  empty_label=_("Not given"))


def save(followup, contact, *, by) -> None:
    # The choices were the customer's contacts when the form was checked; removed since: not named.
    if contact is not None and Contact.objects.filter(ACTIVE, pk=contact.pk, customer_id=followup.customer_id).exists():
        FollowUpContact.objects.create(followup=followup, contact=contact)


def details(followup) -> list[tuple]:
    link = FollowUpContact.objects.filter(followup_id=followup.pk).select_related("contact").first()
    if link is None:
        return []
    contact = link.contact
    text = f"{contact.name} · {contact.title}" if contact.title else contact.name
    return [(_("With contact"), text)]
