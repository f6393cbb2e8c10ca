"""Customer spreadsheets in and out (SPEC §1.C, §1.D): columns, parsing, safety, duplicates.

django-import-export's CustomerResource names the columns (in the reader's language) and its
widgets turn cells into values and back. Two places where the libraries fall short are extended:
- Reading: openpyxl's read-only reader parses about 2,400 rows/s on our machines; the sheet
  and shared strings are streamed here with the C XML parser (12,000+ rows/s), after the
  archive's declared sizes and row count were checked (openpyxl does not guard against
  XLSX bombs) and any DTD refused. Small workbook parts go through defusedxml.
- Writing: tablib escapes only a leading "=" and builds every cell in memory; rows are
  neutralised here for = + - @ tab and CR (CWE-1236) and streamed to the file.
"""

import codecs
import csv
import gc
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import XMLPullParser
from xml.sax.saxutils import escape as xml_escape

from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields as ie_fields
from import_export import resources, widgets
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

from accounts.models import User
from crm.models import Customer
from crm.phones import normalize_phone, validate_phone
from crm.services import duplicate_message

# --- Columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # lazy English source, translated when shown
    chinese: str
    aliases: tuple = ()
    max_length: int | None = None
    imported: bool = True


COLUMNS = [
    Column("number", gettext_lazy("Customer number"), "客户编号", ("编号", "no", "number"), imported=False),
    Column("name", gettext_lazy("Name"), "客户名称", ("姓名", "客户姓名", "名称", "客户", "customer name", "customer"), 100),
    Column("company", gettext_lazy("Company"), "公司", ("公司名称", "单位", "工作单位", "company name"), 200),
    Column("job_title", gettext_lazy("Job title"), "职务", ("职位", "title", "position"), 100),
    Column("phone", gettext_lazy("Phone"), "电话", ("手机", "手机号", "联系电话", "电话号码", "mobile", "telephone", "tel"), 30),
    Column("address", gettext_lazy("Address"), "地址", ("联系地址", "通讯地址"), 255),
    Column("type", gettext_lazy("Type"), "客户类型", ("类型", "customer type")),
    Column("grade", gettext_lazy("Grade"), "等级", ("客户等级", "级别")),
    Column("source", gettext_lazy("Source"), "来源", ("客户来源",)),
    Column("industry", gettext_lazy("Industry"), "行业", ("所属行业",), 100),
    Column("gender", gettext_lazy("Gender"), "性别", ("sex",)),
    Column("notes", gettext_lazy("Negotiation notes"), "洽谈记录", ("备注", "洽谈内容", "notes", "remarks"), 20000),
    Column("last_contact_at", gettext_lazy("Last contact"), "最后联系时间", ("最后联系日期", "上次联系", "last contact date")),
    Column("next_contact_on", gettext_lazy("Next contact date"), "下次联系日期", ("下次联系", "next contact")),
    Column("owner", gettext_lazy("Salesperson"), "销售员", ("业务员", "所属销售", "owner"), imported=False),
    Column("created_at", gettext_lazy("Created"), "创建时间", ("created time",), imported=False),
]
COLUMNS_BY_FIELD = {column.field: column for column in COLUMNS}
IMPORTED_FIELDS = [column.field for column in COLUMNS if column.imported]
CHOICE_FIELDS = {"type": Customer.Type, "grade": Customer.Grade, "source": Customer.Source, "gender": Customer.Gender}
EXTRA_CHOICE_WORDS = {
    "gender": {"男": "male", "女": "female", "先生": "male", "女士": "female", "m": "male", "f": "female"},
    "type": {"准客户": "prospect", "意向客户": "intention", "暂停客户": "suspended", "意向": "intention", "暂停": "suspended"},
    "grade": {"普通": "normal", "重要": "vip", "vip客户": "vip"},
    "source": {"自己联系": "self", "广告媒体": "advertising", "朋友介绍": "referral"},
}


def _key(text) -> str:
    return re.sub(r"[\s*_:：]+", "", str(text or "")).lower()


