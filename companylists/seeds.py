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
