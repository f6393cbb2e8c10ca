from django.db import migrations

STAGES = [
    ("初步接洽", "Initial contact", 10, 10, "open"),
    ("需求确认", "Needs confirmed", 20, 30, "open"),
    ("方案报价", "Proposal and quote", 30, 50, "open"),
    ("商务谈判", "Negotiation", 40, 70, "open"),
    ("赢单", "Won", 50, 100, "won"),
    ("输单", "Lost", 60, 0, "lost"),
]
LOST_REASONS = [
    ("价格太高", "Price too high", 10),
    ("选择了竞争对手", "Chose a competitor", 20),
    ("预算不足", "No budget", 30),
    ("需求取消", "Need cancelled", 40),
    ("联系不上", "Could not reach them", 50),
    ("其他", "Other", 60),
]


def add_defaults(apps, schema_editor):
    Stage = apps.get_model("deals", "Stage")
    LostReason = apps.get_model("deals", "LostReason")
    for name_zh, name_en, order, probability, kind in STAGES:
        Stage.objects.get_or_create(name_zh=name_zh, defaults={
            "name_en": name_en, "order": order, "probability": probability, "kind": kind})
    for name_zh, name_en, order in LOST_REASONS:
        LostReason.objects.get_or_create(name_zh=name_zh, defaults={"name_en": name_en, "order": order})


def remove_unused_defaults(apps, schema_editor):
    Stage = apps.get_model("deals", "Stage")
    LostReason = apps.get_model("deals", "LostReason")
    Stage.objects.filter(name_zh__in=[s[0] for s in STAGES], deals__isnull=True).delete()
    used = apps.get_model("deals", "Deal").objects.filter(lost_reason__isnull=False).values("lost_reason_id")
    LostReason.objects.filter(name_zh__in=[r[0] for r in LOST_REASONS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_deals_stages_history_payments")]

    operations = [migrations.RunPython(add_defaults, remove_unused_defaults)]
