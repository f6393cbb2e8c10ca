"""Reads of contacts. Per customer they start from the policy; birthdays_on is a company-wide
read for the notifications app (it decides whom to tell)."""

from datetime import date

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.functions import ExtractDay, ExtractMonth, NullIf

from contacts.models import ACTIVE, Contact, ContactChange
from crm.models import Customer


def customer_contacts(customer: Customer) -> list[Contact]:
    """A customer's contacts, the primary one first, then by name (index contacts_customer)."""
    return list(Contact.objects.filter(ACTIVE, customer_id=customer.pk).order_by("-is_primary", "name", "pk"))


def removed_contacts(customer: Customer, *, limit=20) -> list[Contact]:
    """Contacts removed from the customer, newest removal first: kept, and shown as history."""
    return list(
        Contact.objects.filter(customer_id=customer.pk, removed_at__isnull=False)
        .select_related("removed_by").order_by("-removed_at", "-pk")[:limit]
    )


def contact_history(contact: Contact, *, limit=20) -> list[ContactChange]:
    return list(contact.changes.select_related("by")[:limit])


def birthdays_on(day: date) -> list[tuple[Contact, Customer]]:
    """(contact, customer) for every contact, not removed, born on `day`'s month and day (any
    year), customers in the pool included; 29 February birthdays fall on 28 February in other
    years. The caller decides whom to tell (the customer's owner, by its own policy)."""
    days = [(day.month, day.day)]
    if (day.month, day.day) == (2, 28) and not _is_leap(day.year):
        days.append((2, 29))
    found = []
    for month, day_of_month in days:
        contacts = (
            Contact.objects.filter(ACTIVE, birthday__isnull=False)
            .annotate(birth_month=ExtractMonth("birthday"), birth_day=ExtractDay("birthday"))
            .filter(birth_month=month, birth_day=day_of_month)
            .select_related("customer__owner").order_by("customer_id", "pk")
        )
        found.extend((contact, contact.customer) for contact in contacts)
    return found


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def contacts_text(customer_ref: str = "pk") -> Subquery:
    """A customer's contacts as one spreadsheet cell, for the export: "name · job title · mobile ·
    landline · WeChat · e-mail" each, the primary one first, separated by "; " (an annotation on
    customers; one probe of the contacts_customer index per customer)."""
    parts = [NullIf(name, Value("")) for name in ("title", "mobile", "landline", "wechat", "email")]
    line = Func(Value(" · "), F("name"), *parts, function="concat_ws", output_field=TextField())
    text = StringAgg(line, delimiter="; ", order_by=("-is_primary", "name", "pk"))
    contacts = (Contact.objects.filter(ACTIVE, customer_id=OuterRef(customer_ref)).order_by()
                .values("customer_id").annotate(text=text).values("text"))
    return Subquery(contacts)
