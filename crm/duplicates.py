"""撞单 (SPEC §9): a customer entered twice. The same phone (the customer's own, or one another
app holds for it: register_phone_holder), the same name and company, or the same value of a
custom field marked unique (customfields.unique) is refused; the same name alone is a warning.
The messages name only who holds the other customer. crm.services re-exports these names."""

from django.db.models import Q
from django.utils.translation import gettext as _

from common import locks
from common.phones import normalize_phone
from crm import custom, policies
from crm.models import Customer
from customfields import unique


class DuplicateCustomer(Exception):
    """Raised when a customer would be entered twice (撞单, SPEC §9). `messages` are safe to show."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


class SameNameCustomer(Exception):
    """Another customer has the same name (but not the same phone, nor the same company): maybe
    the same person entered twice (撞单), maybe a namesake. The person saving is warned and may
    confirm. `messages` are safe to show."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


# Other apps whose phone numbers count in the duplicate check (contacts: a contact's phone is
# its customer's too). fn(phone_key, exclude_pk) returns up to 5 customers other than
# exclude_pk holding that normalised phone, owner and group selected. Registered in ready().
_phone_holders = []


def register_phone_holder(fn) -> None:
    if fn not in _phone_holders:
        _phone_holders.append(fn)


def find_duplicates(*, name: str, company: str, phone: str, exclude_pk=None):
    """Customers with the same normalised phone (their own, or one registered by another app,
    register_phone_holder), or the same name and company."""
    conditions = Q()
    phone_key = normalize_phone(phone)
    if phone_key:
        conditions |= Q(normalized_phone=phone_key)
    if name.strip() and company.strip():
        conditions |= Q(name__iexact=name.strip(), company__iexact=company.strip())
    if not conditions:
        return []
    found = Customer.objects.filter(conditions).select_related("owner__sales_group")
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    found = list(found[:5])
    for holder in _phone_holders if phone_key else ():
        seen = {customer.pk for customer in found}
        for customer in holder(phone_key, exclude_pk):
            if customer.pk not in seen:
                customer.holds_phone = True  # through another app's record: duplicate_message says "phone"
                found.append(customer)
    return found[:5]


def find_same_name(*, name: str, exclude_pk=None):
    """Customers with the same name (case-insensitive; the name + company index answers it)."""
    if not name.strip():
        return []
    found = Customer.objects.filter(name__iexact=name.strip()).select_related("owner__sales_group")
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return list(found.order_by("pk")[:3])


def duplicate_message(duplicate: Customer, *, phone: str, viewer, same_name_only=False, field=None) -> str:
    """Names who holds the other customer, and nothing else unless `viewer` may see it."""
    same_phone = bool(normalize_phone(phone)) and (
        duplicate.normalized_phone == normalize_phone(phone) or getattr(duplicate, "holds_phone", False))
    if field is not None:  # a custom field marked unique (customfields.unique)
        what = _("the same %(field)s") % {"field": field.label}
    elif same_name_only:
        what = _("the same name")
    else:
        what = _("the same phone number") if same_phone else _("the same name and company")
    if duplicate.owner_id is None:
        holder = _("is in the isolation pool; claim it there instead")
    elif duplicate.owner_id == viewer.pk:
        holder = _("is already one of your customers (%(number)s)") % {"number": duplicate.number}
    else:
        owner = duplicate.owner
        group = owner.sales_group.name if owner.sales_group_id else _("no group")
        holder = _("is already held by %(owner)s, %(group)s") % {"owner": owner.display_name, "group": group}
    return _("A customer with %(what)s %(holder)s.") % {"what": what, "holder": holder}


def lock_customer_keys(*, exclusive=False) -> None:
    """Every save that checks for duplicates shares this lock until its transaction ends; an
    import takes it alone, briefly, to check its new customers against what was committed
    meanwhile (transfers.services._merge), so neither can miss the other's customer."""
    locks.hold("crm.customer-keys", shared=not exclusive)


def lock_duplicate_keys(*, name: str = "", company: str = "", phone: str = "") -> None:
    """Serialise concurrent saves of the same phone or name+company until this transaction ends,
    so two people entering one customer (or a contact's phone) at the same moment cannot both
    pass the check."""
    lock_customer_keys()
    keys = [f"phone:{normalize_phone(phone)}"] if normalize_phone(phone) else []
    if name.strip() and company.strip():
        keys.append(f"name:{name.strip().lower()}|{company.strip().lower()}")
    locks.hold(*keys)


def _check_duplicates(*, data, viewer, exclude_pk=None, override=False, check_name=True, same_name_confirmed=False) -> None:
    """Refuse the same phone or the same name + company (an admin may override); warn about the
    same name alone unless the person confirmed it is someone else (SameNameCustomer)."""
    name, company, phone = data.get("name", ""), data.get("company", ""), data.get("phone", "")
    lock_duplicate_keys(name=name, company=company, phone=phone)
    overridden = override and policies.can_override_duplicates(viewer)
    duplicates = find_duplicates(name=name, company=company, phone=phone, exclude_pk=exclude_pk)
    if duplicates and not overridden:
        raise DuplicateCustomer([duplicate_message(d, phone=phone, viewer=viewer) for d in duplicates])
    if check_name and not (overridden or same_name_confirmed):
        namesakes = find_same_name(name=name, exclude_pk=exclude_pk)
        if namesakes:
            raise SameNameCustomer([duplicate_message(d, phone=phone, viewer=viewer, same_name_only=True)
                                    for d in namesakes])


def _check_unique_custom(values: dict, keys, *, viewer, exclude_pk=None, override=False) -> None:
    """A value of a custom field marked unique that another customer holds is refused like a
    duplicate phone (an admin may override); only the values this save sets are checked."""
    checked = unique.checked_values(custom.CUSTOMER, values, keys)
    if not checked or (override and policies.can_override_duplicates(viewer)):
        return
    locks.hold(*unique.lock_keys(checked))
    found = unique.holders(custom.CUSTOMER, checked, exclude_pk=exclude_pk, related=["owner__sales_group"])
    if found:
        raise DuplicateCustomer([duplicate_message(c, phone="", viewer=viewer, field=d) for d, c in found])
