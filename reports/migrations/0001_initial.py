# The report summary models move from crm to reports: their tables, indexes and rows stay as they
# are (state only, no SQL), and their content types (with the permissions that point at them)
# follow them to the new app label.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["reportrefresh", "customerstock", "followupday", "custodyday", "holdingmonth"]


def _relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label=old, model__in=MODELS).update(app_label=new)


def crm_to_reports(apps, schema_editor):
    _relabel(apps, schema_editor, "crm", "reports")


def reports_to_crm(apps, schema_editor):
    _relabel(apps, schema_editor, "reports", "crm")


def _person(related_name="+"):
    return models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
                             related_name=related_name, to=settings.AUTH_USER_MODEL)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("crm", "0020_import_mapping_and_preview_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReportRefresh",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("refreshed_at", models.DateTimeField(db_index=True)),
                        ("duration_ms", models.PositiveIntegerField(default=0)),
                    ],
                    options={"db_table": "crm_reportrefresh", "ordering": ["-refreshed_at"]},
                ),
                migrations.CreateModel(
                    name="CustomerStock",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("type", models.CharField(max_length=20)),
                        ("grade", models.CharField(max_length=10)),
                        ("source", models.CharField(max_length=20)),
                        ("industry", models.CharField(max_length=100)),
                        ("customers", models.PositiveIntegerField()),
                        ("overdue", models.PositiveIntegerField()),
                        ("owner", _person()),
                    ],
                    options={"db_table": "crm_customerstock"},
                ),
                migrations.CreateModel(
                    name="FollowUpDay",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField()),
                        ("count", models.PositiveIntegerField()),
                        ("author", _person()),
                    ],
                    options={
                        "db_table": "crm_followupday",
                        "indexes": [models.Index(fields=["day", "author"], include=("count",), name="report_fu_day")],
                    },
                ),
                migrations.CreateModel(
                    name="CustodyDay",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField()),
                        ("reason", models.CharField(max_length=20)),
                        ("count", models.PositiveIntegerField()),
                        ("from_owner", _person()),
                        ("to_owner", _person()),
                    ],
                    options={
                        "db_table": "crm_custodyday",
                        "indexes": [models.Index(fields=["day", "reason"], include=("from_owner", "to_owner", "count"),
                                                 name="report_custody_day")],
                    },
                ),
                migrations.CreateModel(
                    name="HoldingMonth",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("month", models.DateField()),
                        ("held", models.IntegerField()),
                        ("gave_up", models.IntegerField(default=0)),
                        ("recycled", models.IntegerField(default=0)),
                        ("owner", _person()),
                    ],
                    options={
                        "db_table": "crm_holdingmonth",
                        "indexes": [models.Index(fields=["month", "owner"], include=("held", "gave_up", "recycled"),
                                                 name="report_holding_month")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(crm_to_reports, reports_to_crm),
    ]
