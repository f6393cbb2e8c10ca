"""Rebuild both gram indexes on crm_grams(search_text) COLLATE "C" (see crm.models.SearchGrams):
the same keys, compared byte by byte instead of through the database locale's strcoll."""

import django.contrib.postgres.indexes
from django.db import migrations, models

import crm.models


def _grams_index(name, condition):
    return django.contrib.postgres.indexes.GinIndex(
        crm.models.SearchGrams(models.F("search_text")), condition=condition, name=name,
    )


class Migration(migrations.Migration):
    dependencies = [("crm", "0014_drop_unused_number_pattern_index")]

    operations = [
        migrations.RemoveIndex(model_name="customer", name="crm_customer_grams_gin"),
        migrations.AddIndex(model_name="customer", index=_grams_index("crm_customer_grams_gin", models.Q(owner__isnull=False))),
        migrations.RemoveIndex(model_name="customer", name="crm_cust_pool_grams_gin"),
        migrations.AddIndex(model_name="customer", index=_grams_index("crm_cust_pool_grams_gin", models.Q(owner__isnull=True))),
    ]
