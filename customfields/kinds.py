"""The one place that turns a field definition into what each part of the CRM needs: a form
field (validation by kind), the stored JSON value, a display value, an import parser, an export
cell, a list filter and a search text.

A value is stored as JSON: text as a string, number and money as a decimal string ("12.50"),
a date or date-time in ISO format, yes/no as true/false, a choice as its key, multiple choices
as a list of keys, a person as the user's id.
"""

import re
from datetime import date, datetime
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import DecimalField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.phones import validate_phone
from common.timewindows import EARLIEST_DAY, LATEST_DAY, DayField, MomentField
from customfields.models import FieldDefinition

Kind = FieldDefinition.Kind

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
NUMBER_DIGITS = 18
YES = {"1", "true", "yes", "y", "是", "对", "有", "✓"}
NO = {"0", "false", "no", "n", "否", "不", "无", ""}


def people():
    return User.objects.filter(is_active=True).order_by("username")


def form_field(definition: FieldDefinition, *, required: bool | None = None) -> forms.Field:
    """The form field that validates a value of this definition."""
    options = {
        "label": definition.label,
        "required": definition.required if required is None else required,
        "help_text": conditional_escape(definition.help_text),  # includes/_form.html marks it safe
    }
    kind = definition.kind
    if kind == Kind.TEXT:
        return forms.CharField(max_length=SHORT_TEXT_MAX, **options)
    if kind == Kind.LONG_TEXT:
        return forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **options)
    if kind == Kind.NUMBER:
        return forms.DecimalField(max_digits=NUMBER_DIGITS, decimal_places=6, localize=False, **options)
    if kind == Kind.MONEY:
        return forms.DecimalField(max_digits=NUMBER_DIGITS, decimal_places=2, localize=False,
                                  widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}), **options)
    if kind == Kind.DATE:
        return DayField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    if kind == Kind.DATETIME:
        return MomentField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                           **options)
    if kind == Kind.BOOLEAN:
        if options["required"]:  # a required yes/no means "answer it", not "tick it"
            return forms.TypedChoiceField(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
                                          coerce=lambda v: v == "true", empty_value=None, **options)
        return forms.BooleanField(**options)
    if kind == Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *definition.choice_labels().items()], **options)
    if kind == Kind.MULTI_CHOICE:
        return forms.MultipleChoiceField(choices=list(definition.choice_labels().items()),
                                         widget=forms.CheckboxSelectMultiple, **options)
    if kind == Kind.PHONE:
        return forms.CharField(max_length=40, validators=[validate_phone],
                               widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}), **options)
    if kind == Kind.EMAIL:
        return forms.EmailField(max_length=254, **options)
    if kind == Kind.URL:
        return forms.URLField(max_length=500, assume_scheme="https", **options)
    if kind == Kind.PERSON:
        return forms.ModelChoiceField(queryset=people(), **options)
    raise ValueError(f"unknown kind {kind!r}")


def to_json(definition: FieldDefinition, value):
    """A cleaned form value as stored in the jsonb column (None when empty)."""
    if value is None or value == "" or value == []:
        return None
    kind = definition.kind
    if kind == Kind.MONEY:
        return f"{value:.2f}"
    if kind == Kind.NUMBER:
        return format(value.normalize(), "f")
    if kind == Kind.DATE:
        return value.isoformat()
    if kind == Kind.DATETIME:
        return timezone.localtime(value).isoformat(timespec="minutes")
    if kind == Kind.PERSON:
        return value.pk
    if kind == Kind.BOOLEAN:
        return bool(value) if definition.required else (True if value else None)
    if kind == Kind.MULTI_CHOICE:
        return list(value)
    return value


