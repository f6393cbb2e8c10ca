"""Customer.grade keeps its column and values but loses its fixed choices: the grades are the
company's list now (companylists.Grade, seeded with normal and vip). No row is rewritten."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0025_revenue_class"),
        ("companylists", "0002_seed_grades"),
    ]

    operations = [
        migrations.AlterField(
            model_name="customer",
            name="grade",
            field=models.CharField(default="normal", max_length=10, verbose_name="grade"),
        ),
    ]