def _header_lookup() -> dict:
    lookup = {}
    for column in COLUMNS:
        names = [column.field, column.chinese, *column.aliases]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.append(str(column.label))
        for name in names:
            lookup.setdefault(_key(name), column.field)
    return lookup


def match_header(text) -> str | None:
    """The field a header names, in English or Chinese ("客户名称", "Name", "客户名称 / Name")."""
    lookup = _header_lookup()
    key = _key(text)
    if key in lookup:
        return lookup[key]
    for part in re.split(r"[/|()（）]", str(text or "")):
        if _key(part) in lookup:
            return lookup[_key(part)]
    return None


def _choice_lookup(field_name: str) -> dict:
    choices = CHOICE_FIELDS[field_name]
    lookup = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    lookup.update(EXTRA_CHOICE_WORDS.get(field_name, {}))
    lookup.pop("", None)
    return lookup


# --- The resource: column names and cell conversions -----------------------------------------


class ChoiceLabelWidget(widgets.Widget):
    """A choice as its label in the reader's language; reads back codes and labels in English or Chinese."""

    def __init__(self, field_name, **kwargs):
        super().__init__(**kwargs)
        self.field_name = field_name
        self.choices = CHOICE_FIELDS[field_name]
        self.lookup = None  # built on first use, in the language active then
        self.labels = None

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return Customer._meta.get_field(self.field_name).default
        if self.lookup is None:
            self.lookup = _choice_lookup(self.field_name)
        found = self.lookup.get(text.lower())
        if found is None:
            offered = ", ".join(str(label) for value_, label in self.choices.choices if value_)
            raise ValueError(_("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": offered})
        return found

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        if self.labels is None:
            self.labels = {key: str(label) for key, label in self.choices.choices}
        return self.labels.get(value, value)


class LenientDateWidget(widgets.Widget):
    """Excel dates, and text such as 2026-12-01, 2026/12/1, 2026.12.01 or 2026年12月1日."""

    PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")

    def __init__(self, with_time=False, **kwargs):
        super().__init__(**kwargs)
        self.with_time = with_time

    def parse(self, value):
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        match = self.PATTERN.match(str(value).strip())
        if not match:
            raise ValueError(_("“%(value)s” is not a date (write it as 2026-12-01).") % {"value": value})
        parts = [int(part) if part else 0 for part in match.groups()]
        try:
            return datetime(*parts)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a date (write it as 2026-12-01).") % {"value": value}) from None

    def clean(self, value, row=None, **kwargs):
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            return None
        moment = self.parse(value)
        if not self.with_time:
            return moment.date()
        aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        if aware > timezone.now():
            raise ValueError(_("The last contact cannot be in the future."))
        return aware

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
        return value.isoformat()


class OwnerWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return getattr(value, "display_name", value) or ""


class CustomerResource(resources.ModelResource):
    """The spreadsheet's columns: headers in the active language, widgets for every cell."""

    class Meta:
        model = Customer
        fields = [column.field for column in COLUMNS]
        export_order = [column.field for column in COLUMNS]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for column in COLUMNS:
            if column.field in CHOICE_FIELDS:
                widget = ChoiceLabelWidget(column.field)
            elif column.field in ("last_contact_at", "created_at"):
                widget = LenientDateWidget(with_time=True)
            elif column.field == "next_contact_on":
                widget = LenientDateWidget()
            elif column.field == "owner":
                widget = OwnerWidget()
            else:
                widget = widgets.CharWidget(allow_blank=True)
            self.fields[column.field] = ie_fields.Field(attribute=column.field, column_name=str(column.label), widget=widget)

    def headers(self) -> list[str]:
        return self.get_export_headers()

    def export_rows(self, customers, chunk_size=5000):
        """Every customer of the queryset as neutralised cells, fast: plain values rather than model
        instances (ModelResource.export builds a model and a dehydrate lookup per cell, ~4x slower),
        rendered by the same widgets."""
        owner_name = person_name_of("owner")
        plan = [("owner_name" if column.field == "owner" else column.field, self.fields[column.field].widget.render)
                for column in COLUMNS]
        fields = [column.field for column in COLUMNS if column.field != "owner"]
        for row in customers.values(*fields, owner_name=owner_name).iterator(chunk_size=chunk_size):
            yield [neutralise(render(row[name])) for name, render in plan]


