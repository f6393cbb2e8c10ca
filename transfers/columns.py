"""The customer spreadsheet's columns (SPEC §1.C, §1.D), and the cells' conversions both ways.

django-import-export's CustomerResource names the columns (in the reader's language) and its
widgets turn cells into values and back. tablib escapes only a leading "=" and builds every cell
in memory, so rows are neutralised here for = + - @ tab and CR (CWE-1236) and streamed by
transfers.writer. Reading files is transfers.reader; cleaning and classifying rows,
transfers.rows.
"""

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields as ie_fields
from import_export import resources, widgets

from accounts.models import User
from companylists import grades, lists
from contacts import selectors as contact_selectors
from crm.models import Customer
from customfields import kinds
from customfields.models import FieldDefinition

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
class CompanyGrades:
    """The company's grades (companylists) as a column's choices: an import takes an active grade
    by its key or its label in either language (a retired one is refused, with the offered ones
    named); an export writes any grade's label, a retired one's too."""

    class Label:
        """A grade's label read in the language active when it is turned into text."""

        def __init__(self, grade):
            self.grade = grade

        def __str__(self):
            return self.grade.label

    @property
    def choices(self):
        return [(grade.key, self.Label(grade)) for grade in grades.all_grades() if grade.active]

    @property
    def all_choices(self):
        return [(grade.key, self.Label(grade)) for grade in grades.all_grades()]


class CompanyList(CompanyGrades):
    """One of the company's simple lists (companylists.lists: sources) as a column's choices."""

    def __init__(self, list_name):
        self.list_name = list_name

    @property
    def choices(self):
        return [(entry.key, self.Label(entry)) for entry in lists.entries(self.list_name) if entry.active]

    @property
    def all_choices(self):
        return [(entry.key, self.Label(entry)) for entry in lists.entries(self.list_name)]


CHOICE_FIELDS = {"type": Customer.Type, "grade": CompanyGrades(), "source": CompanyList(lists.SOURCE),
                 "gender": Customer.Gender}
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
            return grades.default_key() if self.field_name == "grade" else Customer._meta.get_field(self.field_name).default
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
            self.labels = {key: str(label) for key, label in getattr(self.choices, "all_choices", self.choices.choices)}
        return self.labels.get(value, value)


class IndustryWidget(widgets.CharWidget):
    """Any text; a listed industry (key or label, either language) as the text customers store
    for it (companylists.lists); exported in the reader's language. The list is read once."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)
        self.stored = self.shown = None

    def clean(self, value, row=None, **kwargs):
        text = (super().clean(value, row, **kwargs) or "").strip()
        if self.stored is None:
            self.stored = {word.lower(): lists.industry_stored(e.key) for e in lists.entries(lists.INDUSTRY)
                           if e.active for word in (e.key, e.label_zh_hans, e.label_en)}
        return self.stored.get(text.lower(), text)

    def render(self, value, obj=None, **kwargs):
        if self.shown is None:
            self.shown = {e.label_zh_hans: e.label for e in lists.entries(lists.INDUSTRY)}
        return self.shown.get(value or "", value or "")


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

    def __init__(self, *, custom=(), **kwargs):
        """`custom`: the custom-field definitions the reader may see (customfields.registry), last."""
        super().__init__(**kwargs)
        self.custom = list(custom)
        for column in COLUMNS:
            if column.field in CHOICE_FIELDS:
                widget = ChoiceLabelWidget(column.field)
            elif column.field in ("last_contact_at", "created_at"):
                widget = LenientDateWidget(with_time=True)
            elif column.field == "next_contact_on":
                widget = LenientDateWidget()
            elif column.field == "owner":
                widget = OwnerWidget()
            elif column.field == "industry":
                widget = IndustryWidget()
            else:
                widget = widgets.CharWidget(allow_blank=True)
            self.fields[column.field] = ie_fields.Field(attribute=column.field, column_name=str(column.label), widget=widget)

    def headers(self) -> list[str]:
        # The customer's contacts, one cell, last (export only: an import ignores the column).
        return (self.get_export_headers() + [_("Contacts (name, job title, phones)")]
                + [definition.label for definition in self.custom])

    def export_rows(self, customers, chunk_size=5000):
        """Every customer of the queryset as neutralised cells, fast: plain values rather than model
        instances (ModelResource.export builds a model and a dehydrate lookup per cell, ~4x slower),
        rendered by the same widgets; then the customer's contacts in one cell."""
        owner_name = person_name_of("owner")
        plan = [("owner_name" if column.field == "owner" else column.field, self.fields[column.field].widget.render)
                for column in COLUMNS]
        fields = [column.field for column in COLUMNS if column.field != "owner"]
        if self.custom:
            fields.append("custom")
        people = _people_of(self.custom)
        rows = customers.values(*fields, owner_name=owner_name, contacts_text=contact_selectors.contacts_text())
        for row in rows.iterator(chunk_size=chunk_size):
            custom = [neutralise(kinds.display(d, row["custom"].get(d.key), people_by_id=people)) for d in self.custom]
            yield [neutralise(render(row[name])) for name, render in plan] + [neutralise(row["contacts_text"] or "")] \
                + custom


def _people_of(definitions) -> dict | None:
    """Everyone a person-kind column may name, read once per export (never per row)."""
    if not any(d.kind == FieldDefinition.Kind.PERSON for d in definitions):
        return None
    return {person.pk: person for person in User.objects.all()}


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


class ChoiceLabelOf(widgets.Widget):
    """Any TextChoices value shown by its label in the reader's language (export only)."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


def widget_for(kind):
    """The widget of another app's declared export column: "text", "datetime" or a TextChoices."""
    if kind == "datetime":
        return LenientDateWidget(with_time=True)
    if kind == "text":
        return widgets.CharWidget()
    return ChoiceLabelOf(kind)


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


def template_headers() -> list[str]:
    """Both languages in one header cell, e.g. "客户名称 / Name"."""
    with translation.override("en"):
        return [f"{column.chinese} / {column.label}" for column in COLUMNS if column.imported]
