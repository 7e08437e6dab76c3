"""Migration operations the apps share."""
from __future__ import annotations

from django.db import migrations


def fk_index_drop(alter: migrations.AlterField, *, table: str, column: str, index: str):
    """A foreign key's own index dropped (alter: the AlterField giving it db_index=False), leaving its constraint in
    place. Django's AlterField drops and re-adds the constraint to drop the index, which validates every row of the
    table again under lock: on a table written by every bill, that is an outage. The index's name is the one Django
    gave it (the same on every backend)."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[alter],
        database_operations=[migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"',
                                               reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")')],
    )
