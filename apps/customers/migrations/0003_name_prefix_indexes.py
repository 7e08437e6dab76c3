"""B-tree prefix indexes on lower-cased names (PostgreSQL only): a "starts with" search walks an index range and
stops after the capped number of matches, which the trigram GIN indexes cannot do (they collect every match first).
The trigram indexes stay for "contains" name searches (the admin's name search)."""
from django.db import migrations

POSTGRES_SQL = [
    "CREATE INDEX IF NOT EXISTS cust_first_name_prefix_idx ON customers_customer "
    "(org_id, lower(first_name) text_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS cust_last_name_prefix_idx ON customers_customer "
    "(org_id, lower(last_name) text_pattern_ops)",
]
POSTGRES_REVERSE_SQL = ["DROP INDEX IF EXISTS cust_last_name_prefix_idx", "DROP INDEX IF EXISTS cust_first_name_prefix_idx"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_search_indexes")]

    operations = [migrations.RunPython(_run(POSTGRES_SQL), _run(POSTGRES_REVERSE_SQL))]