class ValuesResource(resources.Resource):
    """A read-only spreadsheet of a queryset: `columns` are (name, label, values() lookup, widget).
    Rows come from values(), rendered by each column's widget and neutralised."""

    columns: list = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name, label, _lookup, widget in self.columns:
            self.fields[name] = ie_fields.Field(attribute=name, column_name=str(label), widget=widget)

    def headers(self) -> list[str]:
        return [str(label) for _name, label, _lookup, _widget in self.columns]

    def export_rows(self, queryset, chunk_size=5000):
        lookups = {f"col_{name}": lookup for name, _label, lookup, _widget in self.columns}
        plan = [(f"col_{name}", widget.render) for name, _label, _lookup, widget in self.columns]
        for row in queryset.values(**lookups).iterator(chunk_size=chunk_size):
            yield [neutralise(render(row[key])) for key, render in plan]


def person_name_of(prefix: str):
    """A person's display name (full name, else login) as a values() expression."""
    return Coalesce(NullIf(f"{prefix}__full_name", Value("")), f"{prefix}__username")


class FollowUpResource(ValuesResource):
    columns = [
        ("customer_number", gettext_lazy("Customer number"), F("customer__number"), widgets.CharWidget()),
        ("customer", gettext_lazy("Customer"), F("customer__name"), widgets.CharWidget()),
        ("occurred_at", gettext_lazy("Time"), F("occurred_at"), LenientDateWidget(with_time=True)),
        ("subject", gettext_lazy("Subject"), F("subject"), widgets.CharWidget()),
        ("content", gettext_lazy("Content"), F("content"), widgets.CharWidget()),
        ("author", gettext_lazy("Salesperson"), person_name_of("author"), widgets.CharWidget()),
    ]


# --- Formula neutralisation (CWE-1236) --------------------------------------------------------

# ASCII starters, and the fullwidth and small-form ones a Chinese input method types (Excel and
# WPS normalise some of them to their ASCII twins and then run the cell as a formula).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20",
                  "\ufe66", "\ufe62", "\ufe63", "\ufe6b")


def _needs_guard(text: str) -> bool:
    # A value that already starts with apostrophes before a formula character gets one more, so
    # that unneutralise() (which removes exactly one) gives back the value as it was.
    return text.lstrip("'").startswith(FORMULA_STARTS)


def neutralise(value):
    """A cell a spreadsheet would read as a formula gets a leading apostrophe: shown, not run."""
    if isinstance(value, str) and _needs_guard(value):
        return "'" + value
    return value


def unneutralise(value):
    """Undo neutralise() on import, so an exported file reads back unchanged."""
    if isinstance(value, str) and value.startswith("'") and _needs_guard(value[1:]):
        return value[1:]
    return value


# --- Reading files safely ---------------------------------------------------------------------


class ImportFileError(Exception):
    """The file cannot be read; the message is safe and useful to show."""


NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_ZIP_MEMBERS = 500
MAX_COMPRESSION_RATIO = 200  # real sheets compress 5-30x; bombs 1,000x and more
CHUNK = 256 * 1024


def max_uncompressed_bytes() -> int:
    return settings.IMPORT_MAX_BYTES * 20


@dataclass
class Table:
    """A parsed file: header cells, then (spreadsheet row number, cells) for each non-empty row."""

    headers: list
    rows: object  # iterator of (number, list)
    declared_rows: int = 0


def check_size(size: int) -> None:
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
        )


