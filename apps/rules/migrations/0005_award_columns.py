import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0003_name_prefix_indexes'),
        ('rules', '0004_award_per_credit'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='ruleaward',
            name='rules_award_cap_idx',
        ),
        migrations.RemoveField(
            model_name='ruleaward',
            name='rule',
        ),
        migrations.AlterField(
            model_name='ruleaward',
            name='customer',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.customer'),
        ),
        migrations.AlterField(
            model_name='ruleaward',
            name='idempotency_key',
            field=models.CharField(help_text="The ledger credit's key.", max_length=200),
        ),
        migrations.AlterField(
            model_name='ruleaward',
            name='points',
            field=models.DecimalField(decimal_places=3, help_text="All the rules' awards in this credit.", max_digits=18),
        ),
        migrations.AddIndex(
            model_name='ruleaward',
            index=models.Index(fields=['customer', 'awarded_at'], name='rules_award_customer_idx'),
        ),
    ]
