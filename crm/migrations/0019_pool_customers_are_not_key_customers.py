"""A customer in the pool is nobody's key customer (crm.ownership): clear the mark that giving
up used to leave on it. One UPDATE of the few rows concerned; nothing to undo."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0018_saved_search_keeps_filters_and_view")]

    operations = [
        migrations.RunSQL(
            "UPDATE crm_customer SET locked = false WHERE owner_id IS NULL AND locked",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
