from django.db import migrations

from deals.defaults import LOST_REASONS, STAGES, install


def add_defaults(apps, schema_editor):
    install(apps.get_model("deals", "Stage"), apps.get_model("deals", "LostReason"))


def remove_unused_defaults(apps, schema_editor):
    Stage = apps.get_model("deals", "Stage")
    LostReason = apps.get_model("deals", "LostReason")
    Stage.objects.filter(name_zh__in=[s[0] for s in STAGES], deals__isnull=True).delete()
    used = apps.get_model("deals", "Deal").objects.filter(lost_reason__isnull=False).values("lost_reason_id")
    LostReason.objects.filter(name_zh__in=[r[0] for r in LOST_REASONS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_deals_stages_history_payments")]

    operations = [migrations.RunPython(add_defaults, remove_unused_defaults)]
