"""The import and export models move from crm to transfers, keeping their tables (crm_importjob,
crm_importrow, crm_columnmapping, crm_exportjob), indexes and rows: no SQL runs on them, only the
migration state changes (crm 0021 removes them from crm's state)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = "('importjob', 'importrow', 'columnmapping', 'exportjob')"


def _move_content_types(source, target):
    """The content types (and so the permissions pointing at them) follow the models, unless the
    target app already has its own row for a model (then nothing is moved for that model)."""
    return (
        f"UPDATE django_content_type SET app_label = '{target}' WHERE app_label = '{source}' AND model IN {MODELS} "
        f"AND NOT EXISTS (SELECT 1 FROM django_content_type moved WHERE moved.app_label = '{target}' "
        "AND moved.model = django_content_type.model)"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables were created by crm (0003, 0020): this app takes them over as they are.
        ("crm", "0020_import_mapping_and_preview_rows"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('status', models.CharField(choices=[('analysing', 'Checking the file'), ('preview', 'Waiting for your confirmation'), ('importing', 'Importing'), ('done', 'Imported'), ('failed', 'Failed')], default='analysing', max_length=20)),
                        ('original_name', models.CharField(max_length=255)),
                        ('upload_path', models.CharField(max_length=255)),
                        ('errors_path', models.CharField(blank=True, max_length=255)),
                        ('to_pool', models.BooleanField(default=False)),
                        ('on_duplicate', models.CharField(choices=[('skip', 'Skip rows that duplicate a customer'), ('update', 'Update my own customers from those rows')], default='skip', max_length=10)),
                        ('all_or_nothing', models.BooleanField(default=False)),
                        ('headers', models.JSONField(blank=True, default=list)),
                        ('columns', models.JSONField(blank=True, default=list)),
                        ('language', models.CharField(blank=True, help_text="The importer's language: row reasons are written in it.", max_length=15)),
                        ('total_rows', models.PositiveIntegerField(default=0)),
                        ('processed_rows', models.PositiveIntegerField(default=0)),
                        ('counts', models.JSONField(blank=True, default=dict)),
                        ('created_count', models.PositiveIntegerField(default=0)),
                        ('updated_count', models.PositiveIntegerField(default=0)),
                        ('rejected_count', models.PositiveIntegerField(default=0)),
                        ('message', models.TextField(blank=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(blank=True, help_text='Who the imported customers belong to; empty with to_pool for the isolation pool.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'crm_importjob',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportRow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(help_text="The row's number in the spreadsheet.")),
                        ('position', models.PositiveIntegerField()),
                        ('label_position', models.PositiveIntegerField()),
                        ('label', models.CharField(max_length=10)),
                        ('reason', models.TextField(blank=True)),
                        ('cells', models.JSONField(default=list)),
                        ('job', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='rows', to='transfers.importjob')),
                    ],
                    options={
                        'db_table': 'crm_importrow',
                        'ordering': ['position'],
                    },
                ),
                migrations.CreateModel(
                    name='ColumnMapping',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, verbose_name='name')),
                        ('columns', models.JSONField(default=dict, help_text='Header (compared without spaces or case) -> field, or "" to ignore.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'crm_columnmapping',
                        'ordering': ['name', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('owner', 'name'), name='crm_columnmapping_unique_name')],
                    },
                ),
                migrations.CreateModel(
                    name='ExportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('status', models.CharField(choices=[('running', 'Preparing'), ('done', 'Ready'), ('failed', 'Failed')], default='running', max_length=20)),
                        ('kind', models.CharField(choices=[('customers', 'Customers'), ('followups', 'Follow-ups'), ('plans', 'Work plans')], default='customers', max_length=20)),
                        ('format', models.CharField(choices=[('xlsx', 'Excel workbook (.xlsx)'), ('csv', 'CSV (UTF-8)')], default='xlsx', max_length=10)),
                        ('params', models.CharField(blank=True, help_text="The list's query string when it was exported.", max_length=2000)),
                        ('language', models.CharField(blank=True, max_length=15)),
                        ('total_rows', models.PositiveIntegerField(default=0)),
                        ('processed_rows', models.PositiveIntegerField(default=0)),
                        ('result_path', models.CharField(blank=True, max_length=255)),
                        ('filename', models.CharField(blank=True, max_length=255)),
                        ('message', models.TextField(blank=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'crm_exportjob',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['created_by', '-created_at'], name='crm_exportjob_creator')],
                    },
                ),
                migrations.AddIndex(
                    model_name='importjob',
                    index=models.Index(fields=['created_by', '-created_at'], name='crm_importjob_creator'),
                ),
                migrations.AddIndex(
                    model_name='importrow',
                    index=models.Index(fields=['job', 'label', 'label_position'], name='crm_importrow_job_label'),
                ),
                migrations.AddConstraint(
                    model_name='importrow',
                    constraint=models.UniqueConstraint(fields=('job', 'position'), name='crm_importrow_job_position'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunSQL(_move_content_types("crm", "transfers"), reverse_sql=_move_content_types("transfers", "crm")),
    ]