def open_table(path, name: str) -> Table:
    """Open an uploaded .xlsx or .csv (UTF-8 or GBK/GB18030) after the safety checks."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        handle.seek(0, io.SEEK_END)
        check_size(handle.tell())
    lowered = name.lower()
    if head.startswith(b"PK") or lowered.endswith((".xlsx", ".xlsm")):
        return _open_xlsx(path)
    if lowered.endswith((".csv", ".txt")):
        return _open_csv(path)
    if lowered.endswith(".xls") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old .xls workbooks cannot be read: save the sheet as .xlsx or CSV in Excel and upload that."))
    raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file."))


def _row_limit_error():
    return ImportFileError(
        _("The file has more than %(limit)s rows: split it into smaller files.") % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"}
    )


def _limited(rows):
    for count, row in enumerate(rows, start=1):
        if count > settings.IMPORT_MAX_ROWS:
            raise _row_limit_error()
        yield row


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK, what Excel in China saves)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK text: save it again as “CSV UTF-8” in Excel."))


def _open_csv(path) -> Table:
    with open(path, "rb") as handle:
        text = decode_text(handle.read())
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, [])
    except csv.Error:
        raise ImportFileError(_("The CSV file is malformed.")) from None
    data_lines = text.count("\n")
    if data_lines > settings.IMPORT_MAX_ROWS + 1:
        raise _row_limit_error()

    def rows():
        try:
            for number, cells in enumerate(reader, start=2):
                if any(cell.strip() for cell in cells):
                    yield number, cells
        except csv.Error as error:
            raise ImportFileError(_("The CSV file is malformed near line %(line)s.") % {"line": reader.line_num}) from error

    return Table(headers=headers, rows=_limited(rows()), declared_rows=max(0, data_lines - 1))


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose declared sizes betray a decompression bomb, before reading it."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(_("The workbook has too many parts to be a customer sheet."))
    total = sum(member.file_size for member in members)
    if total > max_uncompressed_bytes():
        raise ImportFileError(_("The workbook would unpack to more than %(limit)s: refused.") % {
            "limit": filesizeformat(max_uncompressed_bytes())})
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise ImportFileError(_("The workbook is compressed suspiciously well (a “zip bomb”?): refused."))


def _read_part(archive, name, limit=8 * 1024 * 1024):
    """A small workbook part, parsed by defusedxml (no DTDs, no entities)."""
    try:
        with archive.open(name) as handle:
            data = handle.read(limit + 1)
    except KeyError:
        return None
    if len(data) > limit:
        raise ImportFileError(_("The workbook is malformed."))
    return safe_fromstring(data)


def _prolog_is_safe(data: bytes) -> bool | None:
    """True when the XML before the root element holds only an XML declaration, processing
    instructions, comments and whitespace; False on anything else (a DOCTYPE, where entities
    would be declared); None when `data` ends before the root element starts."""
    position = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while position < len(data) and data[position:position + 1] in (b" ", b"\t", b"\r", b"\n"):
            position += 1
        rest = data[position:]
        if len(rest) < 2 or (rest.startswith(b"<!") and len(rest) < 4):
            return None
        if rest.startswith(b"<?") or rest.startswith(b"<!--"):
            closing = b"?>" if rest.startswith(b"<?") else b"-->"
            end = rest.find(closing)
            if end < 0:
                return None
            position += end + len(closing)
            continue
        return rest[:1] == b"<" and (rest[1:2].isalpha() or rest[1:2] == b"_")


def _safe_stream(handle):
    """Yield the bytes of an XML part, refusing a DOCTYPE (the only place entities can be declared)
    so the fast C parser cannot be led into entity expansion or external fetches."""
    prolog = b""
    while prolog is not None:
        chunk = handle.read(CHUNK)
        prolog += chunk
        verdict = _prolog_is_safe(prolog)
        if verdict is None and chunk and len(prolog) < 64 * 1024:
            continue
        if not verdict:
            raise ImportFileError(_("The workbook is malformed."))
        yield prolog
        prolog = None
    while chunk := handle.read(CHUNK):
        yield chunk


def _iter_elements(handle, tags):
    """Stream `end` events for the given tags with the C XML parser."""
    parser = XMLPullParser(events=("end",))
    for chunk in _safe_stream(handle):
        parser.feed(chunk)
        for _event, element in parser.read_events():
            if element.tag in tags:
                yield element
    parser.close()
    for _event, element in parser.read_events():
        if element.tag in tags:
            yield element


def _text_of(element) -> str:
    return "".join(node.text or "" for node in element.iter(NS + "t"))


def _date_styles(archive) -> set:
    """Indexes of cell styles whose number format is a date."""
    styles = _read_part(archive, "xl/styles.xml")
    if styles is None:
        return set()
    custom = {int(fmt.get("numFmtId")): fmt.get("formatCode", "") for fmt in styles.iter(NS + "numFmt")}
    cell_xfs = styles.find(NS + "cellXfs")
    dates = set()
    for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
        fmt_id = int(xf.get("numFmtId", 0))
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
        if code and is_date_format(code):
            dates.add(index)
    return dates


def _first_sheet_path(archive) -> str:
    workbook = _read_part(archive, "xl/workbook.xml")
    rels = _read_part(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx)."))
    sheet = workbook.find(f"{NS}sheets/{NS}sheet")
    if sheet is None:
        raise ImportFileError(_("The workbook has no sheet."))
    rel_id = sheet.get(REL_NS + "id")
    for rel in rels.iter(PKG_REL_NS + "Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "").lstrip("/")
            return target if target.startswith("xl/") else "xl/" + target
    raise ImportFileError(_("The workbook is malformed."))


def _declared_rows(archive, sheet_path) -> int:
    """The row count the sheet declares (<dimension ref="A1:P100001"/>), read from its first bytes."""
    with archive.open(sheet_path) as handle:
        head = handle.read(64 * 1024)
    match = re.search(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return int(match.group(1)) if match else 0


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


def _number(text: str):
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else text


def _open_xlsx(path) -> Table:
    try:
        archive = zipfile.ZipFile(path)
        _check_archive(archive)
        sheet_path = _first_sheet_path(archive)
        declared = _declared_rows(archive, sheet_path)
        if declared > settings.IMPORT_MAX_ROWS + 1:
            raise _row_limit_error()
        shared = []
        if "xl/sharedStrings.xml" in archive.namelist():
            with archive.open("xl/sharedStrings.xml") as handle:
                for element in _iter_elements(handle, {NS + "si"}):
                    shared.append(_text_of(element))
                    element.clear()
        date_styles = _date_styles(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError, SyntaxError):
        raise ImportFileError(_("The file is not a readable Excel workbook (.xlsx).")) from None

    def cells_of(row_element):
        cells = []
        for cell in row_element:
            if cell.tag != NS + "c":
                continue
            ref, kind = cell.get("r"), cell.get("t")
            if ref:
                position = _column_index(ref)
                if position > 1000:
                    continue
                cells.extend([None] * (position - len(cells)))
            if kind == "inlineStr":
                value = _text_of(cell)
            else:
                raw = cell.findtext(NS + "v")
                if raw is None:
                    value = None
                elif kind == "s":
                    value = shared[int(raw)]
                elif kind in ("str", "e"):
                    value = raw
                elif kind == "b":
                    value = "TRUE" if raw == "1" else "FALSE"
                elif cell.get("s") and int(cell.get("s")) in date_styles:
                    value = from_excel(float(raw))
                else:
                    value = _number(raw)
            cells.append(value)
        return cells

    def rows():
        try:
            with archive.open(sheet_path) as handle:
                for element in _iter_elements(handle, {NS + "row"}):
                    number = int(element.get("r") or 0)
                    cells = cells_of(element)
                    element.clear()
                    yield number, cells
        except (zipfile.BadZipFile, KeyError, ValueError, IndexError, EOFError, SyntaxError, OverflowError):
            raise ImportFileError(_("The workbook is malformed.")) from None
        finally:
            archive.close()

    stream = _limited(rows())
    headers = []
    for number, cells in stream:
        if any(cell not in (None, "") for cell in cells):
            headers = cells
            break
    body = ((number, cells) for number, cells in stream if any(cell not in (None, "") for cell in cells))
    return Table(headers=headers, rows=body, declared_rows=max(0, declared - 1))


# --- Cleaning and classifying rows -------------------------------------------------------------


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

    @property
    def reason(self) -> str:
        if self.errors:
            return "; ".join(f"{COLUMNS_BY_FIELD[name].label if name in COLUMNS_BY_FIELD else name}: {text}"
                             for name, text in self.errors.items())
        return self.message


def column_map(headers) -> dict:
    """Field -> index of its column; unknown columns are ignored."""
    mapping = {}
    for index, header in enumerate(headers):
        found = match_header(header)
        if found and found not in mapping:
            mapping[found] = index
    return mapping


def ignored_headers(headers) -> list[str]:
    return [str(header) for header in headers if header not in (None, "") and match_header(header) is None]


class RowCleaner:
    """Turns cells into customer values with the resource's widgets, collecting a reason per bad cell."""

    def __init__(self, headers):
        self.mapping = {name: index for name, index in column_map(headers).items() if name in IMPORTED_FIELDS}
        if "name" not in self.mapping:
            raise ImportFileError(_("The file has no “Name” (客户名称) column. Download the template to see the headers."))
        resource = CustomerResource()
        self.widgets = {name: resource.fields[name].widget for name in self.mapping}
        self.present = set(self.mapping)

    def clean(self, number, cells) -> Row:
        values, errors = {}, {}
        for name, index in self.mapping.items():
            raw = unneutralise(cells[index] if index < len(cells) else None)
            if isinstance(raw, str):
                raw = raw.strip()
            try:
                value = self.widgets[name].clean(raw)
            except (ValueError, ValidationError) as error:
                errors[name] = error.messages[0] if isinstance(error, ValidationError) else str(error)
                continue
            if value is None and name not in ("last_contact_at", "next_contact_on"):
                value = ""
            if isinstance(value, str):
                limit = COLUMNS_BY_FIELD[name].max_length
                if limit and len(value) > limit:
                    errors[name] = _("At most %(limit)s characters.") % {"limit": limit}
                    continue
            values[name] = value
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
        return row


