import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0002_customfield_v2_columns'),
        ('transactions', '0001_initial'),
    ]

    # Only the single-column indexes go (the foreign keys stay as they are; AlterField would drop and re-validate
    # them); each is covered by a composite index that starts with the same column (see the models).
    operations = [migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.RunSQL('DROP INDEX IF EXISTS "transactions_bill_org_id_a5729f78"',
                              reverse_sql='CREATE INDEX IF NOT EXISTS "transactions_bill_org_id_a5729f78" ON "transactions_bill" ("org_id")'),
            migrations.RunSQL('DROP INDEX IF EXISTS "transactions_billline_bill_id_603b18a3"',
                              reverse_sql='CREATE INDEX IF NOT EXISTS "transactions_billline_bill_id_603b18a3" ON "transactions_billline" ("bill_id")'),
        ],
        state_operations=[
            migrations.AlterField(
                model_name='bill',
                name='org',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization'),
            ),
            migrations.AlterField(
                model_name='billline',
                name='bill',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='transactions.bill'),
            ),
        ],
    )]
