"""Today's fixed sources and give-up reasons become the lists' first entries, with the keys the
customers and deals already store (no record changes)."""

from django.db import migrations

from companylists import seeds


def seed(apps, schema_editor):
    seeds.install_entries(apps.get_model("companylists", "Entry"))


class Migration(migrations.Migration):
    dependencies = [("companylists", "0003_entries")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
