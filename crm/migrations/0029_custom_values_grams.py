"""The search box finds customers by their searchable custom values through a GIN index of the
values' grams (issue 23): crm.models.CustomGrams."""

import crm.models
import django.contrib.postgres.indexes
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0028_source_from_company_list'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='customer',
            index=django.contrib.postgres.indexes.GinIndex(crm.models.CustomGrams(models.F('custom')), name='crm_customer_custom_grams'),
        ),
    ]
