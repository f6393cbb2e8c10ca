# The backup catalogue moves from crm to its own app: the table crm_backup, its rows and its
# indexes stay as they are (no SQL but the content type's app label, so permissions keep pointing at it).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVE_CONTENT_TYPE = """
UPDATE django_content_type SET app_label = '{to}'
WHERE app_label = '{frm}' AND model = 'backup'
  AND NOT EXISTS (SELECT 1 FROM django_content_type WHERE app_label = '{to}' AND model = 'backup')
"""


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('crm', '0004_backups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Backup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=64, unique=True, verbose_name='name')),
                        ('status', models.CharField(choices=[('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='running', max_length=20, verbose_name='status')),
                        ('progress', models.CharField(blank=True, max_length=200, verbose_name='progress')),
                        ('size', models.BigIntegerField(blank=True, null=True, verbose_name='size')),
                        ('manifest', models.JSONField(blank=True, default=dict)),
                        ('table_count', models.IntegerField(blank=True, null=True, verbose_name='tables')),
                        ('row_total', models.BigIntegerField(blank=True, null=True, verbose_name='rows')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('verification', models.CharField(choices=[('unverified', 'Not verified'), ('verifying', 'Verifying'), ('verified', 'Verified'), ('failed', 'Verification failed')], default='unverified', max_length=20, verbose_name='verification')),
                        ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='verified')),
                        ('verify_message', models.TextField(blank=True, verbose_name='verification result')),
                        ('started_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='started')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'backup',
                        'verbose_name_plural': 'backups',
                        'ordering': ['-started_at', '-id'],
                        'db_table': 'crm_backup',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunSQL(
            MOVE_CONTENT_TYPE.format(frm='crm', to='backups'),
            MOVE_CONTENT_TYPE.format(frm='backups', to='crm'),
        ),
    ]