def initial(definition: FieldDefinition, stored):
    """A stored value as the form field's initial value."""
    if stored is None:
        return None
    kind = definition.kind
    if kind in (Kind.NUMBER, Kind.MONEY):
        return Decimal(str(stored))
    if kind == Kind.DATE:
        return parse_date(str(stored))
    if kind == Kind.DATETIME:
        moment = parse_datetime(str(stored))
        return timezone.localtime(moment) if moment else None
    if kind == Kind.BOOLEAN and definition.required:
        return "true" if stored else "false"
    return stored


def _as_input(definition: FieldDefinition, stored):
    """A stored (or service-given) value in the shape a form field accepts as input."""
    if stored is None:
        return None
    kind = definition.kind
    if kind == Kind.BOOLEAN:
        return ("true" if stored is True else "false" if stored is False else stored) if definition.required else stored
    if kind == Kind.DATETIME and isinstance(stored, datetime):
        return timezone.localtime(stored).strftime("%Y-%m-%dT%H:%M")
    if kind == Kind.DATE and isinstance(stored, date):
        return stored.isoformat()
    if kind in (Kind.NUMBER, Kind.MONEY) and not isinstance(stored, (str, int, Decimal)):
        return "not a number"  # a float or a list: refused, never rounded silently
    if kind == Kind.PERSON and isinstance(stored, User):
        return stored.pk
    return stored


def clean(definition: FieldDefinition, value, *, field=None):
    """Validate one value given by a service or the import; the value to store. Raises
    ValidationError whose message names the field. `field`: its form_field, when already built."""
    field = field or form_field(definition)
    try:
        return to_json(definition, field.clean(_as_input(definition, value)))
    except ValidationError as error:
        raise ValidationError(
            _("%(field)s: %(problem)s") % {"field": definition.label, "problem": " ".join(error.messages)},
            code=getattr(error, "code", "invalid"),
        ) from None


def parse(definition: FieldDefinition, text: str, *, field=None):
    """A cell of an imported file: labels of choices and yes/no words are understood too."""
    text = (text or "").strip()
    kind = definition.kind
    if kind == Kind.BOOLEAN:
        word = text.lower()
        if word in YES:
            return clean(definition, "true" if definition.required else True, field=field)
        if word in NO and not (definition.required and not word):
            return clean(definition, "false" if definition.required else False, field=field)
        if word:
            raise ValidationError(_("%(field)s: answer yes or no.") % {"field": definition.label}, code="invalid")
    if kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
        by_label = {}
        for choice in definition.choices or []:
            for name in (choice["key"], choice.get("zh_hans"), choice.get("en")):
                if name:
                    by_label[name.strip().lower()] = choice["key"]
        parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]
        keys = [by_label.get(p.lower(), p) for p in parts]
        return clean(definition, keys if kind == Kind.MULTI_CHOICE else (keys[0] if keys else ""), field=field)
    if kind == Kind.PERSON and text:
        person = people_by_name().get(text.lower())
        return clean(definition, person if person else -1, field=field)
    return clean(definition, text, field=field)


def people_by_name() -> dict:
    """Active people's ids by login and by display name (lower-cased), for reading import cells."""
    found = {}
    for person in people():
        found.setdefault(person.username.lower(), person.pk)
        found.setdefault(person.display_name.lower(), person.pk)
    return found


def cell_parser(definition: FieldDefinition, *, people_ids=None):
    """parse() for every cell of one imported column: the form field is built once, and a person
    is found in `people_ids` (people_by_name()) instead of a query per cell. Returns
    fn(text) -> the value to store (None when empty); ValidationError names the field."""
    if definition.kind != Kind.PERSON:
        field = form_field(definition)
        fast = _fast_path(definition)

        def parse_cell(text):
            if fast is not None and isinstance(text, str):
                value = fast(text.strip())
                if value is not _SLOW:
                    return value
            return parse(definition, text, field=field)

        return parse_cell
    ids = people_ids if people_ids is not None else people_by_name()

    def parse_person(text):
        text = (text or "").strip()
        if not text:
            return None  # a required one missing: the caller's missing_required says so
        if ids.get(text.lower()) is None:
            raise ValidationError(_("%(field)s: “%(value)s” is not a person of the company.")
                                  % {"field": definition.label, "value": text[:50]}, code="invalid_choice")
        return ids[text.lower()]

    return parse_person


