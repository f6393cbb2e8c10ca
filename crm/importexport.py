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
import functools
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
from common.phones import normalize_phone, validate_phone
from crm.models import Customer
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
    Column("number", gettext_lazy("Customer number"), "客户编号", ("编号", "客户号", "no", "number", "customer no"), imported=False),
    Column("name", gettext_lazy("Name"), "客户名称", (
        "姓名", "客户姓名", "客户名", "名称", "名字", "客户", "联系人", "联系人姓名", "客户联系人",
        "customer name", "customer", "contact", "contact name", "contact person", "full name"), 100),
    Column("company", gettext_lazy("Company"), "公司", (
        "公司名称", "公司名", "单位", "单位名称", "工作单位", "企业", "企业名称", "所属公司", "organization",
        "organisation", "company name", "firm", "employer", "account"), 200),
    Column("job_title", gettext_lazy("Job title"), "职务", ("职位", "职称", "岗位", "头衔", "title", "position", "role"), 100),
    Column("phone", gettext_lazy("Phone"), "电话", (
        "手机", "手机号", "手机号码", "联系电话", "联系方式", "联系号码", "移动电话", "座机", "固话", "固定电话",
        "电话号码", "办公电话", "mobile", "mobile phone", "cell", "cellphone", "telephone", "tel", "phone number",
        "contact number"), 30),
    Column("address", gettext_lazy("Address"), "地址", ("联系地址", "通讯地址", "详细地址", "公司地址", "所在地", "addr"), 255),
    Column("type", gettext_lazy("Type"), "客户类型", ("类型", "客户类别", "类别", "customer type", "category"), 20),
    Column("grade", gettext_lazy("Grade"), "等级", ("客户等级", "级别", "客户级别", "level", "rating", "customer grade"), 10),
    Column("source", gettext_lazy("Source"), "来源", ("客户来源", "渠道", "来源渠道", "获客渠道", "channel", "lead source"), 20),
    Column("industry", gettext_lazy("Industry"), "行业", ("所属行业", "行业类别", "sector"), 100),
    Column("gender", gettext_lazy("Gender"), "性别", ("sex",), 10),
    Column("notes", gettext_lazy("Negotiation notes"), "洽谈记录", (
        "备注", "洽谈内容", "沟通记录", "跟进记录", "说明", "notes", "note", "remarks", "remark", "comments", "memo"), 20000),
    Column("last_contact_at", gettext_lazy("Last contact"), "最后联系时间", (
        "最后联系日期", "上次联系", "上次联系时间", "最近联系", "最近联系时间", "last contact date", "last contacted"), 50),
    Column("next_contact_on", gettext_lazy("Next contact date"), "下次联系日期", (
        "下次联系", "下次联系时间", "下次跟进", "下次跟进日期", "next contact", "next follow-up", "follow-up date"), 50),
    Column("owner", gettext_lazy("Salesperson"), "销售员", ("业务员", "所属销售", "owner"), imported=False),
    Column("created_at", gettext_lazy("Created"), "创建时间", ("created time",), imported=False),
]
COLUMNS_BY_FIELD = {column.field: column for column in COLUMNS}
IMPORTED_FIELDS = [column.field for column in COLUMNS if column.imported]
MAX_CELL_CHARS = max(column.max_length or 0 for column in COLUMNS) + 1  # one more: "too long" still shows
QUOTE_CHARS = 50  # what an error message quotes of a cell
PREVIEW_CHARS = 50  # what the preview shows of a cell
IGNORED_CELL_CHARS = 200  # what the error workbook gives back of a column that is not imported


