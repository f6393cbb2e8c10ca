"""customfields.kinds.cell_parser (the import's reader of a column) gives exactly what parse()
gives, value or refusal, whether a cell takes its fast path or the form field's way."""

import pytest
from django.core.exceptions import ValidationError

from customfields import kinds
from customfields.models import FieldDefinition

Kind = FieldDefinition.Kind
CHOICES = [{"key": "retail", "zh_hans": "零售", "en": "Retail"}, {"key": "factory", "zh_hans": "制造", "en": "Manufacturing"}]
CELLS = {
    Kind.TEXT: ["wx_1", "  spaced  ", "", "x" * 200, "x" * 201, "a\x00b", "微信号"],
    Kind.LONG_TEXT: ["line", "x" * 5000, "x" * 5001],
    Kind.NUMBER: ["1234", "-0", "007", "1.5", "1.1234567", "123456789012", "1234567890123", "1e5", "abc", ""],
    Kind.MONEY: ["12.5", "12.50", "12.505", "-3", "9999999999999999", "99999999999999999", "1,000"],
    Kind.DATE: ["2026-03-01", "2026-02-30", "1899-12-31", "2999-12-31", "3000-01-01", "2026/03/01", "03/01/2026"],
    Kind.PHONE: ["13512345678", "021-5555 1234", "+86 135 1234 5678", "123", "abc", "1" * 41],
    Kind.EMAIL: ["a.b@example.cn", "A+b@sub.example.com", "a@Example.cn", "a@b", "a@@b.cn", "a b@c.cn", "a@-b.cn"],
    Kind.URL: ["https://www.example.cn", "http://a.cn/x/y.html", "www.example.cn", "ftp://x.cn", "https://a", "not a url"],
    Kind.CHOICE: ["零售", "Retail", "retail", "RETAIL", "制造,零售", "批发", ""],
    Kind.MULTI_CHOICE: ["零售、制造", "零售,零售", "零售，Manufacturing", "批发", "零售、批发", ""],
}


def _outcome(parse, text):
    try:
        return "ok", parse(text)
    except ValidationError as error:
        return "refused", error.messages


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CELLS))
@pytest.mark.parametrize("required", [False, True])
def test_the_fast_path_agrees_with_parse(kind, required):
    definition = FieldDefinition(target="customer", key="k", kind=kind, label_zh_hans="字段", label_en="Field",
                                 choices=CHOICES, required=required)
    fast = kinds.cell_parser(definition)
    for text in CELLS[kind]:
        slow_outcome = _outcome(lambda t: kinds.parse(definition, t), text)
        fast_outcome = _outcome(fast, text)
        if text == "" and required:
            # An empty required cell: the import's own check names it; either refusal or nothing.
            assert fast_outcome[0] == "refused" or fast_outcome[1] is None
            continue
        assert fast_outcome == slow_outcome, (kind, text)
