"""Cleaning and classifying an import's rows (SPEC §1.C, §9): each row's values through the
columns' widgets, then labelled new, a duplicate (mine, a colleague's, in the pool) or invalid,
chunk after chunk so memory is bounded by the chunk, not the file."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from common.phones import normalize_phone, validate_phone
from crm.models import Customer
from crm.services import duplicate_message
from transfers import custom_import
from transfers.columns import COLUMNS, COLUMNS_BY_FIELD, IMPORTED_FIELDS, CustomerResource, shown, unneutralise
from transfers.reader import Table


class Label:
    NEW = "new"
    MINE = "mine"
    COLLEAGUE = "colleague"
    POOL = "pool"
    INVALID = "invalid"


LABELS = {
    Label.NEW: gettext_lazy("New customer"),
    Label.MINE: gettext_lazy("Duplicate of one of your customers"),
    Label.COLLEAGUE: gettext_lazy("Duplicate of a colleague's customer"),
    Label.POOL: gettext_lazy("Duplicate of a customer in the pool"),
    Label.INVALID: gettext_lazy("Invalid"),
}


@dataclass(slots=True)
class Row:
    number: int
    values: dict
    errors: dict = field(default_factory=dict)  # field -> reason
    label: str = Label.NEW
    duplicate_id: int | None = None
    message: str = ""
    cells: list | None = None  # the mapped cells as the preview shows them

    @property
    def reason(self) -> str:
        if self.errors:
            # A custom field's message names the field itself (transfers.custom_import).
            return "; ".join(f"{COLUMNS_BY_FIELD[name].label}: {text}" if name in COLUMNS_BY_FIELD else
                             text if custom_import.is_custom(name) else f"{name}: {text}"
                             for name, text in self.errors.items())
        return self.message


def field_choices():
    """The fields a column may go to, for the mapping step ("" = ignore the column)."""
    return [("", _("Ignore this column"))] + [(column.field, column.label) for column in COLUMNS if column.imported]


def ignored_headers(headers, columns) -> list[str]:
    return [shown(header) for header, field in zip(headers, columns) if header not in (None, "") and not field]


class RowCleaner:
    """Turns cells into customer values with the resource's widgets, collecting a reason per bad
    cell. `columns`: the field of each column of the file, "" for a column left out; `custom`:
    the custom fields the importer may fill (transfers.custom_import), read into values["custom"]."""

    def __init__(self, columns, *, preview=False, custom=()):
        self.mapping = {name: index for index, name in enumerate(columns) if name in IMPORTED_FIELDS}
        self.custom = custom_import.CellCleaner(columns, custom)
        custom_names = {custom_import.name_of(d) for d in custom}
        self.shown = [index for index, name in enumerate(columns) if name in IMPORTED_FIELDS or name in custom_names]
        resource = CustomerResource()
        self.widgets = {name: resource.fields[name].widget for name in self.mapping}
        self.limits = {name: COLUMNS_BY_FIELD[name].max_length for name in self.mapping}
        self.present = set(self.mapping)
        self.preview = preview

    @property
    def has_name(self) -> bool:
        return "name" in self.mapping

    def clean(self, number, cells) -> Row:
        values, errors = {}, {}
        for name, index in self.mapping.items():
            raw = unneutralise(cells[index] if index < len(cells) else None)
            if isinstance(raw, str):
                raw = raw.strip()
                # Checked before any widget sees it: a huge cell is refused without being copied
                # or quoted whole.
                if self.limits[name] and len(raw) > self.limits[name]:
                    errors[name] = _("At most %(limit)s characters.") % {"limit": self.limits[name]}
                    continue
                if "\x00" in raw:
                    errors[name] = _("Null characters are not allowed.")
                    continue
            try:
                value = self.widgets[name].clean(raw)
            except (ValueError, ValidationError) as error:
                errors[name] = error.messages[0] if isinstance(error, ValidationError) else str(error)
                continue
            if value is None and name not in ("last_contact_at", "next_contact_on"):
                value = ""
            values[name] = value
        if self.custom:
            custom = self.custom.clean(cells, errors)
            if custom:
                values["custom"] = custom
        if not values.get("name") and "name" not in errors:
            errors["name"] = _("The name is required.")
        if values.get("phone"):
            try:
                validate_phone(values["phone"])
            except ValidationError as error:
                errors["phone"] = error.messages[0]
        row = Row(number=number, values=values, errors=errors)
        if errors:
            row.label = Label.INVALID
            row.values = {}  # an invalid row is never written: keep nothing of it
        if self.preview:
            row.cells = [shown(cells[index] if index < len(cells) else None) for index in self.shown]
        return row


def clean_chunks(table: Table, cleaner: RowCleaner, *, size=5000, progress=None):
    """The table's rows, cleaned, in lists of `size`: never the whole file in memory."""
    chunk, done = [], 0
    for number, cells in table.rows:
        chunk.append(cleaner.clean(number, cells))
        if len(chunk) == size:
            done += size
            yield chunk
            chunk = []
            if progress:
                progress(done)
    if chunk:
        yield chunk


def _name_key(values):
    name, company = values.get("name", "").strip().upper(), values.get("company", "").strip().upper()
    return (name, company) if name and company else None


