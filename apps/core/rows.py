"""Inserting and updating model rows on the hot write paths without the ORM's per-statement compilation.

The ORM compiles every INSERT and UPDATE afresh (and a PostgreSQL bulk insert as UNNEST arrays with a cast per
column), which costs more than the statement itself on a bill's path. These helpers write the same rows the ORM
would, through the same field conversions (`pre_save` fills auto_now and defaults, `get_db_prep_save` adapts
values, JSON included), with the statement text built once per model and row count. Only concrete local columns
are written; the models these serve have no save() overrides and no save signals (a test checks), so skipping
`Model.save()` changes nothing but the cost.
"""
from __future__ import annotations

from functools import lru_cache

from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.fields import AutoFieldMixin

MAX_ROWS_PER_STATEMENT = 500


@lru_cache(maxsize=None)
def _insert_columns(model) -> tuple:
    pk = model._meta.pk
    return tuple(f for f in model._meta.concrete_fields if f is not pk or not isinstance(f, AutoFieldMixin))


@lru_cache(maxsize=1024)
def _insert_sql(model, rows: int, alias: str, skip_conflicts: bool = False) -> str:
    quote = connections[alias].ops.quote_name
    columns = _insert_columns(model)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
            f"VALUES {', '.join([one] * rows)}{' ON CONFLICT DO NOTHING' if skip_conflicts else ''} "
            f"RETURNING {quote(model._meta.pk.column)}")


@lru_cache(maxsize=256)
def _unnest_sql(model, fields: tuple, alias: str, returning: bool) -> str:
    """PostgreSQL: every row in one statement with one array per column (a statement of few parameters, which
    psycopg parses once and caches, however many rows), as Django's own bulk_create does on PostgreSQL."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"SELECT * FROM UNNEST({arrays})")
    return f"{sql} RETURNING {quote(model._meta.pk.column)}" if returning else sql


def rows_insert(objs: list[models.Model]) -> list[models.Model]:
    """INSERT unsaved instances of one model (RETURNING their ids, set on them); no signals, no save().

    Falls back to bulk_create where the database cannot return ids from a multi-row insert.
    """
    if not objs:
        return objs
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:
        return model._default_manager.bulk_create(objs)
    columns = _insert_columns(model)
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="rows_insert")  # a parent saved since it was assigned
    unnest = connection.vendor == "postgresql"
    for start in range(0, len(objs), MAX_ROWS_PER_STATEMENT):
        chunk = objs[start:start + MAX_ROWS_PER_STATEMENT]
        values = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in columns] for obj in chunk]
        if unnest and len(chunk) > 1:  # ids come back in the rows' order, as bulk_create relies on too
            sql, params = _unnest_sql(model, columns, alias, True), [list(column) for column in zip(*values)]
        else:
            sql, params = _insert_sql(model, len(chunk), alias), [v for row in values for v in row]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        for obj, pk in zip(chunk, ids, strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, alias
    return objs


def values_insert(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT rows given as tuples of values for these fields (attnames: `rule_id`), without building instances:
    for rows nobody reads back in the request (their ids are not returned). Each value goes through its field's
    get_db_prep_save as in save(); fields left out take their database defaults, so name every column without one.
    On PostgreSQL one statement with an array per column; elsewhere bulk_create."""
    if not rows:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows])
        return
    fields = tuple(model._meta.get_field(name) for name in names)
    columns = [[f.get_db_prep_save(value, connection) for value in column]
               for f, column in zip(fields, zip(*rows), strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(_unnest_sql(model, fields, alias, False), columns)


def row_insert_unless_conflict(obj: models.Model) -> bool:
    """INSERT one unsaved instance unless it would break a unique constraint: True when inserted (its id set),
    False when a row with the same unique values exists (a concurrent insert is waited for). Nothing else of the
    transaction is lost either way."""
    model = type(obj)
    alias = router.db_for_write(model)
    connection = connections[alias]
    obj._prepare_related_fields_for_save(operation_name="row_insert_unless_conflict")
    if not (connection.features.can_return_rows_from_bulk_insert and connection.features.supports_ignore_conflicts):
        try:
            with transaction.atomic(using=alias):
                obj.save(force_insert=True, using=alias)
        except IntegrityError:
            obj.pk = None
            return False
        return True
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in _insert_columns(model)]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, 1, alias, True), params)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, alias
    return True


@lru_cache(maxsize=1024)
def _update_sql(model, names: tuple[str, ...]) -> tuple[str, tuple]:
    quote = connections[router.db_for_write(model)].ops.quote_name
    fields = tuple(model._meta.get_field(name) for name in names)
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    return f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(model._meta.pk.column)} = %s", fields


def row_update(obj: models.Model, names: tuple[str, ...]) -> None:
    """UPDATE these fields of a saved instance (pre_save applies, so auto_now fields move); no signals, no save()."""
    model = type(obj)
    connection = connections[router.db_for_write(model)]
    sql, fields = _update_sql(model, tuple(names))
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])


@lru_cache(maxsize=256)
def _columns_plan(model, alias: str):
    """The model's columns (qualified by its table), their attnames and the converters the ORM applies to each."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    fields = tuple(model._meta.concrete_fields)
    converters = []
    for f in fields:
        column = f.get_col(table)
        found = connection.ops.get_db_converters(column) + f.get_db_converters(connection)
        converters.append((column, found) if found else None)
    columns = ", ".join(f"{quote(table)}.{quote(f.column)}" for f in fields)
    return columns, [f.attname for f in fields], converters


def _instance(model, alias: str, row) -> models.Model:
    _, names, converters = _columns_plan(model, alias)
    connection = connections[alias]
    values = list(row)
    for index, plan in enumerate(converters):
        if plan is not None:
            column, found = plan
            for converter in found:
                values[index] = converter(values[index], column, connection)
    return model.from_db(alias, names, values)


def row_query(model, tail: str, params: list, *, for_write: bool = False) -> models.Model | None:
    """The first row of `SELECT <the model's columns> FROM <its table> <tail>`, built as the ORM builds it
    (`from_db`, with the fields' converters); None when there is none. `tail` (joins, WHERE, LIMIT, locks) is
    written by the caller, who owns the tables it names; values go in params."""
    alias = router.db_for_write(model) if for_write else router.db_for_read(model)
    connection = connections[alias]
    columns, _, _ = _columns_plan(model, alias)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(model._meta.db_table)} {tail}", params)
        row = cursor.fetchone()
    return None if row is None else _instance(model, alias, row)


@lru_cache(maxsize=1024)
def _where_tail(model, keys: tuple[str, ...], for_update: bool, alias: str) -> str:
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    where = " AND ".join(f"{table}.{quote(model._meta.get_field(key).column)} = %s" for key in keys)
    lock = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
    return f"WHERE {where} LIMIT 1{lock}"


def row_get(model, *, for_update: bool = False, **where) -> models.Model | None:
    """The first row whose columns equal these values (attnames: `customer_id`, not `customer`), optionally locked
    FOR UPDATE; None when there is none (see row_query)."""
    alias = router.db_for_write(model) if for_update else router.db_for_read(model)
    keys = tuple(sorted(where))
    return row_query(model, _where_tail(model, keys, for_update, alias), [where[key] for key in keys],
                     for_write=for_update)