def _name_key(values):
    name, company = values.get("name", "").strip().upper(), values.get("company", "").strip().upper()
    return (name, company) if name and company else None


def classify(rows: list[Row], *, viewer) -> None:
    """Label every valid row new / duplicate (mine, a colleague's, in the pool), and repeated rows
    of the file invalid. Existing customers are preloaded in two queries, not one per row."""
    phones, names = set(), set()
    for row in rows:
        if row.label == Label.INVALID:
            continue
        row.values["_phone_key"] = normalize_phone(row.values.get("phone", ""))
        if row.values["_phone_key"]:
            phones.add(row.values["_phone_key"])
        if _name_key(row.values):
            names.add(_name_key(row.values))
    by_phone, by_name, customers = _existing(phones, names)
    messages = {}
    seen_phone, seen_name = {}, {}
    for row in rows:
        if row.label == Label.INVALID:
            continue
        phone_key, name_key = row.values.pop("_phone_key"), _name_key(row.values)
        earlier = seen_phone.get(phone_key) if phone_key else None
        if earlier is None and name_key:
            earlier = seen_name.get(name_key)
        if earlier is not None:
            row.label = Label.INVALID
            row.errors["phone" if phone_key and phone_key in seen_phone else "name"] = _(
                "Repeats row %(row)s of this file.") % {"row": earlier}
            continue
        if phone_key:
            seen_phone[phone_key] = row.number
        if name_key:
            seen_name[name_key] = row.number
        duplicate_id = by_phone.get(phone_key) if phone_key else None
        if duplicate_id is None and name_key:
            duplicate_id = by_name.get(name_key)
        if duplicate_id is None:
            continue
        duplicate = customers[duplicate_id]
        row.duplicate_id = duplicate_id
        if duplicate.owner_id is None:
            row.label = Label.POOL
        elif duplicate.owner_id == viewer.pk:
            row.label = Label.MINE
        else:
            row.label = Label.COLLEAGUE
        phone = row.values.get("phone", "")
        cache_key = (duplicate_id, bool(phone_key) and duplicate.normalized_phone == phone_key)
        if cache_key not in messages:
            messages[cache_key] = duplicate_message(duplicate, phone=phone, viewer=viewer)
        row.message = messages[cache_key]


