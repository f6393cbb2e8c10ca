# The backup catalogue moved to the backups app (backups/migrations/0001_initial.py): crm forgets
# the model, the table crm_backup stays with its rows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0022_transfers_moves_out'),
        ('backups', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Backup')],
            database_operations=[],
        ),
    ]
