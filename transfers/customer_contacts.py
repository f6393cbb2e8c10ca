"""The customers' contacts in the customer import (issue 25): a second sheet of the workbook named
"联系人" / "Contacts" (contact_import.SHEET_NAMES), one row per contact, whose "客户名称 / Customer
name" column names its customer as the first sheet does.

The contacts are added in the customer import's own transaction, after its customers are in
(they have ids then) and under the customer-keys lock the import holds for its final check, so
customers and contacts go in together or not at all: one refused contact row refuses the whole
file. A contact's customer must be one of this import's customers (a new one, or one of the
importer's own it matched); two customers of the file with that name make the row ambiguous.
Each row is checked exactly as the separate contacts import checks it (transfers.contact_import:
its cells, its phones against every customer and contact (撞单) and against the file, at most
one primary contact), and written by contacts.services.contacts_import. A row identical to a
contact the customer already has is skipped, so a re-run adds nothing.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts import services as contact_services
from transfers import contact_import, reader
from transfers.columns import quoted
from transfers.contact_import import ContactColumn, SHEET_NAMES

# The contacts sheet's columns: the customer by name (the first sheet's), then a contact's fields.
COLUMNS = [
    ContactColumn("customer_number", gettext_lazy("Customer name"), "客户名称",
                  ("客户", "客户名", "所属客户", "customer", "customer name"), 100),
    *contact_import.COLUMNS[1:],
]
MAX_REASONS = 5  # the refused contact rows a message names


class ContactsRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def has_sheet(path, name: str) -> bool:
    return reader.has_sheet(path, name, SHEET_NAMES)


def name_key(name) -> str:
    return " ".join(str(name or "").split()).upper()


def add_contacts(*, path, name: str, customers: dict, by) -> int:
    """Add the contacts sheet's contacts to `customers` (name_key -> set of customer ids: this
    import's customers). Returns how many were added; raises ContactsRefused, naming the sheet's
    rows and why, when any row is refused (the caller's transaction then writes nothing)."""
    rows = check(path=path, name=name, customers=customers, by=by)
    bad = [row for row in rows if row.status == "bad"]
    if bad:
        raise ContactsRefused(_("Nothing was imported: %(count)s rows of the contacts sheet are refused (%(reasons)s).")
                              % {"count": len(bad), "reasons": reasons_text(bad)})
    new = [(row.customer_id, {key: value for key, value in row.data.items() if key != "customer_number"})
           for row in rows if row.status == "new"]
    contact_services.contacts_import(rows=new, by=by)
    return len(new)


def reasons_text(bad) -> str:
    return "; ".join(_("row %(row)s: %(reason)s") % {"row": row.number, "reason": row.reason} for row in bad[:MAX_REASONS])


def preview(*, path, name: str, customers: dict, by) -> dict:
    """The preview's look at the contacts sheet, before any customer exists: `customers` gives the
    file's new customers stand-in ids (negative) and the importer's own ones their real ids.
    Returns {"contacts": how many would be added, "refused": how many are refused, "reasons": …}."""
    try:
        rows = check(path=path, name=name, customers=customers, by=by)
    except ContactsRefused as refused:
        return {"contacts": 0, "refused": 0, "reasons": refused.message}
    bad = [row for row in rows if row.status == "bad"]
    return {"contacts": sum(1 for row in rows if row.status == "new"), "refused": len(bad),
            "reasons": reasons_text(bad)}


def check(*, path, name: str, customers: dict, by) -> list:
    """Every row of the contacts sheet checked (contact_import's checks), its customer found."""
    table = reader.open_table(path, name, sheet_names=SHEET_NAMES)
    columns = contact_import.guess_columns(table.headers, COLUMNS)
    if "customer_number" not in columns or "name" not in columns:
        raise ContactsRefused(_("Nothing was imported: the contacts sheet needs a column “客户名称 / Customer name” "
                                "and a column “联系人姓名 / Contact name”."))
    mapping = {field: index for index, field in enumerate(columns) if field}
    roles = contact_import._role_lookup()
    rows = []
    for number, cells in table.rows:
        row = contact_import.CheckedRow(number=number, cells=[])
        raw = {field: (cells[index] if index < len(cells) else None) for field, index in mapping.items()}
        try:
            if raw.get("customer_number") in (None, ""):
                raise ValueError(_("The customer's name is missing."))
            contact_import._clean(row, raw, roles)
            ids = customers.get(name_key(row.data["customer_number"]), set())
            if not ids:
                raise ValueError(_("No customer of this import is named “%(name)s” (its row may have been "
                                   "refused or skipped).") % {"name": quoted(row.data["customer_number"])})
            if len(ids) > 1:
                raise ValueError(_("Several customers of this import are named “%(name)s”: the contact cannot "
                                   "tell which.") % {"name": quoted(row.data["customer_number"])})
            row.customer_id = next(iter(ids))
        except ValueError as error:
            row.status, row.reason = "bad", str(error)
        rows.append(row)
    good = [row for row in rows if row.status == "new"]
    contact_import._check_phones(good, by)
    contact_import._check_repeats(good)
    contact_import._check_primary(good)
    return rows
