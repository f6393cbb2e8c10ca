# The report summary models now live in the reports app (reports/migrations/0001_initial.py),
# on the same tables: crm forgets them without any SQL.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0020_import_mapping_and_preview_rows"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ReportRefresh"),
                migrations.DeleteModel(name="CustomerStock"),
                migrations.DeleteModel(name="FollowUpDay"),
                migrations.DeleteModel(name="CustodyDay"),
                migrations.DeleteModel(name="HoldingMonth"),
            ],
            database_operations=[],
        ),
    ]
