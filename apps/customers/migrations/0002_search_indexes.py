"""Search indexes that only PostgreSQL has: pg_trgm GIN indexes on names, pattern-ops B-trees for prefixes.

On SQLite nothing is created: the search selector's LIKE-prefix queries stay correct there, only slower.
"""
from django.db import migrations

POSTGRES_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Name search: "starts with" (and "contains") on lower-cased first and last names.
    "CREATE INDEX IF NOT EXISTS cust_first_name_trgm_idx ON customers_customer "
    "USING gin (lower(first_name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cust_last_name_trgm_idx ON customers_customer "
    "USING gin (lower(last_name) gin_trgm_ops)",
    # Identifier prefix search within an org (mobile / email / external id prefixes).
    "CREATE INDEX IF NOT EXISTS cust_ident_value_prefix_idx ON customers_customeridentifier "
    "(org_id, value text_pattern_ops)",
]
POSTGRES_REVERSE_SQL = [
    "DROP INDEX IF EXISTS cust_ident_value_prefix_idx",
    "DROP INDEX IF EXISTS cust_last_name_trgm_idx",
    "DROP INDEX IF EXISTS cust_first_name_trgm_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(_run(POSTGRES_SQL), _run(POSTGRES_REVERSE_SQL))]
