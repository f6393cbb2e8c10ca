import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0027_custom_values'),
        ('deals', '0005_custom_values'),
        ('notifications', '0006_birthdays_anniversaries'),
    ]

    operations = [
        migrations.CreateModel(
            name='CustomerSince',
            fields=[
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='crm.customer')),
                ('since', models.DateField()),
            ],
            options={
                'indexes': [models.Index(django.db.models.functions.datetime.ExtractMonth('since'), django.db.models.functions.datetime.ExtractDay('since'), name='notif_since_month_day')],
            },
        ),
        # Every customer's date from the deals already won (notifications/since.py keeps it after).
        migrations.RunSQL(
            "INSERT INTO notifications_customersince (customer_id, since)"
            " SELECT customer_id, min(won_on) FROM deals_deal WHERE won_on IS NOT NULL GROUP BY customer_id",
            migrations.RunSQL.noop,
        ),
    ]
