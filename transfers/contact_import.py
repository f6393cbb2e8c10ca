"""The contacts import (issue 25): a sheet of customer numbers and contact fields, checked in
full before anything is written, then written in one transaction or not at all.

The file is either a contacts sheet of its own or the customer import workbook's second sheet
named "联系人" / "Contacts" (reader.open_table picks that sheet when the workbook has one). Every
row must name, by its number, a customer the importer may change (their own; a supervisor's
group's; an admin's any owned customer); its phones pass the same duplicate rule (撞单) as a
contact added by hand: a phone held by another customer, or by another customer's contact, is
refused, and so is one that two customers of the file share. A customer gets at most one primary
contact from a file (it takes over from the current one, as when added by hand).

A re-run of the same file adds nothing: a row identical to a contact the customer already has
(same name, mobile and landline, compared normalised) is counted as "already there" and skipped,
and so is a repeat of an earlier row of the file. The check is bulk (a handful of queries per
file, none per row); the write holds the customer-keys lock every manual save shares
(crm.services.lock_customer_keys), checks the file again under it and then inserts, so no
concurrent save can slip a duplicate phone in between.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from common.phones import normalize_phone, validate_phone
from contacts import services as contact_services
from contacts.models import ACTIVE, Contact
from crm import services as crm_services
from crm.models import Customer
from transfers import policies
from transfers.columns import LenientDateWidget, quoted, shown, unneutralise

SHEET_NAMES = ("联系人", "contacts", "联系人/contacts", "联系人 / contacts", "contacts / 联系人")


@dataclass(frozen=True)
class ContactColumn:
    field: str
    label: object
    chinese: str
    aliases: tuple
    max_length: int


COLUMNS = [
    ContactColumn("customer_number", gettext_lazy("Customer number"), "客户编号",
                  ("编号", "客户号", "customer no", "number", "customer"), 30),
    ContactColumn("name", gettext_lazy("Contact name"), "联系人姓名",
                  ("联系人", "姓名", "名字", "name", "contact", "contact person"), 50),
    ContactColumn("title", gettext_lazy("Job title"), "职务", ("职位", "职称", "title", "position"), 100),
    ContactColumn("role", gettext_lazy("Role in the deal"), "在交易中的角色", ("角色", "role"), 30),
    ContactColumn("mobile", gettext_lazy("Mobile"), "手机", ("手机号", "手机号码", "移动电话", "cell", "mobile phone"), 30),
    ContactColumn("landline", gettext_lazy("Landline"), "座机", ("固话", "固定电话", "电话", "办公电话", "telephone",
                                                                "tel", "phone"), 30),
    ContactColumn("wechat", gettext_lazy("WeChat"), "微信", ("微信号", "wechat id"), 50),
    ContactColumn("email", gettext_lazy("E-mail"), "邮箱", ("电子邮件", "电子邮箱", "email", "mail"), 254),
    ContactColumn("birthday", gettext_lazy("Birthday"), "生日", ("出生日期", "date of birth"), 30),
    ContactColumn("notes", gettext_lazy("Notes"), "备注", ("说明", "note", "remarks", "memo"), 2000),
    ContactColumn("is_primary", gettext_lazy("Primary contact"), "主要联系人", ("是否主要联系人", "首要联系人", "primary"), 10),
]
FIELDS = [column.field for column in COLUMNS]
BY_FIELD = {column.field: column for column in COLUMNS}
YES = {"yes", "y", "true", "1", "是", "主要", "√", "✓", "x"}
NO = {"", "no", "n", "false", "0", "否"}
MAX_ROWS_SHOWN = 200


def _key(text) -> str:
    return re.sub(r"[\s*_:：.\-]+", "", str(text or "")).lower()


def _header_lookup(columns) -> dict:
    lookup = {}
    for column in columns:
        names = [column.field, column.chinese, *column.aliases]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.append(str(column.label))
        for name in names:
            lookup.setdefault(_key(name), column.field)
    return lookup


def guess_columns(headers, known=None) -> list[str]:
    """The field each column goes to ("" = ignored), from its header in either language (the
    exports' headers read back); each field at most once. `known`: the import's columns."""
    lookup, used, columns = _header_lookup(known or COLUMNS), set(), []
    for header in headers:
        found = lookup.get(_key(header))
        if found is None:
            parts = [_key(part) for part in re.split(r"[/|()（）]", str(header or ""))]
            found = next((lookup[part] for part in parts if part in lookup), "")
        if found in used:
            found = ""
        used.add(found)
        columns.append(found)
    return columns


def field_choices(known=None):
    return [("", _("(ignore this column)"))] + [(column.field, str(column.label)) for column in known or COLUMNS]


def _role_lookup() -> dict:
    lookup = {}
    for value, label in Contact.Role.choices:
        lookup[value] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    lookup.update({"决策人": "decision_maker", "决策者": "decision_maker", "使用者": "user", "财务": "finance",
                   "影响者": "influencer"})
    return lookup


@dataclass
class CheckedRow:
    number: int
    cells: list
    status: str = "new"  # new, same (already there: skipped), bad
    reason: str = ""
    customer_id: int | None = None
    data: dict = field(default_factory=dict)


@dataclass
class Checked:
    headers: list
    columns: list
    rows: list

    def count(self, status) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def same(self) -> int:
        return self.count("same")

    @property
    def bad(self) -> int:
        return self.count("bad")

    @property
    def shown_rows(self) -> list:
        """The refused rows first, then the others, at most MAX_ROWS_SHOWN."""
        return sorted(self.rows, key=lambda row: (row.status != "bad", row.number))[:MAX_ROWS_SHOWN]


def _clean(row: CheckedRow, raw: dict, roles: dict) -> None:
    """Cell by cell: the first problem is the row's reason."""
    data = {}
    for name in FIELDS:
        value = unneutralise(raw.get(name))
        if value is None:
            value = ""
        if isinstance(value, str):
            value = value.strip()
            if len(value) > BY_FIELD[name].max_length:
                raise ValueError(_("%(column)s: at most %(limit)s characters.")
                                 % {"column": BY_FIELD[name].label, "limit": BY_FIELD[name].max_length})
            if "\x00" in value:
                raise ValueError(_("%(column)s: null characters are not allowed.") % {"column": BY_FIELD[name].label})
        data[name] = value
    if not data["customer_number"]:
        raise ValueError(_("The customer number is missing."))
    if not data["name"]:
        raise ValueError(_("The contact's name is missing."))
    for name in ("mobile", "landline"):
        try:
            validate_phone(str(data[name]))
        except ValidationError as error:
            raise ValueError(f"{BY_FIELD[name].label}: {error.messages[0]}") from None
    if data["email"]:
        try:
            validate_email(str(data["email"]))
        except ValidationError:
            raise ValueError(_("“%(value)s” is not an e-mail address.") % {"value": quoted(data["email"])}) from None
    role = str(data["role"]).lower()
    if role and role not in roles:
        offered = ", ".join(str(label) for _value, label in Contact.Role.choices)
        raise ValueError(_("“%(value)s” is not one of: %(choices)s.") % {"value": quoted(data["role"]), "choices": offered})
    data["role"] = roles.get(role, "")
    birthday = LenientDateWidget().clean(data["birthday"]) if data["birthday"] != "" else None
    if birthday is not None and not (date(1900, 1, 1) <= birthday <= timezone.localdate()):
        raise ValueError(_("The birthday must be between 1900-01-01 and today."))
    data["birthday"] = birthday
    primary = str(data["is_primary"]).strip().lower()
    if primary not in YES | NO:
        raise ValueError(_("Primary contact: write 是 or 否 (yes or no)."))
    data["is_primary"] = primary in YES
    row.data = {name: (value if name in ("birthday", "is_primary") else str(value)) for name, value in data.items()}


def check_table(*, table, columns: list, by) -> Checked:
    """Every row of the file checked against the database in a few bulk queries."""
    mapping = {name: index for index, name in enumerate(columns) if name}
    roles = _role_lookup()
    rows = []
    for number, cells in table.rows:
        raw = {name: (cells[index] if index < len(cells) else None) for name, index in mapping.items()}
        row = CheckedRow(number=number, cells=[shown(cells[index] if index < len(cells) else None)
                                                for index in range(len(columns))])
        try:
            if "customer_number" not in mapping or "name" not in mapping:
                raise ValueError(_("Choose the columns holding the customer number and the contact's name."))
            _clean(row, raw, roles)
        except ValueError as error:
            row.status, row.reason = "bad", str(error)
        rows.append(row)
    _check_against_database(rows, by)
    return Checked(headers=list(table.headers), columns=columns, rows=rows)


def _check_against_database(rows: list, by) -> None:
    good = [row for row in rows if row.status == "new"]
    numbers = {row.data["customer_number"] for row in good}
    customers = {customer.number: customer for customer in
                 policies.contact_import_customers(by).filter(number__in=numbers)
                 .select_related("owner__sales_group").only("pk", "number", "owner", "normalized_phone")}
    for row in good:
        customer = customers.get(row.data["customer_number"])
        if customer is None:
            row.status = "bad"
            row.reason = _("No customer you may change has the number “%(number)s”.") % {
                "number": quoted(row.data["customer_number"])}
        else:
            row.customer_id = customer.pk
    good = [row for row in good if row.status == "new"]
    _check_phones(good, by)
    _check_repeats(good)
    _check_primary(good)


def _phones_of(row) -> list[str]:
    return [key for key in {normalize_phone(row.data["mobile"]), normalize_phone(row.data["landline"])} if key]


def _check_phones(rows: list, by) -> None:
    keys = {key for row in rows for key in _phones_of(row)}
    holders = {}  # phone key -> customer ids holding it
    if keys:
        for pk, key in Customer.objects.filter(normalized_phone__in=keys).values_list("pk", "normalized_phone"):
            holders.setdefault(key, set()).add(pk)
        for contact in Contact.objects.filter(ACTIVE).filter(
                Q(normalized_mobile__in=keys) | Q(normalized_landline__in=keys)).values(
                "customer_id", "normalized_mobile", "normalized_landline"):
            for key in (contact["normalized_mobile"], contact["normalized_landline"]):
                if key in keys:
                    holders.setdefault(key, set()).add(contact["customer_id"])
    others = {pk for pks in holders.values() for pk in pks}
    by_pk = Customer.objects.select_related("owner__sales_group").in_bulk(others) if others else {}
    for customer in by_pk.values():
        customer.holds_phone = True  # found by a phone (its own or a contact's): the message says "phone"
    in_file = {}  # phone key -> (customer id, row number) first seen in the file
    for row in rows:
        for key in _phones_of(row):
            other = next((pk for pk in sorted(holders.get(key, ())) if pk != row.customer_id), None)
            phone = row.data["mobile"] if normalize_phone(row.data["mobile"]) == key else row.data["landline"]
            if other is not None:
                row.status = "bad"
                row.reason = crm_services.duplicate_message(by_pk[other], phone=phone, viewer=by)
                break
            first = in_file.setdefault(key, (row.customer_id, row.number))
            if first[0] != row.customer_id:
                row.status = "bad"
                row.reason = _("Row %(row)s gives another customer the same phone number.") % {"row": first[1]}
                break


def _identity(customer_id, data) -> tuple:
    return (customer_id, str(data["name"]).strip().lower(), normalize_phone(data["mobile"]),
            normalize_phone(data["landline"]))


def _check_repeats(rows: list) -> None:
    """A row identical to a contact the customer has, or to an earlier row: already there."""
    rows = [row for row in rows if row.status == "new"]
    existing = set()
    customer_ids = {row.customer_id for row in rows}
    if customer_ids:
        for contact in Contact.objects.filter(ACTIVE, customer_id__in=customer_ids).values(
                "customer_id", "name", "mobile", "landline"):
            existing.add(_identity(contact["customer_id"], contact))
    for row in rows:
        identity = _identity(row.customer_id, row.data)
        if identity in existing:
            row.status, row.reason = "same", _("Already there: this customer has this contact.")
        existing.add(identity)


def _check_primary(rows: list) -> None:
    first = {}
    for row in rows:
        if row.status == "new" and row.data["is_primary"]:
            earlier = first.setdefault(row.customer_id, row.number)
            if earlier != row.number:
                row.status = "bad"
                row.reason = _("Row %(row)s already makes a primary contact of this customer: at most one.") % {
                    "row": earlier}


class ContactImportRejected(Exception):
    def __init__(self, checked):
        super().__init__("rejected")
        self.checked = checked


def import_contacts(*, open_file, columns: list, by, name: str = "") -> Checked:
    """Check the file again under the customer-keys lock and add its new contacts, all in one
    transaction; any refused row refuses the file (ContactImportRejected), nothing is written."""
    with transaction.atomic():
        crm_services.lock_customer_keys(exclusive=True)
        checked = check_table(table=open_file(), columns=columns, by=by)
        if checked.bad:
            raise ContactImportRejected(checked)
        new = [(row.customer_id, {key: value for key, value in row.data.items() if key != "customer_number"})
               for row in checked.rows if row.status == "new"]
        contact_services.contacts_import(rows=new, by=by)
        audit.record(actor=by, action="contacts.import", summary=f"{len(new)} contacts ({name[:100]})",
                     count=len(new))
    return checked
