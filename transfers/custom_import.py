"""Custom fields as columns of the customer import (issue 23).

Every customer custom field the importing person may edit is a mapping target, named
"cf_<key>" (customfields.lists.FIELD_PREFIX) and guessed from a header that is its Chinese or
English label (or its key). A field they may not edit (or see) is never a target, whatever a
posted mapping or a saved one says.

A cell is read by customfields.kinds (the one place that knows each kind), with a message that
names the field; a required field left empty (or whose column is missing) refuses the row. A
field marked unique takes part in the duplicate check (撞单): a value another customer already
holds, or that an earlier row of the file gives, refuses the row, naming the field and who holds
it (as much as the phone check says). Values are compared as stored, a chunk's values in one
query. Definitions are read once per import, the
people of a "person" field once, never per row.
"""

from types import SimpleNamespace
import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import User
from crm.models import Customer
from customfields import kinds, registry, unique
from customfields.lists import FIELD_PREFIX
from customfields.models import FieldDefinition
from transfers import columns as customer_columns
from transfers.columns import IMPORTED_FIELDS, quoted, unneutralise

CUSTOMER = FieldDefinition.Target.CUSTOMER
Kind = FieldDefinition.Kind
# The longest cell any kind accepts (a long text), plus one so "too long" is still shown.
CELL_LIMIT = kinds.LONG_TEXT_MAX
SCALAR_KINDS = unique.UNIQUE_KINDS  # the kinds a unique field may have (as the forms' 撞单 check)


def targets(user) -> list[FieldDefinition]:
    """The customer custom fields `user` may fill by import: those they may edit (never hidden)."""
    if user is None:
        return []
    return registry.editable_definitions(CUSTOMER, user)


def name_of(definition) -> str:
    return FIELD_PREFIX + definition.key


def field_choices(user) -> list:
    """The mapping step's choices for `user`: the built-in fields, then their custom ones."""
    from transfers.classify import field_choices as builtin_choices

    return builtin_choices() + [(name_of(d), d.label) for d in targets(user)]


def _labels(definitions) -> dict:
    found = {}
    for definition in definitions:
        for text in (definition.label_zh_hans, definition.label_en, definition.key):
            key = customer_columns._key(text)
            if key:
                found.setdefault(key, name_of(definition))
    return found


def guess_columns(headers, saved: dict | None = None, *, definitions=()) -> list[str]:
    """transfers.columns.guess_columns, then the custom fields: a saved mapping's custom choice
    (if the person may still fill it), else a header that is a custom field's label. A header
    that is exactly a built-in field's name stays with it; one the built-in guess only matched
    by a part of it goes to the custom field whose label it is."""
    columns = customer_columns.guess_columns(headers, saved=saved)
    allowed = {name_of(d) for d in definitions}
    if not allowed:
        return columns
    by_label = _labels(definitions)
    exact_builtin = customer_columns._header_lookup()
    used = set(columns)
    for index, header in enumerate(headers):
        key = customer_columns._key(header)
        parts = [customer_columns._key(part) for part in re.split(r"[/|()（）]", str(header or ""))]
        if saved is not None and key in saved:
            wanted = saved[key] if saved[key] in allowed else None
        elif key in by_label and key not in exact_builtin:
            wanted = by_label[key]
        elif key not in exact_builtin and parts and all(by_label.get(part) for part in parts if part) \
                and len({by_label[part] for part in parts if part}) == 1:  # "微信号 / WeChat ID", the template's
            wanted = by_label[next(part for part in parts if part)]
        else:
            wanted = None
        if wanted and wanted not in used:
            columns[index] = wanted
            used.add(wanted)
    return columns


def _text(value, definition) -> str:
    """A cell as the text kinds.parse reads: Excel's dates and numbers included."""
    if value is None:
        return ""
    if isinstance(value, str):
        if definition.kind in (Kind.NUMBER, Kind.MONEY):  # 12,000.50 and ¥12,000.50 as Excel shows them
            return re.sub(r"[,，\s¥￥]", "", value)
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if definition.kind == Kind.DATE or (value.hour, value.minute, value.second) == (0, 0, 0) and definition.kind != Kind.DATETIME:
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class CellCleaner:
    """The custom columns of a file: each cell read by its definition's kind; the required fields
    the person may fill checked on every row, mapped or not."""

    def __init__(self, columns, definitions):
        by_name = {name_of(d): d for d in definitions}
        people = kinds.people_by_name() if any(d.kind == Kind.PERSON for d in definitions) else None
        self.columns = [(index, by_name[name], kinds.cell_parser(by_name[name], people_ids=people))
                        for index, name in enumerate(columns) if name in by_name]
        self.required = [d for d in definitions if d.required]

    def __bool__(self):
        return bool(self.columns or self.required)

    def clean(self, cells, errors: dict) -> dict:
        """The row's custom values to store (key -> JSON value); each bad cell's message into
        `errors` (under cf_<key>, a message that names the field)."""
        values = {}
        for index, definition, parse in self.columns:
            raw = unneutralise(cells[index] if index < len(cells) else None)
            if isinstance(raw, str):
                raw = raw.strip()
                if len(raw) > CELL_LIMIT:
                    errors[name_of(definition)] = _("%(field)s: at most %(limit)s characters.") % {
                        "field": definition.label, "limit": CELL_LIMIT}
                    continue
                if "\x00" in raw:
                    errors[name_of(definition)] = _("%(field)s: null characters are not allowed.") % {
                        "field": definition.label}
                    continue
            try:
                stored = parse(_text(raw, definition))
            except ValidationError as error:
                errors[name_of(definition)] = " ".join(error.messages)
                continue
            if stored is not None and stored != "" and stored != []:
                values[definition.key] = stored
        for definition in self.required:
            if definition.key not in values and name_of(definition) not in errors:
                errors[name_of(definition)] = _("%(field)s is required.") % {"field": definition.label}
        return values