def display(definition: FieldDefinition, stored, *, people_by_id=None) -> str:
    """A stored value as a person reads it (lists, detail page, export)."""
    if stored is None or stored == "" or stored == []:
        return ""
    kind = definition.kind
    if kind == Kind.BOOLEAN:
        return str(_("Yes") if stored else _("No"))
    if kind == Kind.CHOICE:
        return definition.choice_labels().get(stored, str(stored))  # a removed choice stays readable
    if kind == Kind.MULTI_CHOICE:
        labels = definition.choice_labels()
        return "、".join(labels.get(key, str(key)) for key in stored)
    if kind == Kind.MONEY:
        return f"¥{formats.number_format(Decimal(str(stored)), 2, force_grouping=True)}"
    if kind == Kind.DATE:
        day = parse_date(str(stored))
        return day.isoformat() if day else str(stored)
    if kind == Kind.DATETIME:
        moment = parse_datetime(str(stored))
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else str(stored)
    if kind == Kind.PERSON:
        person = (people_by_id or {}).get(stored)
        if person is None and people_by_id is None:
            person = User.objects.filter(pk=stored).first()
        return person.display_name if person else str(stored)
    return str(stored)


def search_text(definition: FieldDefinition, stored) -> str:
    """What the search box finds a record by."""
    if definition.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.PHONE, Kind.EMAIL, Kind.URL, Kind.NUMBER):
        return "" if stored is None else str(stored)
    if definition.kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
        return display(definition, stored)
    return ""


def unreadable(probe: FieldDefinition, stored_values) -> int:
    """How many stored values would not be valid under the changed definition `probe`."""
    bad = 0
    for value in stored_values:
        try:
            clean(probe, value)
        except ValidationError:
            bad += 1
    return bad


class _DateRange(django_filters.widgets.DateRangeWidget):
    template_name = "django/forms/widgets/multiwidget.html"  # Django's own (django_filters' app is not installed)


class _NumberRange(django_filters.widgets.RangeWidget):
    template_name = "django/forms/widgets/multiwidget.html"


def filter_for(definition: FieldDefinition, *, column: str = "custom"):
    """The list filter of a definition (django-filter), or None for a kind not filtered."""
    path = f"{column}__{definition.key}"
    kind = definition.kind
    label = definition.label
    select = forms.Select(attrs={"class": "form-select"})
    if kind == Kind.CHOICE:
        return django_filters.ChoiceFilter(field_name=path, choices=list(definition.choice_labels().items()),
                                           label=label, widget=select, method=_is_choice)
    if kind == Kind.MULTI_CHOICE:
        return django_filters.ChoiceFilter(field_name=path, label=label, widget=select,
                                           choices=list(definition.choice_labels().items()), method=_contains_choice)
    if kind == Kind.BOOLEAN:
        return django_filters.BooleanFilter(field_name=path, label=label, method=_is_choice,
                                            widget=forms.NullBooleanSelect(attrs={"class": "form-select"}))
    if kind in (Kind.DATE, Kind.DATETIME):
        widget = _DateRange(attrs={"type": "date", "class": "form-control"})
        return django_filters.DateFromToRangeFilter(field_name=path, label=label, method=_date_range, widget=widget)
    if kind in (Kind.NUMBER, Kind.MONEY):
        widget = _NumberRange(attrs={"class": "form-control", "inputmode": "decimal"})
        return django_filters.RangeFilter(field_name=path, label=label, method=_number_range, widget=widget)
    return None


def _is_choice(queryset, name, value):
    """custom @> {"key": value}: the GIN index (jsonb_path_ops) answers it."""
    column, key = name.split("__", 1)
    return queryset.filter(**{f"{column}__contains": {key: value}}) if value not in (None, "") else queryset


