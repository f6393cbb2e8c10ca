"""Each kind's validation: what a service or the import gives is checked against the definition."""

import pytest
from django.core.exceptions import ValidationError

from customfields import kinds, registry
from customfields.models import FieldDefinition
from tests.customfields.helpers import INDUSTRY_CHOICES, Kind

pytestmark = pytest.mark.django_db


def _definition(kind, **options):
    return FieldDefinition(target="customer", key="f", label_zh_hans="字段", label_en="Field", kind=kind, **options)


@pytest.mark.parametrize(("kind", "value", "stored"), [
    (Kind.TEXT, " 微信 abc ", "微信 abc"),
    (Kind.NUMBER, "12.5000", "12.5"),
    (Kind.MONEY, "1234.5", "1234.50"),
    (Kind.DATE, "2027-01-03", "2027-01-03"),
    (Kind.BOOLEAN, True, True),
    (Kind.PHONE, "138 0013 8000", "138 0013 8000"),
    (Kind.EMAIL, "li@example.cn", "li@example.cn"),
    (Kind.URL, "https://example.cn/a", "https://example.cn/a"),
])
def test_a_good_value_is_stored_in_its_json_shape(kind, value, stored):
    assert kinds.clean(_definition(kind), value) == stored


def test_choices_are_stored_by_key():
    single = _definition(Kind.CHOICE, choices=INDUSTRY_CHOICES)
    multiple = _definition(Kind.MULTI_CHOICE, choices=INDUSTRY_CHOICES)
    assert kinds.clean(single, "retail") == "retail"
    assert kinds.clean(multiple, ["retail", "factory"]) == ["retail", "factory"]
    assert kinds.parse(multiple, "零售、制造") == ["retail", "factory"]


@pytest.mark.parametrize(("kind", "value"), [
    (Kind.NUMBER, "abc"),
    (Kind.NUMBER, 1.5),  # a float is refused, never rounded
    (Kind.MONEY, "12.345"),
    (Kind.DATE, "9999-12-31"),
    (Kind.DATE, "2027-02-30"),
    (Kind.DATETIME, "9999-12-31T10:00"),
    (Kind.EMAIL, "not-an-email"),
    (Kind.PHONE, "call me"),
    (Kind.URL, "javascript:alert(1)"),
    (Kind.TEXT, "x" * 100_000),
    (Kind.LONG_TEXT, "x" * 100_000),
    (Kind.TEXT, "a\x00b"),
    (Kind.CHOICE, "unknown"),
])
def test_a_bad_value_is_refused_with_the_field_named(kind, value):
    definition = _definition(kind, choices=INDUSTRY_CHOICES)
    with pytest.raises(ValidationError) as refused:
        kinds.clean(definition, value)
    assert refused.value.messages[0].startswith("Field:")


def test_an_unknown_person_is_refused(cast):
    definition = _definition(Kind.PERSON)
    assert kinds.clean(definition, cast.sales1.pk) == cast.sales1.pk
    with pytest.raises(ValidationError):
        kinds.clean(definition, 987654)
    assert kinds.display(definition, cast.sales1.pk) == cast.sales1.display_name


def test_an_unknown_key_is_refused_and_empty_values_are_dropped():
    FieldDefinition.objects.create(target="customer", key="wechat", label_zh_hans="微信号", label_en="WeChat",
                                   kind=Kind.TEXT)
    assert registry.clean_values("customer", {"wechat": "abc", }) == {"wechat": "abc"}
    assert registry.clean_values("customer", {"wechat": ""}) == {}
    with pytest.raises(ValidationError):
        registry.clean_values("customer", {"nosuch": "x"})


def test_display_reads_each_kind():
    assert kinds.display(_definition(Kind.MONEY), "1234.50") == "¥1,234.50"
    assert kinds.display(_definition(Kind.BOOLEAN), False) == "No"
    assert kinds.display(_definition(Kind.CHOICE, choices=INDUSTRY_CHOICES), "retail") == "Retail"
    assert kinds.display(_definition(Kind.CHOICE, choices=INDUSTRY_CHOICES), "gone") == "gone"  # stays readable
