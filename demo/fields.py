"""The demo company's own customer fields (issue 23): a WeChat ID (unique, searchable, a list
column), a budget in money, a grade note to choose, a contract end date and a yearly volume, with values on the seeded customers
(written by the customers' COPY, demo.customers: no UPDATE of a million rows afterwards)."""

import json
import random

from customfields.models import FieldDefinition

LEVELS = [
    {"key": "focus", "zh_hans": "重点跟进", "en": "Follow closely"},
    {"key": "steady", "zh_hans": "稳定合作", "en": "Steady"},
    {"key": "watch", "zh_hans": "观望中", "en": "Watching"},
]
DEFINITIONS = [
    {"key": "wechat", "label_zh_hans": "微信号", "label_en": "WeChat ID", "kind": FieldDefinition.Kind.TEXT,
     "group": "联系方式", "searchable": True, "unique": True, "list_column": True, "order": 10},
    {"key": "budget", "label_zh_hans": "预算", "label_en": "Budget", "kind": FieldDefinition.Kind.MONEY,
     "group": "基本信息", "list_column": True, "order": 20},
    {"key": "level_note", "label_zh_hans": "客户等级说明", "label_en": "Grade note", "kind": FieldDefinition.Kind.CHOICE,
     "group": "基本信息", "choices": LEVELS, "searchable": True, "list_column": True, "order": 30},
    # Two more columns, so the list shows five of the company's own (the benchmark's case, issue 23).
    {"key": "contract_end", "label_zh_hans": "合同到期日", "label_en": "Contract ends", "kind": FieldDefinition.Kind.DATE,
     "group": "基本信息", "list_column": True, "order": 40},
    {"key": "volume", "label_zh_hans": "年采购量", "label_en": "Yearly volume", "kind": FieldDefinition.Kind.NUMBER,
     "group": "基本信息", "list_column": True, "order": 50},
]
NICKNAMES = ["chen", "li", "wang", "zhang", "liu", "zhao", "huang", "zhou", "wu", "xu", "sun", "hu", "zhu", "gao", "lin"]


def install() -> int:
    """Define the fields the demo company uses, once (a definition an admin changed stays as it is)."""
    created = 0
    for definition in DEFINITIONS:
        fields = dict(definition)
        _definition, made = FieldDefinition.objects.get_or_create(target=FieldDefinition.Target.CUSTOMER,
                                                                   key=fields.pop("key"), defaults=fields)
        created += made
    return created


def custom_json(rng: random.Random, customer_id: int) -> str:
    """A seeded customer's values as the jsonb column's text: most have a WeChat ID (unique: it
    carries the customer's id), about half a budget and a grade note."""
    values = {}
    if rng.random() < 0.8:
        values["wechat"] = f"{rng.choice(NICKNAMES)}_{customer_id}"
    if rng.random() < 0.5:
        values["budget"] = f"{rng.randrange(1, 200) * 5000}.00"
    if rng.random() < 0.6:
        values["level_note"] = rng.choice(LEVELS)["key"]
    if rng.random() < 0.3:
        values["contract_end"] = f"{rng.randint(2026, 2029)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.4:
        values["volume"] = str(rng.randrange(1, 5000))
    return json.dumps(values, ensure_ascii=False)
