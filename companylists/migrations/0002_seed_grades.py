"""Today's grades become the first entries: normal and vip, with the cadence and recycling days
the environment set (CRM_CADENCE_*_DAYS, POOL_RECYCLE_DAYS_*: from now on seed defaults only)."""

from django.db import migrations

from companylists import seeds


def seed(apps, schema_editor):
    seeds.install(apps.get_model("companylists", "Grade"))


class Migration(migrations.Migration):
    dependencies = [("companylists", "0001_grades")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