class UniqueCheck:
    """The unique custom fields of the import's columns (撞单 for them): a row giving a value
    another customer holds, or an earlier row of the file gave, is refused. Remembers the values
    seen so far (per field), looks each chunk's values up in one query per field."""

    def __init__(self, columns, definitions, *, viewer):
        mapped = set(columns)
        self.definitions = [d for d in definitions if d.unique and d.kind in SCALAR_KINDS and name_of(d) in mapped]
        self.viewer = viewer
        self.seen = {d.key: {} for d in self.definitions}

    def __bool__(self):
        return bool(self.definitions)

    def check(self, rows, *, checked_labels, invalid_label) -> None:
        """Refuse the rows of `rows` (labelled one of `checked_labels`) whose unique value clashes."""
        for definition in self.definitions:
            key = definition.key
            probing = [row for row in rows if row.label in checked_labels and key in row.values.get("custom", {})]
            if not probing:
                continue
            holders = _holders(key, {row.values["custom"][key] for row in probing})
            for row in probing:
                value = row.values["custom"][key]
                earlier = self.seen[key].get(_seen_key(value))
                if earlier is not None:
                    message = _("%(field)s “%(value)s” repeats row %(row)s of this file.") % {
                        "field": definition.label, "value": quoted(value), "row": earlier}
                else:
                    others = [holder for holder in holders.get(_seen_key(value), []) if holder.pk != row.duplicate_id]
                    if not others:
                        self.seen[key][_seen_key(value)] = row.number
                        continue
                    message = _("%(field)s “%(value)s” %(holder)s.") % {
                        "field": definition.label, "value": quoted(value), "holder": self._holder(others[0])}
                row.label, row.values, row.duplicate_id, row.message = invalid_label, {}, None, ""
                row.errors[name_of(definition)] = message

    def _holder(self, customer) -> str:
        return _holder_text(customer, self.viewer)


def _holder_text(customer, viewer) -> str:
    """Who holds the value: as much as the phone duplicate check says (crm.services)."""
    if customer.owner_id is None:
        return _("is held by a customer in the isolation pool")
    if customer.owner_id == viewer.pk:
        return _("is already held by one of your customers (%(number)s)") % {"number": customer.number}
    owner = customer.owner
    group = owner.sales_group.name if owner.sales_group_id else _("no group")
    return _("is already held by a customer of %(owner)s, %(group)s") % {"owner": owner.display_name, "group": group}


def withdraw_staged_clashes(stage: str, definitions, *, viewer) -> dict:
    """Under the customer-keys lock (transfers.services._merge took it), the staged customers whose
    unique custom value someone else committed while the file was read: taken out again, as the
    merge does for phones. Returns {row number: why}."""
    clashes = {}
    with connection.cursor() as cursor:
        for definition in definitions:
            if not (definition.unique and definition.kind in SCALAR_KINDS):
                continue
            key = definition.key
            cursor.execute(f"SELECT row_number, id, custom ->> %s FROM {stage} WHERE custom ->> %s IS NOT NULL",
                           [key, key])
            staged = cursor.fetchall()
            holders = _holders(key, {value for _number, _pk, value in staged}) if staged else {}
            for number, pk, value in staged:
                others = [holder for holder in holders.get(value, []) if holder.pk != pk]
                if others and number not in clashes:
                    clashes[number] = (pk, _("%(field)s “%(value)s” %(holder)s.") % {
                        "field": definition.label, "value": quoted(value), "holder": _holder_text(others[0], viewer)})
        if clashes:
            ids = [pk for pk, _message in clashes.values()]
            cursor.execute(f"DELETE FROM {Customer._meta.db_table} WHERE id = ANY(%s)", [ids])
            cursor.execute(f"DELETE FROM {stage} WHERE id = ANY(%s)", [ids])
    return {number: message for number, (_pk, message) in clashes.items()}


def _seen_key(value) -> str:
    return str(value)


def _holders(key: str, values: set) -> dict:
    """The customers holding each of `values` in custom field `key`: one hash join of the chunk's
    values with the customers (100,000 customers: ~70 ms a chunk of 5,000). Not a probe of the
    GIN index per value: right after a big insert (statistics not yet refreshed) PostgreSQL
    planned each probe as a sequential scan, 42 ms a value, minutes a chunk."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, c.number, c.owner_id, c.custom ->> %s FROM {Customer._meta.db_table} c "
            "JOIN unnest(%s::text[]) AS k(v) ON c.custom ->> %s = k.v", [key, sorted(_seen_key(v) for v in values), key])
        found = cursor.fetchall()
    owners = {user.pk: user for user in User.objects.filter(
        pk__in={owner for _pk, _number, owner, _value in found if owner}).select_related("sales_group")}
    holders = {}
    for pk, number, owner_id, value in found:
        customer = SimpleNamespace(pk=pk, number=number, owner_id=owner_id, owner=owners.get(owner_id))  # read only
        holders.setdefault(_seen_key(value), []).append(customer)
    return holders


def is_custom(name: str) -> bool:
    return bool(name) and name.startswith(FIELD_PREFIX) and name not in IMPORTED_FIELDS

