import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0002_customfield_v2_columns'),
        ('rules', '0001_initial'),
    ]

    # Only the single-column indexes go (the foreign keys stay as they are; AlterField would drop and re-validate
    # them); each is covered by a composite index that starts with the same column (see the models).
    operations = [migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.RunSQL('DROP INDEX IF EXISTS "rules_ruleaward_org_id_e0076207"',
                              reverse_sql='CREATE INDEX IF NOT EXISTS "rules_ruleaward_org_id_e0076207" ON "rules_ruleaward" ("org_id")'),
            migrations.RunSQL('DROP INDEX IF EXISTS "rules_ruleaward_rule_id_c3d495ad"',
                              reverse_sql='CREATE INDEX IF NOT EXISTS "rules_ruleaward_rule_id_c3d495ad" ON "rules_ruleaward" ("rule_id")'),
        ],
        state_operations=[
            migrations.AlterField(
                model_name='ruleaward',
                name='org',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization'),
            ),
            migrations.AlterField(
                model_name='ruleaward',
                name='rule',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='awards', to='rules.rule'),
            ),
        ],
    )]