def _existing(phones: set, names: set):
    """Existing customers sharing a phone or a name and company with the file, in two queries."""
    found = {}
    with connection.cursor() as cursor:
        if phones:
            cursor.execute(
                "SELECT id, number, owner_id, normalized_phone, upper(name), upper(company) FROM crm_customer "
                "WHERE normalized_phone = ANY(%s)", [list(phones)])
            found.update({row[0]: row for row in cursor.fetchall()})
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
        customer.normalized_phone = phone_key
        customers[pk] = customer
        if phone_key:
            by_phone.setdefault(phone_key, pk)
        by_name.setdefault((name.strip(), company.strip()), pk)
    return by_phone, by_name, customers


def read_rows(table: Table, *, progress=None, every=5000):
    """Clean every row of an opened table; returns (rows, cleaner)."""
    cleaner = RowCleaner(table.headers)
    rows = []
    # The rows make no reference cycles; without this the cyclic collector re-walks every row
    # already read, again and again: 21 s instead of 7 s for 100,000 rows.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number, cells in table.rows:
            rows.append(cleaner.clean(number, cells))
            if progress and len(rows) % every == 0:
                progress(len(rows))
    finally:
        if collecting:
            gc.enable()
    return rows, cleaner


# --- Writing spreadsheets -----------------------------------------------------------------------

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# A raw CR or tab in a cell would be read back as a space or LF: keep them as character references.
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", "\t": "&#9;"})


