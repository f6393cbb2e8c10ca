"""Drop the varchar_pattern_ops index Django adds beside a unique CharField's own index: the
customer number is never matched by a LIKE prefix (the search box matches it case-insensitively,
which this index cannot serve), and every imported or pool-bound customer paid for writing it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0013_owned_indexes_only_for_owned_customers")]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS crm_customer_number_1a7c144a_like",
            "CREATE INDEX IF NOT EXISTS crm_customer_number_1a7c144a_like ON crm_customer (number varchar_pattern_ops)",
        ),
    ]
