"""The import and export models (ImportJob, ImportRow, ColumnMapping, ExportJob) now belong to the
transfers app (its 0001 takes them over): crm forgets them without touching their tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0021_reports_moves_out"),
        ("transfers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="exportjob", name="created_by"),
                migrations.RemoveField(model_name="importjob", name="created_by"),
                migrations.RemoveField(model_name="importjob", name="owner"),
                migrations.RemoveField(model_name="importrow", name="job"),
                migrations.DeleteModel(name="ColumnMapping"),
                migrations.DeleteModel(name="ExportJob"),
                migrations.DeleteModel(name="ImportJob"),
                migrations.DeleteModel(name="ImportRow"),
            ],
            database_operations=[],
        ),
    ]