class Classifier:
    """Labels rows new / duplicate (mine, a colleague's, in the pool), and repeated rows of the file
    invalid, chunk after chunk: it remembers the keys seen so far (a few dozen bytes a row), and
    looks up each chunk's existing customers in two queries."""

    def __init__(self, *, viewer, unique=None):
        self.viewer = viewer
        self.unique = unique  # transfers.custom_import.UniqueCheck of the file's unique custom fields
        self.seen_phone, self.seen_name = {}, {}
        self.messages = {}

    def classify(self, rows: list[Row]) -> None:
        phones, names, keys = set(), set(), {}
        for row in rows:
            if row.label == Label.INVALID:
                continue
            phone_key, name_key = normalize_phone(row.values.get("phone", "")), _name_key(row.values)
            keys[row.number] = phone_key, name_key
            if phone_key:
                phones.add(phone_key)
            if name_key:
                names.add(name_key)
        by_phone, by_name, customers = _existing(phones, names)
        for row in rows:
            if row.label == Label.INVALID:
                continue
            phone_key, name_key = keys[row.number]
            earlier = self.seen_phone.get(phone_key) if phone_key else None
            if earlier is None and name_key:
                earlier = self.seen_name.get(name_key)
            if earlier is not None:
                row.label, row.values = Label.INVALID, {}
                row.errors["phone" if phone_key and phone_key in self.seen_phone else "name"] = _(
                    "Repeats row %(row)s of this file.") % {"row": earlier}
                continue
            if phone_key:
                self.seen_phone[phone_key] = row.number
            if name_key:
                self.seen_name[name_key] = row.number
            duplicate_id = by_phone.get(phone_key) if phone_key else None
            if duplicate_id is None and name_key:
                duplicate_id = by_name.get(name_key)
            if duplicate_id is not None:
                self.label_duplicate(row, customers[duplicate_id], same_phone=bool(phone_key) and
                                     customers[duplicate_id].normalized_phone == phone_key)
        if self.unique:
            self.unique.check(rows, checked_labels=(Label.NEW, Label.MINE), invalid_label=Label.INVALID)

    def label_duplicate(self, row: Row, duplicate: Customer, *, same_phone: bool) -> None:
        row.duplicate_id = duplicate.pk
        if duplicate.owner_id is None:
            row.label = Label.POOL
        elif duplicate.owner_id == self.viewer.pk:
            row.label = Label.MINE
        else:
            row.label = Label.COLLEAGUE
        cache_key = (duplicate.pk, same_phone)
        if cache_key not in self.messages:
            self.messages[cache_key] = duplicate_message(duplicate, phone=row.values.get("phone", ""), viewer=self.viewer)
        row.message = self.messages[cache_key]


def existing_customers(ids) -> dict:
    """Customers by id, with what duplicate_message needs (their owner and the owner's group)."""
    customers = Customer.objects.filter(pk__in=ids).select_related("owner__sales_group").only(
        "pk", "number", "owner_id", "normalized_phone", "owner__username", "owner__full_name",
        "owner__sales_group__name")
    return {customer.pk: customer for customer in customers}


def _existing(phones: set, names: set):
    """Existing customers sharing a phone or a name and company with the file, in two queries."""
    found = {}
    with connection.cursor() as cursor:
        if phones:
            cursor.execute(
                "SELECT id, number, owner_id, normalized_phone, upper(name), upper(company) FROM crm_customer "
                "WHERE normalized_phone = ANY(%s)", [list(phones)])
            found.update({row[0]: row for row in cursor.fetchall()})
            # A contact's phone is its customer's too (撞单, issue 25): the customer holding it.
            cursor.execute(
                "SELECT c.id, c.number, c.owner_id, k.phone, upper(c.name), upper(c.company) FROM ("
                "  SELECT customer_id, normalized_mobile AS phone FROM contacts_contact"
                "   WHERE removed_at IS NULL AND normalized_mobile = ANY(%s)"
                "  UNION SELECT customer_id, normalized_landline FROM contacts_contact"
                "   WHERE removed_at IS NULL AND normalized_landline = ANY(%s)"
                ") k JOIN crm_customer c ON c.id = k.customer_id", [list(phones), list(phones)])
            for row in cursor.fetchall():
                found.setdefault(row[0], row)
        if names:
            name_list, company_list = zip(*names)
            cursor.execute(
                # One index probe per (name, company) of the file (crm_cust_name_company_ci): with
                # a plain join the planner reads the whole table instead (a million rows: 2.9 s
                # against 0.25 s). OFFSET 0 keeps the lateral subquery a probe.
                "SELECT c.id, c.number, c.owner_id, c.normalized_phone, upper(c.name), upper(c.company) "
                "FROM unnest(%s::text[], %s::text[]) AS k(name, company) CROSS JOIN LATERAL ("
                "  SELECT * FROM crm_customer c WHERE upper(c.name) = k.name AND upper(c.company) = k.company OFFSET 0"
                ") c", [list(name_list), list(company_list)])
            found.update({row[0]: row for row in cursor.fetchall()})
    owners = {user.pk: user for user in User.objects.filter(
        pk__in={row[2] for row in found.values() if row[2]}).select_related("sales_group")}
    customers, by_phone, by_name = {}, {}, {}
    for pk, number, owner_id, phone_key, name, company in sorted(found.values()):
        customer = Customer(pk=pk, number=number, owner_id=owner_id)
        if owner_id:
            customer.owner = owners[owner_id]
        customer.normalized_phone = phone_key  # or the phone of one of its contacts: the phone it holds
        customers[pk] = customer
        if phone_key:
            by_phone.setdefault(phone_key, pk)
        by_name.setdefault((name.strip(), company.strip()), pk)
    return by_phone, by_name, customers
