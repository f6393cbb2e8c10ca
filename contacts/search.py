"""What contacts add to the customers' search box and duplicate check (crm.search and
crm.services call these through their hooks; crm never imports contacts).

Search: a contact's name or phone finds its customer. For each term, the customers whose
contacts match are read first, from the contacts' own GIN gram index (contacts_grams_gin, the
same 1-2 character grams as the customers'), or for a number of 5 digits or more from the
phone indexes (its start or its end: every digit pair is too common for grams); the customers'
condition is OR-ed with `id IN (those ids)`, a literal list PostgreSQL plans knowing its size
and BitmapOr-s with the customers' gram index through the primary key. A term of one
character, of fewer than 5 digits, or matching the contacts of more than LITERAL_IDS customers
looks in the customers' own fields only (too broad to be a contact's name or number). A number
matches a contact's phone at its start or its end (the customers' own phones: anywhere).
"""

import re

from django.db.models import F, Q
from django.db.models.functions import Reverse

from contacts.models import ACTIVE, Contact
from common.phones import normalize_phone
from crm.models import Customer, SearchGrams


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


# Up to this many matching customers are read first and given to the customers' query as a
# literal list, so PostgreSQL plans it knowing how many there are (an InitPlan's array is
# guessed at 10 rows: with 2,500 matches that guess chose a nested loop of 400 ms).
LITERAL_IDS = 5000
# A phone number or part of one (digits, at least this many): matched at its start or its end
# through the btree pattern indexes, not through grams (every digit pair is common).
PHONE_DIGITS = 5
_PHONE_TERM = re.compile(r"^\+?[0-9][0-9\-()（）.]*$")


def _phone_part(term: str) -> str:
    digits = normalize_phone(term) if _PHONE_TERM.match(term) else ""
    return digits if len(digits) >= PHONE_DIGITS and digits.isdigit() else ""


def _phone_match(digits: str) -> Q:
    """Contacts whose mobile or landline starts or ends with these digits (index scans only)."""
    tail = digits[::-1]
    return (Q(normalized_mobile__startswith=digits) | Q(normalized_landline__startswith=digits)
            | Q(mobile_end__startswith=tail) | Q(landline_end__startswith=tail))


def _grams(term: str) -> list[str]:
    """The 1-2 character grams of the term, as crm_grams indexes them (crm.search does the same)."""
    return [term] if len(term) == 1 else sorted({term[i : i + 2] for i in range(len(term) - 1)})


def customers_by_contact(term: str, *, fields: list[str], grams: list[str] | None) -> Q | None:
    """Customers with a contact matching `term`, as `id IN (...)`, read first from the contacts'
    indexes; None when no contact matches, or when more than LITERAL_IDS customers' contacts do
    (a term that common, one character like 李, searches the customers' own fields only: their
    matches are many anyway, and probing contacts for each would cost 10 x the search)."""
    recheck = _recheck(term, fields)
    digits = _phone_part(term) if not fields or "phone" in fields else ""
    if recheck is None or (not digits and (len(term) < 2 or _PHONE_TERM.match(term))):
        return None  # one character, or a few digits: too broad to look for among contacts
    contacts = Contact.objects.filter(ACTIVE)
    if digits:
        matched = contacts.alias(mobile_end=Reverse("normalized_mobile"), landline_end=Reverse("normalized_landline"))
        matched = matched.filter(_phone_match(digits))
    else:
        matched = (contacts.filter(recheck).alias(search_grams=SearchGrams(F("search_text")))
                   .filter(search_grams__contains=_grams(term)))
    # No DISTINCT nor ORDER BY: either makes PostgreSQL walk an index in order instead of the
    # bitmap of the few matches (2 s against 0.5 ms for a phone at 3,000,000 contacts).
    ids = set(matched.values_list("customer_id", flat=True)[: LITERAL_IDS + 1])
    if not ids or len(ids) > LITERAL_IDS:
        return None
    return Q(pk__in=sorted(ids))


def customers_holding_phone(phone_key: str, exclude_pk=None) -> list[Customer]:
    """Customers (other than exclude_pk) with a contact, not removed, whose mobile or landline is
    this normalised phone (crm.services.find_duplicates asks through register_phone_holder)."""
    holders = Contact.objects.filter(ACTIVE).filter(Q(normalized_mobile=phone_key) | Q(normalized_landline=phone_key))
    if exclude_pk:
        holders = holders.exclude(customer_id=exclude_pk)
    ids = set(holders.values_list("customer_id", flat=True)[:5])
    return list(Customer.objects.filter(pk__in=ids).select_related("owner__sales_group").order_by("pk")) if ids else []
