"""Every write to contacts: keyword-only, atomic, `by=user`. The customer's row is locked first,
so two people marking a primary contact or saving the same contact take turns; a contact's
phones pass the same duplicate check (撞单) as a customer's phone (crm.services)."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.phones import normalize_phone
from contacts.models import ACTIVE, Contact, ContactChange
from crm import services as customer_services
from crm.models import Customer

EDITED_FIELDS = ["name", "title", "role", "mobile", "landline", "wechat", "email", "birthday", "notes", "is_primary"]


class ContactChanged(Exception):
    """Someone changed or removed the contact after this editor opened the form: nothing was saved."""


def contact_version(contact: Contact) -> str:
    values = "\x1f".join(str(getattr(contact, name) if getattr(contact, name) is not None else "")
                         for name in EDITED_FIELDS)
    return hashlib.sha256(values.encode()).hexdigest()[:32]


def _snapshot(contact: Contact) -> dict:
    return {name: (str(value) if (value := getattr(contact, name)) is not None else None) for name in EDITED_FIELDS}


def _check_phones(*, customer: Customer, data: dict, by) -> None:
    """A phone held by another customer (its own phone, or one of its contacts') is refused with
    the same message as a customer's duplicate phone; the same customer may repeat its own."""
    for field in ("mobile", "landline"):
        phone = data.get(field) or ""
        if not normalize_phone(phone):
            continue
        customer_services.lock_duplicate_keys(phone=phone)
        duplicates = customer_services.find_duplicates(name="", company="", phone=phone, exclude_pk=customer.pk)
        if duplicates:
            messages = [customer_services.duplicate_message(d, phone=phone, viewer=by) for d in duplicates]
            raise ValidationError({field: messages})


def _lock_customer(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


@transaction.atomic
def contact_add(*, customer: Customer, data: dict, by) -> Contact:
    """Add a contact to `customer` (the policy let `by` change it). Marked primary, it takes over
    from the previous primary contact. A phone another customer holds is refused (ValidationError)."""
    customer = _lock_customer(customer)
    fields = {name: data[name] for name in EDITED_FIELDS if name in data}
    _check_phones(customer=customer, data=fields, by=by)
    if fields.get("is_primary"):
        _unmark_primary(customer, by=by)
    contact = Contact.objects.create(customer=customer, created_by=by, **fields)
    ContactChange.objects.create(contact=contact, action=ContactChange.Action.ADDED, by=by)
    return contact


def _unmark_primary(customer: Customer, *, by, keep=None) -> None:
    others = Contact.objects.filter(ACTIVE, customer_id=customer.pk, is_primary=True)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    for other in others:
        ContactChange.objects.create(contact=other, action=ContactChange.Action.EDITED, before=_snapshot(other), by=by)
    others.update(is_primary=False, updated_at=timezone.now())


@transaction.atomic
def contact_edit(*, contact: Contact, data: dict, by, expected_version=None) -> Contact:
    """Change a contact; what it was is kept in a ContactChange. With `expected_version`
    (contact_version when the form was opened), raises ContactChanged if someone changed or
    removed it since."""
    _lock_customer(contact.customer)
    current = Contact.objects.filter(pk=contact.pk).first()
    if current is None or current.removed_at is not None:
        raise ContactChanged
    if expected_version and contact_version(current) != expected_version:
        raise ContactChanged
    fields = {name: data[name] for name in EDITED_FIELDS if name in data}
    changed = {name: value for name, value in fields.items() if getattr(current, name) != value}
    if not changed:
        return current
    phones = {name: value for name, value in changed.items() if name in ("mobile", "landline")}
    _check_phones(customer=current.customer, data=phones, by=by)
    if changed.get("is_primary"):
        _unmark_primary(current.customer, by=by, keep=current)
    ContactChange.objects.create(contact=current, action=ContactChange.Action.EDITED, before=_snapshot(current), by=by)
    for name, value in changed.items():
        setattr(current, name, value)
    current.save(update_fields=[*changed, "updated_at"])
    return current


@transaction.atomic
def contact_remove(*, contact: Contact, by) -> Contact:
    """Take a contact off the customer's page: it is kept, marked removed, with who and when
    (nothing is lost); a primary contact stops being primary. Removing twice changes nothing."""
    _lock_customer(contact.customer)
    current = Contact.objects.get(pk=contact.pk)
    if current.removed_at is not None:
        return current
    ContactChange.objects.create(contact=current, action=ContactChange.Action.REMOVED, before=_snapshot(current), by=by)
    current.removed_at, current.removed_by, current.is_primary = timezone.now(), by, False
    current.save(update_fields=["removed_at", "removed_by", "is_primary", "updated_at"])
    return current


@transaction.atomic
def contacts_import(*, rows: list, by) -> list[Contact]:
    """Add many contacts at once (transfers.contact_import checked them: customers `by` may
    change, phones no other customer holds, at most one primary per customer). A primary one
    takes over from the customer's current primary contact, as in contact_add; each gets its
    "added" ContactChange. A few queries for the whole batch, none per row."""
    if not rows:
        return []
    customer_ids = sorted({customer_id for customer_id, _fields in rows})
    list(Customer.objects.select_for_update().filter(pk__in=customer_ids).order_by("pk").values_list("pk"))
    taking_over = {customer_id for customer_id, fields in rows if fields.get("is_primary")}
    if taking_over:
        previous = Contact.objects.filter(ACTIVE, customer_id__in=taking_over, is_primary=True)
        ContactChange.objects.bulk_create([
            ContactChange(contact=other, action=ContactChange.Action.EDITED, before=_snapshot(other), by=by)
            for other in previous])
        previous.update(is_primary=False, updated_at=timezone.now())
    now = timezone.now()
    contacts = Contact.objects.bulk_create([
        Contact(customer_id=customer_id, created_by=by, created_at=now,
                **{name: fields[name] for name in EDITED_FIELDS if name in fields})
        for customer_id, fields in rows], batch_size=2000)
    ContactChange.objects.bulk_create([ContactChange(contact=contact, action=ContactChange.Action.ADDED, by=by,
                                                     created_at=now) for contact in contacts], batch_size=2000)
    return contacts