def _contains_choice(queryset, name, value):
    column, key = name.split("__", 1)
    return queryset.filter(**{f"{column}__contains": {key: [value]}}) if value else queryset


def _date_range(queryset, name, value):
    """ISO dates compare as text; a date-time's day is its first ten characters."""
    if not value:
        return queryset
    column, key = name.split("__", 1)
    if value.start:
        queryset = queryset.filter(**{f"{column}__{key}__gte": value.start.isoformat()})
    if value.stop:
        queryset = queryset.filter(**{f"{column}__{key}__lte": value.stop.isoformat() + "T99"})
    return queryset


def _number_range(queryset, name, value):
    if not value:
        return queryset
    column, key = name.split("__", 1)
    number = Cast(KT(f"{column}__{key}"), DecimalField(max_digits=30, decimal_places=6))
    if value.start is not None:
        queryset = queryset.alias(_n=number).filter(_n__gte=value.start)
    if value.stop is not None:
        queryset = queryset.alias(_n=number).filter(_n__lte=value.stop)
    return queryset


# --- The import's fast path ----------------------------------------------------------------------
# A cell in the plainest shape of its kind (2026-03-01, 1234.50, a choice's label...) gives the
# value the form field would, without building the form machinery for each cell (an import reads
# hundreds of thousands); anything else goes the full way (parse). tests/customfields/
# test_kinds.py checks both ways agree.

_SLOW = object()
_NUMBER = re.compile(r"^-?\d{1,12}(?:\.\d{1,6})?$")
_MONEY = re.compile(r"^-?\d{1,16}(?:\.\d{1,2})?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_URL = re.compile(r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?:/[A-Za-z0-9._~/-]*)?$")


def _fast_path(definition: FieldDefinition):
    """fn(stripped text) -> the stored value, or _SLOW when the cell needs the form field."""
    kind = definition.kind
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        limit = SHORT_TEXT_MAX if kind == Kind.TEXT else LONG_TEXT_MAX
        return lambda text: (text or None) if len(text) <= limit and "\x00" not in text else _SLOW
    if kind == Kind.NUMBER:
        return lambda text: format(Decimal(text).normalize(), "f") if _NUMBER.match(text) else _SLOW
    if kind == Kind.MONEY:
        return lambda text: f"{Decimal(text):.2f}" if _MONEY.match(text) else _SLOW
    if kind == Kind.DATE:
        def day(text):
            if not _DAY.match(text):
                return _SLOW
            try:
                value = date.fromisoformat(text)
            except ValueError:
                return _SLOW
            return value.isoformat() if EARLIEST_DAY <= value <= LATEST_DAY else _SLOW
        return day
    if kind == Kind.PHONE:
        def phone(text):
            if not text or len(text) > 40:
                return _SLOW
            try:
                validate_phone(text)
            except ValidationError:
                return _SLOW
            return text
        return phone
    if kind == Kind.EMAIL:
        return lambda text: text if len(text) <= 254 and _EMAIL.match(text) else _SLOW
    if kind == Kind.URL:
        return lambda text: text if len(text) <= 500 and _URL.match(text) else _SLOW
    if kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
        keys = {choice["key"] for choice in definition.choices or []}
        by_label = {}
        for choice in definition.choices or []:
            for name in (choice["key"], choice.get("zh_hans"), choice.get("en")):
                if name:
                    by_label[name.strip().lower()] = choice["key"]  # as parse() does: the last wins

        def choice(text):
            parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]
            found = [by_label.get(p.lower()) for p in parts]
            if not parts or None in found or any(key not in keys for key in found):
                return _SLOW
            if kind == Kind.CHOICE:
                return found[0] if len(found) == 1 else _SLOW
            return list(dict.fromkeys(found)) if len(set(found)) == len(found) else _SLOW
        return choice
    return None
