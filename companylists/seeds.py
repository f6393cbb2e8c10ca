"""The lists' first entries: today's grades with the days the environment set (CRM_CADENCE_*_DAYS,
POOL_RECYCLE_DAYS_*: seed defaults only, read once by migration 0002 and by the tests)."""

from django.conf import settings


def grades() -> list[dict]:
    cadence = getattr(settings, "CRM_FOLLOWUP_CADENCE_DAYS", {})
    return [
        {
            "key": "normal",
            "label_zh_hans": "普通",
            "label_en": "Normal",
            "order": 0,
            "active": True,
            "is_key_grade": False,
            "cadence_days": cadence.get("normal", 30),
            "recycle_days": getattr(settings, "POOL_RECYCLE_DAYS_NORMAL", 90),
        },
        {
            "key": "vip",
            "label_zh_hans": "VIP",
            "label_en": "VIP",
            "order": 1,
            "active": True,
            "is_key_grade": True,
            "cadence_days": cadence.get("vip", 7),
            "recycle_days": getattr(settings, "POOL_RECYCLE_DAYS_VIP", 180),
        },
    ]


def install(model) -> None:
    """Create the seeded grades that are missing (migration 0002; tests after a flushed database)."""
    for values in grades():
        values = dict(values)
        model.objects.get_or_create(key=values.pop("key"), defaults=values)


# The simple lists' first entries: today's fixed choices, with the keys the records already store
# (no row changes). Industries start empty: customers keep their free text until an admin lists some.
ENTRIES = {
    "source": [
        ("self", "自己联系", "Self-contacted"),
        ("advertising", "广告媒体", "Advertising media"),
        ("referral", "朋友介绍", "Referral by a friend"),
    ],
    "give_up": [
        ("no_progress", "长期跟进无进展", "No progress after a long follow-up"),
        ("no_need", "客户目前没有需求", "The customer has no need now"),
        ("unreachable", "联系不上客户", "Cannot reach the customer"),
        ("competitor", "已选择竞争对手", "Went with a competitor"),
        ("other", "其他", "Other"),
    ],
}


def entries() -> list[dict]:
    return [
        {"list": name, "key": key, "label_zh_hans": zh, "label_en": en, "order": order, "active": True}
        for name, rows in ENTRIES.items()
        for order, (key, zh, en) in enumerate(rows)
    ]


def install_entries(model) -> None:
    """Create the seeded list entries that are missing (migration 0004; tests after a flush)."""
    for values in entries():
        values = dict(values)
        model.objects.get_or_create(list=values.pop("list"), key=values.pop("key"), defaults=values)