def quoted(value) -> str:
    """A cell as an error message quotes it: at most QUOTE_CHARS characters."""
    text = str(value)[:QUOTE_CHARS + 1].replace("\x00", "")
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def shown(value, limit=PREVIEW_CHARS) -> str:
    """A cell as the preview shows it."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    text = str(value)[:limit + 1].replace("\x00", "")
    return text if len(text) <= limit else text[:limit] + "…"
CHOICE_FIELDS = {"type": Customer.Type, "grade": Customer.Grade, "source": Customer.Source, "gender": Customer.Gender}
EXTRA_CHOICE_WORDS = {
    "gender": {"男": "male", "女": "female", "先生": "male", "女士": "female", "m": "male", "f": "female"},
    "type": {"准客户": "prospect", "意向客户": "intention", "暂停客户": "suspended", "意向": "intention", "暂停": "suspended"},
    "grade": {"普通": "normal", "重要": "vip", "vip客户": "vip"},
    "source": {"自己联系": "self", "广告媒体": "advertising", "朋友介绍": "referral"},
}


def _key(text) -> str:
    return re.sub(r"[\s*_:：.\-]+", "", str(text or "")).lower()


@functools.lru_cache(maxsize=1)
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
    """The field a header names, in English or Chinese ("客户名称", "Name", "客户名称 / Name",
    "手机号码（必填）"); failing that, the field of the longest alias the header contains."""
    lookup = _header_lookup()
    key = _key(text)
    if not key or len(key) > 100:
        return None
    if key in lookup:
        return lookup[key]
    for part in re.split(r"[/|()（）\[\]【】,，]", str(text or "")):
        if _key(part) in lookup:
            return lookup[_key(part)]
    # A Chinese compound names its thing last (联系人电话 is a phone): an alias ending the header
    # first, else one it contains; the longest wins, a tie between two fields decides nothing.
    for matches in (lambda alias: key.endswith(alias), lambda alias: alias in key):
        found = sorted(((len(alias), field) for alias, field in lookup.items() if len(alias) >= 2 and matches(alias)),
                       reverse=True)
        if found:
            best = [field for length, field in found if length == found[0][0]]
            return best[0] if len(set(best)) == 1 else None
    return None


def guess_columns(headers, saved: dict | None = None) -> list[str]:
    """The field each column goes to ("" = ignored): a saved mapping's choice for a header it
    knows, else the header's alias; each field at most once (the first column wins)."""
    columns, used = [], set()
    for header in headers:
        field = None
        if saved is not None and _key(header) in saved:
            field = saved[_key(header)]
        if field is None:
            field = match_header(header)
        if field not in IMPORTED_FIELDS or field in used:
            field = ""
        used.add(field)
        columns.append(field)
    return columns


def mapping_of(headers, columns) -> dict:
    """What a saved mapping keeps: each non-empty header's key and the field chosen for it."""
    return {_key(header): field for header, field in zip(headers, columns) if _key(header)}


def saved_covers(saved: dict, headers) -> bool:
    """True when a saved mapping knows every non-empty header of a file (then it applies by itself)."""
    keys = [_key(header) for header in headers if _key(header)]
    return bool(keys) and all(key in saved for key in keys)


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
            raise ValueError(_("“%(value)s” is not one of: %(choices)s.") % {"value": quoted(text), "choices": offered})
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
            raise ValueError(_("“%(value)s” is not a date (write it as 2026-12-01).") % {"value": quoted(value)})
        parts = [int(part) if part else 0 for part in match.groups()]
        try:
            return datetime(*parts)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a date (write it as 2026-12-01).") % {"value": quoted(value)}) from None

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
CHUNK = 8 * 1024  # small feeds keep few elements alive at once: 5x faster than 256 KB here


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
        if count > settings.IMPORT_MAX_ROWS + 1:  # the header row, then at most IMPORT_MAX_ROWS rows
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
    """Stream the given elements (complete, at their end) with the C XML parser. Each is taken
    out of its parent once the caller is done with it, so the tree never grows with the file
    (100,000 rows left hanging in it made every garbage collection walk them all)."""
    parser = XMLPullParser(events=("start", "end"))
    open_elements = []

    def wanted():
        for event, element in parser.read_events():
            if event == "start":
                open_elements.append(element)
                continue
            open_elements.pop()
            if element.tag in tags:
                yield element
                element.clear()
                if open_elements:
                    open_elements[-1].remove(element)

    for chunk in _safe_stream(handle):
        parser.feed(chunk)
        yield from wanted()
    parser.close()
    yield from wanted()


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
                    # Cut once here: a cell that repeats a huge shared string then costs one pointer.
                    shared.append(_text_of(element)[:MAX_CELL_CHARS])
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
                value = _text_of(cell)[:MAX_CELL_CHARS]
            else:
                raw = cell.findtext(NS + "v")
                if raw is None:
                    value = None
                elif kind == "s":
                    value = shared[int(raw)]
                elif kind in ("str", "e"):
                    value = raw[:MAX_CELL_CHARS]  # a formula's cached result, never the formula
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
                    yield number, cells_of(element)
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
    cells: list | None = None  # the mapped cells as the preview shows them

    @property
    def reason(self) -> str:
        if self.errors:
            return "; ".join(f"{COLUMNS_BY_FIELD[name].label if name in COLUMNS_BY_FIELD else name}: {text}"
                             for name, text in self.errors.items())
        return self.message


def field_choices():
    """The fields a column may go to, for the mapping step ("" = ignore the column)."""
    return [("", _("Ignore this column"))] + [(column.field, column.label) for column in COLUMNS if column.imported]


def ignored_headers(headers, columns) -> list[str]:
    return [shown(header) for header, field in zip(headers, columns) if header not in (None, "") and not field]


class RowCleaner:
    """Turns cells into customer values with the resource's widgets, collecting a reason per bad
    cell. `columns`: the field of each column of the file, "" for a column left out."""

    def __init__(self, columns, *, preview=False):
        self.mapping = {name: index for index, name in enumerate(columns) if name in IMPORTED_FIELDS}
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
            row.cells = [shown(cells[index] if index < len(cells) else None) for index in self.mapping.values()]
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

    def __init__(self, *, viewer):
        self.viewer = viewer
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