def _cell_xml(value, header=False) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"<c><v>{value}</v></c>"
    text = str(value)
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    style = ' s="1"' if header else ""
    space = ' xml:space="preserve"' if text[0] in " \n\t\r" or text[-1] in " \n\t\r" or "\n" in text else ""
    return f'<c t="inlineStr"{style}><is><t{space}>{text.translate(_XML_ESCAPES)}</t></is></c>'


class XlsxWriter:
    """Streams rows of text into a one-sheet .xlsx (inline strings, bold header, frozen first row).

    openpyxl's write-only mode spends ~200 µs a row here (20 s for 100,000 rows); this writes the
    same SpreadsheetML straight to the zip stream.
    """

    def __init__(self, target, *, sheet_name="Sheet1"):
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3)
        self.zip.writestr("[Content_Types].xml", _CONTENT_TYPES)
        self.zip.writestr("_rels/.rels", _ROOT_RELS)
        self.zip.writestr("xl/workbook.xml", _WORKBOOK.format(name=xml_escape(sheet_name[:31])))
        self.zip.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        self.zip.writestr("xl/styles.xml", _STYLES)
        self.sheet = self.zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self.sheet.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews>'
            b'<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            b"</sheetView></sheetViews><sheetData>"
        )
        self.buffer = []
        self.rows = 0

    def header(self, cells):
        self._append(cells, header=True)

    def append(self, cells):
        self._append(cells)

    def _append(self, cells, header=False):
        self.rows += 1
        self.buffer.append(f'<row r="{self.rows}">{"".join(_cell_xml(cell, header) for cell in cells)}</row>')
        if len(self.buffer) >= 2000:
            self._flush()

    def _flush(self):
        self.sheet.write("".join(self.buffer).encode("utf-8"))
        self.buffer = []

    def close(self):
        self._flush()
        self.sheet.write(b"</sheetData></worksheet>")
        self.sheet.close()
        self.zip.close()


class CsvWriter:
    """UTF-8 with a BOM, so Excel in China opens the Chinese text ungarbled."""

    def __init__(self, target):
        self.target = io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=True)
        self.writer = csv.writer(self.target)
        self.rows = 0

    def header(self, cells):
        self.append(cells)

    def append(self, cells):
        self.rows += 1
        self.writer.writerow(["" if cell is None else cell for cell in cells])

    def close(self):
        self.target.flush()
        self.target.detach()


def template_headers() -> list[str]:
    """Both languages in one header cell, e.g. "客户名称 / Name"."""
    with translation.override("en"):
        return [f"{column.chinese} / {column.label}" for column in COLUMNS if column.imported]


def error_rows_headers(headers) -> list:
    return [*headers, _("Row"), _("Reason")]
