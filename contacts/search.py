"""What contacts add to the customers' search box and duplicate check (crm.search and
crm.services call these through their hooks; crm never imports contacts).

Search: a contact's name or phone finds its customer. With grams (a term rare enough for the
gram index), the customers' condition is OR-ed with `id = ANY(ARRAY(SELECT customer_id FROM
contacts ... grams))`: an InitPlan read from the contacts' own GIN gram index (contacts_grams_gin,
the same 1-2 character grams as the customers'), which PostgreSQL can BitmapOr with the customers'
gram index through the primary key. Without grams (a common term, the list walked in its own
order) it is a correlated EXISTS on the contacts_customer index, cheap per customer walked.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q

from contacts.models import ACTIVE, Contact
from common.phones import normalize_phone
from crm.models import Customer, SearchGrams


class _EqualsAny(Func):
    """<left> = ANY(<array>): an indexable condition on the left column."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def _recheck(term: str, fields: list[str]) -> Q | None:
    """The real condition on a contact: its search text, or the chosen fields (name, phone)."""
    if not fields:
        return Q(search_text__contains=term)
    condition = Q()
    if "name" in fields:
        condition |= Q(name__icontains=term)
    if "phone" in fields:
        condition |= Q(mobile__icontains=term) | Q(landline__icontains=term)
        digits = normalize_phone(term)
        if digits:
            condition |= Q(normalized_mobile__contains=digits) | Q(normalized_landline__contains=digits)
    return condition or None


def customers_by_contact(term: str, *, fields: list[str], grams: list[str] | None) -> Q | None:
    recheck = _recheck(term, fields)
    if recheck is None:
        return None
    contacts = Contact.objects.filter(ACTIVE).filter(recheck)
    if grams is None:
        return Q(Exists(contacts.filter(customer_id=OuterRef("pk"))))
    matched = (contacts.alias(search_grams=SearchGrams(F("search_text")))
               .filter(search_grams__contains=grams).values("customer_id"))
    return Q(_EqualsAny(F("pk"), ArraySubquery(matched)))


def customers_holding_phone(phone_key: str, exclude_pk=None) -> list[Customer]:
    """Customers (other than exclude_pk) with a contact, not removed, whose mobile or landline is
    this normalised phone (crm.services.find_duplicates asks through register_phone_holder)."""
    holders = Contact.objects.filter(ACTIVE).filter(Q(normalized_mobile=phone_key) | Q(normalized_landline=phone_key))
    if exclude_pk:
        holders = holders.exclude(customer_id=exclude_pk)
    ids = list(holders.values_list("customer_id", flat=True).distinct()[:5])
    return list(Customer.objects.filter(pk__in=ids).select_related("owner__sales_group").order_by("pk")) if ids else []
