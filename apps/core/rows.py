"""Inserting and updating model rows on the hot write paths without the ORM's per-statement compilation.

The ORM compiles every INSERT and UPDATE afresh (and a PostgreSQL bulk insert as UNNEST arrays with a cast per
column), which costs more than the statement itself on a bill's path. These helpers write the same rows the ORM
would, through the same field conversions (`pre_save` fills auto_now and defaults, `get_db_prep_save` adapts
values, JSON included), with the statement text built once per model and row count. Only concrete local columns
are written; the models these serve have no save() overrides and no save signals (a test checks), so skipping
`Model.save()` changes nothing but the cost.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from operator import attrgetter

import orjson
from django.conf import settings
from django.db import IntegrityError, connections, models, router, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.base import ModelState
from django.db.models.fields import (AutoFieldMixin, BooleanField, CharField, DateField, DateTimeField, DecimalField,
                                     Field, IntegerField, TextField)

try:
    from psycopg.types.json import Jsonb
except ImportError:  # psycopg is in requirements.txt; without it nothing here runs on PostgreSQL anyway
    Jsonb = None

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


# -- values as the ORM writes them ------------------------------------------------------------------------------
# get_db_prep_save runs four or five methods per value (prep, to_python, the backend's adaptation). On PostgreSQL,
# for the field classes below and the plain value types they are given, those methods hand the value back as it
# is (integers: wrapped in psycopg's sized int, as adapt_integerfield_value does). A converter takes that shortcut
# only for those exact types, and only where the field's class runs the very methods named here (a subclass that
# overrides any of them, or any other value, goes through get_db_prep_save). tests/core/test_rows.py compares the
# two for every column of the hot models.
_NONE = type(None)
_SAME_FOR = (  # (field class, the methods its values pass through, the value types that come out unchanged)
    (CharField, (Field.get_db_prep_save, Field.get_db_prep_value, CharField.get_prep_value, CharField.to_python),
     (str, _NONE)),
    (TextField, (Field.get_db_prep_save, Field.get_db_prep_value, TextField.get_prep_value, TextField.to_python),
     (str, _NONE)),
    (BooleanField, (Field.get_db_prep_save, Field.get_db_prep_value, BooleanField.get_prep_value,
                    BooleanField.to_python), (bool, _NONE)),
    (DateField, (Field.get_db_prep_save, DateField.get_db_prep_value, DateField.get_prep_value, DateField.to_python),
     (date, _NONE)),
)


def _methods(field) -> tuple:
    cls = type(field)
    return cls.get_db_prep_save, cls.get_db_prep_value, cls.get_prep_value, cls.to_python


def _converter(field, connection):
    """value -> what field.get_db_prep_save(value, connection) gives, with the shortcut described above."""
    slow = field.get_db_prep_save

    def convert(value):
        return slow(value, connection)

    if connection.vendor != "postgresql":
        return convert
    methods = _methods(field)
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        if (type(field).get_db_prep_save is models.ForeignKey.get_db_prep_save and isinstance(target, AutoFieldMixin)
                and _methods(target)[:3] == (Field.get_db_prep_save, AutoFieldMixin.get_db_prep_value,
                                             IntegerField.get_prep_value)
                and type(connection.ops).validate_autopk_value is BaseDatabaseOperations.validate_autopk_value):
            return _passing(lambda value: value if type(value) is int or value is None else convert(value),
                            (int, _NONE))
        return convert
    if isinstance(field, IntegerField) and not isinstance(field, AutoFieldMixin) and methods[:3] == (
            Field.get_db_prep_save, IntegerField.get_db_prep_value, IntegerField.get_prep_value):
        sized, internal = connection.ops.adapt_integerfield_value, field.get_internal_type()
        return lambda value: sized(value, internal) if type(value) is int else convert(value)
    if type(field) is DecimalField or methods == (Field.get_db_prep_save, DecimalField.get_db_prep_value,
                                                  DecimalField.get_prep_value, DecimalField.to_python):
        if type(connection.ops).adapt_decimalfield_value is BaseDatabaseOperations.adapt_decimalfield_value:
            return lambda value: value if (type(value) is Decimal and value.is_finite()) or value is None \
                else convert(value)
        return convert
    if methods == (Field.get_db_prep_save, DateTimeField.get_db_prep_value, DateTimeField.get_prep_value,
                   DateTimeField.to_python):
        return lambda value: value if value is None or (type(value) is datetime and value.utcoffset() is not None) \
            else convert(value)
    if (isinstance(field, models.JSONField) and Jsonb is not None
            and methods[:3] == (models.JSONField.get_db_prep_save, models.JSONField.get_db_prep_value,
                                models.JSONField.get_prep_value)
            and type(connection.ops).adapt_json_value is _pg_adapt_json_value()):
        from django.db.backends.postgresql.operations import get_json_dumps

        dumps = get_json_dumps(field.encoder)
        # dicts and lists (what JSON columns hold): wrapped as adapt_json_value wraps them; anything else as Django does
        return lambda value: Jsonb(value, dumps=dumps) if type(value) in (dict, list) else convert(value)
    for cls, expected, types in _SAME_FOR:
        if isinstance(field, cls) and methods == expected:
            if str in types:
                return _TextPassing(convert, types)
            return _passing(lambda value: value if type(value) in types else convert(value), types)
    return convert


@lru_cache(maxsize=1)
def _pg_adapt_json_value():
    from django.db.backends.postgresql.operations import DatabaseOperations

    return DatabaseOperations.adapt_json_value


def _passing(converter, types: tuple):
    """Note on a converter the value types it hands back unchanged (values_of then skips calling it for them)."""
    converter.passes = frozenset(types)
    return converter


class _TextPassing:
    """The converter of a text column: str and None pass unchanged, and so do the choices' members (str enums,
    which CharField.to_python hands back as they are), learned the first time one comes back unchanged."""

    def __init__(self, convert, types: tuple):
        self.convert, self.passes = convert, set(types)

    def __call__(self, value):
        kind = type(value)
        if kind in self.passes:
            return value
        result = self.convert(value)
        if result is value and isinstance(value, str) and isinstance(value, Enum):
            self.passes.add(kind)
        return result


def _plain_read(field) -> bool:
    """Whether field.pre_save(obj, add) is only getattr(obj, field.attname)."""
    pre_save = type(field).pre_save
    return pre_save is Field.pre_save or (pre_save in (DateField.pre_save, DateTimeField.pre_save)
                                          and not field.auto_now and not field.auto_now_add)


def _reader(field):
    """obj, add -> field.pre_save(obj, add): a plain attribute read where pre_save is only that."""
    if _plain_read(field):
        attname = field.attname
        return lambda obj, add: getattr(obj, attname)
    return field.pre_save


def _names(fields) -> tuple[str, ...]:
    """The fields' attnames: what caches key fields by (a tuple of Field objects hashes in Python, field by field)."""
    return tuple([f.attname for f in fields])


def _by_identity(cache: dict, model, fields: tuple, alias: str, build):
    """build() memoised by the fields tuple's identity: the callers on the bill path pass the same tuple object every
    time (_insert_columns, _child_fields, _update_sql). The entry holds the tuple, so its id is not reused while it
    is there; tuples made per call (other callers) come and go, and the cache is emptied past 4096 entries."""
    hit = cache.get(id(fields))
    if hit is not None and hit[0] is fields and hit[1] is model and hit[2] == alias:
        return hit[3]
    value = build()
    if len(cache) >= 4096:
        cache.clear()
    cache[id(fields)] = (fields, model, alias, value)
    return value


_PREPARERS_BY_TUPLE: dict[int, tuple] = {}


def _preparers(model, fields: tuple, alias: str) -> tuple:
    """(read, convert) per field: pre_save and get_db_prep_save, as the ORM applies them on save().

    Cached by the fields' attnames: hashing a tuple of Field objects calls Django's Field.__hash__ (Python) for each,
    a few hundred times per bill; the names' hashes are kept by the strings. Found by the tuple's identity first
    (_by_identity)."""
    return _by_identity(_PREPARERS_BY_TUPLE, model, fields, alias,
                        lambda: _preparers_named(model, _names(fields), alias))


@lru_cache(maxsize=1024)
def _preparers_named(model, names: tuple[str, ...], alias: str) -> tuple:
    connection = connections[alias]
    return tuple((_reader(f), _converter(f, connection)) for f in (model._meta.get_field(n) for n in names))


def values_of(obj, fields: tuple, alias: str, add: bool) -> list:
    """The database values of these fields of obj, as save() would write them: the plain attributes read at once,
    the other readers (pre_save that does more, e.g. auto_now) called, each value converted unless its converter
    hands values of its type back unchanged (_passing)."""
    getter, readers, converters = _value_plan(type(obj), fields, alias)
    values = list(getter(obj))
    for index, read in readers:
        values[index] = read(obj, add)
    for index, passes, convert in converters:
        value = values[index]
        if type(value) not in passes:
            values[index] = convert(value)
    return values


_VALUE_PLANS: dict[int, tuple] = {}


def _value_plan(model, fields: tuple, alias: str) -> tuple:
    """(attrgetter of every field's attname, [(index, reader)] for readers that are not a plain read,
    [(index, types passed unchanged, converter)]), found by the tuple's identity first (_by_identity)."""
    return _by_identity(_VALUE_PLANS, model, fields, alias, lambda: _value_plan_build(model, fields, alias))


def _value_plan_build(model, fields: tuple, alias: str) -> tuple:
    preparers = _preparers(model, fields, alias)
    plain = {index for index, field in enumerate(fields) if _plain_read(field)}
    names = _names(fields)
    if len(names) > 1:
        getter = attrgetter(*names)
    else:  # attrgetter of one name answers the value itself, of none it cannot be made
        getter = (lambda obj, get=attrgetter(names[0]): (get(obj),)) if names else (lambda obj: ())
    return (getter, tuple((index, read) for index, (read, _) in enumerate(preparers) if index not in plain),
            tuple((index, getattr(convert, "passes", frozenset()), convert)
                  for index, (_, convert) in enumerate(preparers)))


# -- many rows as one JSON parameter ---------------------------------------------------------------------------
# psycopg renders a list parameter element by element in Python; a bill's lines and award rows as arrays were a
# third of the statements' client time. On PostgreSQL the multi-row parts of the bill path's statements send their
# rows instead as one JSON document (json.dumps, in C), which the statement reads with jsonb_to_recordset into
# columns of the table's own types, so PostgreSQL converts each value from its text as it converts a literal.
# Only the converted values below are sent that way; any other (a type psycopg adapts some other way) sends the
# rows as arrays, as before.
_NO_JSON = object()


@lru_cache(maxsize=64)
def _str_dumps_as_text(kind: type) -> bool:
    """psycopg dumps a str subclass by the first adapted class in its MRO: str's dumper (its text) unless Enum's
    (its name) comes first."""
    for cls in kind.__mro__:
        if cls is str:
            return True
        if cls is Enum:
            return False
    return False


def _json_ready(value):
    """A converted column value (what get_db_prep_save gave) as a JSON value PostgreSQL reads back as the same
    column value, or _NO_JSON."""
    kind = type(value)
    if value is None or kind is str or kind is bool:
        return value
    if isinstance(value, int) and not isinstance(value, Enum):  # int and psycopg's sized ints: their digits
        return int(value)
    if kind is Decimal:
        return str(value) if value.is_finite() else _NO_JSON
    if kind is datetime:
        return value.isoformat() if value.utcoffset() is not None else _NO_JSON
    if kind is date:
        return value.isoformat()
    if kind is Jsonb:  # a JSON column: the document Django's own dumps would send
        return value.obj if value.dumps in (None, json.dumps) else json.loads(value.dumps(value.obj))
    if isinstance(value, str) and _str_dumps_as_text(kind):  # choices members
        return str.__str__(value)
    return _NO_JSON


def json_text(value) -> str:
    """The JSON text of a document of JSON values, as PostgreSQL reads json.dumps(value): orjson writes it about
    ten times faster (a bill's row with its evaluation log: 6 against 70 us). What orjson refuses (keys that are not
    text, integers beyond 64 bits, lone surrogates) goes through json.dumps, as before."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value)


def _json_object(row, keys: tuple[str, ...]) -> dict | None:
    item = {}
    for key, value in zip(keys, row, strict=True):
        ready = _json_ready(value)
        if ready is _NO_JSON:
            return None
        item[key] = ready
    return item


def _keys(count: int) -> tuple[str, ...]:
    return tuple(f"c{i}" for i in range(count))


def _rowset_params(rows: list[list]) -> tuple[bool, list]:
    """(as JSON?, the parameters) of a row set (lists of converted values): one JSON document of objects keyed c0,
    c1, ..., or, when a value cannot go as JSON, one array per column."""
    keys, items = _keys(len(rows[0])), []
    for row in rows:
        item = _json_object(row, keys)
        if item is None:
            return False, [list(column) for column in zip(*rows)]
        items.append(item)
    return True, [json_text(items)]


def _rowset_source(types: tuple[str, ...], as_json: bool) -> str:
    """The FROM item giving _rowset_params' rows, typed, in order, as u(c0, c1, ..., n)."""
    keys = _keys(len(types))
    names = ", ".join([*keys, "n"])
    if as_json:
        defs = ", ".join(f"{key} {kind}" for key, kind in zip(keys, types, strict=True))
        return f"ROWS FROM (jsonb_to_recordset(%s::jsonb) AS ({defs})) WITH ORDINALITY AS u({names})"
    return f"UNNEST({', '.join(f'%s::{kind}[]' for kind in types)}) WITH ORDINALITY AS u({names})"


def _row_params(row: list) -> tuple[bool, list]:
    """(as JSON?, the parameters) of one row: a JSON object keyed c0, c1, ..., or the values themselves."""
    item = _json_object(row, _keys(len(row)))
    return (False, list(row)) if item is None else (True, [json_text(item)])


def _row_select(types: tuple[str, ...], as_json: bool, slots: list[str | None]) -> str:
    """`VALUES (...)` or `SELECT ... FROM jsonb_to_record(...)` for _row_params' row; a slot that is not None is an
    expression of the statement's own in that place (it takes no value of the row)."""
    if not as_json:
        return f"VALUES ({', '.join('%s' if slot is None else slot for slot in slots)})"
    keys = iter(_keys(len(types)))
    chosen = ", ".join(f"r.{next(keys)}" if slot is None else slot for slot in slots)
    defs = ", ".join(f"{key} {kind}" for key, kind in zip(_keys(len(types)), types, strict=True))
    return f"SELECT {chosen} FROM jsonb_to_record(%s::jsonb) AS r({defs})"


def _db_types(fields, connection) -> tuple[str, ...]:
    return tuple(f.db_type(connection) for f in fields)


# -- statements prepared once per connection -----------------------------------------------------------------------
# The bill path's two large statements (the bill with its lines and tenders; the ledger writes with the award rows)
# are several KB of text, and its short reads (the customer by identifier, the lock with the labels, the account
# lock) cost PostgreSQL more to plan than to run: each was parsed, analysed and planned anew on every bill. On a
# persistent connection they go through hot_cursor(), which psycopg prepares the first time and then only executes.
# Not done where connections are not kept (DB_CONN_MAX_AGE=0) or where settings.DB_PREPARED_STATEMENTS is off:
# behind a pooler that hands a session's statements to other server connections (PgBouncer in transaction mode), a
# prepared statement would not be found. psycopg forgets (and deallocates) them after a ROLLBACK, and prepares again.
def _prepares(connection) -> bool:
    """Whether statements may be prepared on this connection (PostgreSQL, kept connections, the setting on)."""
    return (connection.vendor == "postgresql" and getattr(settings, "DB_PREPARED_STATEMENTS", False)
            and connection.settings_dict.get("CONN_MAX_AGE") != 0)


@lru_cache(maxsize=1)
def _preparing_cursor_kit():
    """(the cursor class, the timestamptz OID, register_tzloader, psycopg's text format), imported once."""
    import psycopg
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    class PreparingCursor(psycopg.Cursor):
        """Binds on the server and prepares every statement it runs (unless told not to)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)

        def _send_query_prepared(self, name, pgq, *, binary=None):
            # psycopg records the query only when it runs it unprepared; Django's query log reads it from there.
            self._query = pgq
            return super()._send_query_prepared(name, pgq, binary=binary)

    return PreparingCursor, TIMESTAMPTZ_OID, register_tzloader, Format.TEXT


def hot_cursor(connection):
    """connection.cursor(), except that where statements may be prepared (_prepares) the cursor binds its parameters
    on the server and prepares each statement the first time it runs it on the connection (psycopg keeps the last
    100 per connection): PostgreSQL stops parsing and planning it anew. Logs and pg_stat_statements show the text,
    with $1, $2, ... for the values. Only for statements whose plan does not depend on the values: PostgreSQL plans
    a prepared statement for any values once it has run it five times."""
    if not _prepares(connection):
        return connection.cursor()
    cursor_class, timestamptz_oid, register_tzloader, text_format = _preparing_cursor_kit()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw_connection = connection.connection
        if raw_connection.prepare_threshold is None:
            # Django turns preparing off (None); psycopg then prepares nothing, even when asked. Only this cursor asks:
            # Django's own cursors bind on the client, and those never prepare.
            raw_connection.prepare_threshold = 2 ** 31 - 1
        raw = cursor_class(raw_connection)
        if connection.timezone != raw_connection.adapters.get_loader(timestamptz_oid, text_format).timezone:
            register_tzloader(connection.timezone, raw)  # as DatabaseWrapper.create_cursor does
        return connection._prepare_cursor(raw)


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
        values = [values_of(obj, columns, alias, True) for obj in chunk]
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
    preparers = _preparers(model, fields, alias)
    columns = [[convert(value) for value in column]
               for (_, convert), column in zip(preparers, zip(*rows), strict=True)]
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
    params = values_of(obj, _insert_columns(model), alias, True)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, 1, alias, True), params)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, alias
    return True


@lru_cache(maxsize=256)
def _link_to(child_model, parent_model) -> models.ForeignKey:
    links = [f for f in child_model._meta.concrete_fields if f.is_relation and f.related_model is parent_model]
    if len(links) != 1:
        raise ValueError(f"{child_model.__name__} needs exactly one foreign key to {parent_model.__name__}")
    return links[0]


@lru_cache(maxsize=256)
def _family_sql(parent_model, child_models: tuple, as_json: tuple, alias: str, parent_json: bool = False) -> str:
    """One statement: the parent row (unless it conflicts), then each child model's rows (_row_params / _rowset_params
    as `as_json` says), their link to the parent taken from the parent's RETURNING; answers the parent's id (NULL on
    a conflict) and each child model's ids in insert order (a sequence hands them out in the rows' order)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    columns = _insert_columns(parent_model)
    parent_pk = quote(parent_model._meta.pk.column)
    source = _row_select(_db_types(columns, connection), parent_json, [None] * len(columns))
    ctes = [f"p AS (INSERT INTO {quote(parent_model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
            f"{source} ON CONFLICT DO NOTHING RETURNING {parent_pk})"]
    answers = [f"(SELECT {parent_pk} FROM p)"]
    for n, (model, json_rows) in enumerate(zip(child_models, as_json, strict=True)):
        link = _link_to(model, parent_model)
        fields = [f for f in _insert_columns(model) if f is not link]
        source = _rowset_source(_db_types(fields, connection), json_rows)
        chosen = ", ".join(f"p.{parent_pk}" if f is link else f"u.c{fields.index(f)}" for f in _insert_columns(model))
        pk = quote(model._meta.pk.column)
        ctes.append(f"k{n} AS (INSERT INTO {quote(model._meta.db_table)} "
                    f"({', '.join(quote(f.column) for f in _insert_columns(model))}) SELECT {chosen} FROM p, "
                    f"{source} ORDER BY u.n RETURNING {pk})")
        answers.append(f"ARRAY(SELECT {pk} FROM k{n} ORDER BY {pk})")
    return f"WITH {', '.join(ctes)} SELECT {', '.join(answers)}"


@lru_cache(maxsize=256)
def _child_fields(child_model, parent_model) -> tuple:
    """(the child's link to the parent, its other insert columns): one tuple per pair of models."""
    link = _link_to(child_model, parent_model)
    return link, tuple(f for f in _insert_columns(child_model) if f is not link)


@lru_cache(maxsize=256)
def _relations(model) -> tuple:
    return tuple(f for f in model._meta.concrete_fields if f.is_relation)


def _related_check(obj: models.Model, skip: tuple = ()) -> None:
    """Model._prepare_related_fields_for_save for the foreign keys not in `skip` (Django's own takes a list of
    fields but compares every column with it)."""
    for field in _relations(type(obj)):
        if field in skip or not field.is_cached(obj):
            continue
        related = field.get_cached_value(obj)
        if not related:
            continue
        if related.pk is None:
            raise ValueError(f"family_insert_unless_conflict() prohibited to prevent data loss due to unsaved related "
                             f"object '{field.name}'.")
        if getattr(obj, field.attname) in field.empty_values:
            setattr(obj, field.name, related)  # saved since it was assigned
        if getattr(related, field.target_field.attname) != getattr(obj, field.attname):
            field.delete_cached_value(obj)  # the id was changed after the object was assigned


def family_insert_unless_conflict(parent: models.Model, *children: list[models.Model]) -> bool:
    """INSERT an unsaved parent unless it breaks a unique constraint (see row_insert_unless_conflict), and with it
    each list of unsaved children that point at it (one list per child model): on PostgreSQL as one statement.
    True when inserted (every id set, the children's link to the parent too); False on a conflict, nothing written."""
    model = type(parent)
    alias = router.db_for_write(model)
    connection = connections[alias]
    children = [rows for rows in children if rows]
    if connection.vendor != "postgresql" or not children:
        if not row_insert_unless_conflict(parent):
            return False
        for rows in children:
            rows_insert(rows)
        return True
    parent._prepare_related_fields_for_save(operation_name="family_insert_unless_conflict")
    parent_json, params = _row_params(values_of(parent, _insert_columns(model), alias, True))
    as_json = []
    for rows in children:
        child_model = type(rows[0])
        link, fields = _child_fields(child_model, model)
        for obj in rows:
            if link.get_cached_value(obj, None) is not parent:
                raise ValueError(f"{child_model.__name__} rows must point at the parent being inserted")
            _related_check(obj, (link,))
        json_rows, rows_params = _rowset_params([values_of(obj, fields, alias, True) for obj in rows])
        as_json.append(json_rows)
        params.extend(rows_params)
    sql = _family_sql(model, tuple(type(rows[0]) for rows in children), tuple(as_json), alias, parent_json)
    with hot_cursor(connection) as cursor:
        cursor.execute(sql, params)
        parent_id, *child_ids = cursor.fetchone()
    if parent_id is None:
        return False
    parent.pk = parent_id
    parent._state.adding, parent._state.db = False, alias
    for rows, ids in zip(children, child_ids, strict=True):
        link = _link_to(type(rows[0]), model)
        for obj, pk in zip(rows, ids, strict=True):
            obj.pk = pk
            setattr(obj, link.attname, parent_id)
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
    sql, fields = _update_sql(model, tuple(names))
    connection = connections[router.db_for_write(model)]
    params = values_of(obj, fields, connection.alias, False)
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


# -- building unsaved instances --------------------------------------------------------------------------------
# Model.__init__ with keyword arguments walks every field, pops its value or asks the field for its default, and
# sets related objects through their descriptors: about a fifth of a bill's model work (the bill, its lines and
# tenders, the ledger entry and lot). instance_new builds the same instance from a plan made once per model.
@lru_cache(maxsize=None)
def _new_plan(model) -> tuple | None:
    """Per concrete field: (name, attname, the related model's target attname or None, default, call default?);
    None for a model instance_new leaves to Model.__init__ (abstract, with generated columns or one-to-one fields)."""
    opts = model._meta
    if opts.abstract or any(f.generated or f.one_to_one for f in opts.concrete_fields):
        return None
    plan = []
    for field in opts.concrete_fields:
        target = field.target_field.attname if field.is_relation and field.many_to_one else None
        if field.has_default() and callable(field.default):
            call, default = True, field.default
        elif field.db_default is not models.NOT_PROVIDED:  # a new DatabaseDefault each time, as Django gives it
            call, default = True, field.get_default
        else:
            call, default = False, field.get_default()
        plan.append((field.name, field.attname, target, default, call))
    return tuple(plan)


def instance_new(model, /, **values) -> models.Model:
    """model(**values) for an unsaved instance, built as Model.__init__ builds it: each field's value or its
    default (a callable default called), a related object given by its field's name cached on the instance with its
    id in the column (as the descriptor sets them). Field names and attnames only; Model.__init__ itself where the
    model has init signal receivers."""
    plan = _new_plan(model)
    if plan is None or models.signals.pre_init.has_listeners(model) or models.signals.post_init.has_listeners(model):
        return model(**values)
    obj = model.__new__(model)
    state = obj._state = ModelState()
    data = obj.__dict__
    for name, attname, target, default, call in plan:
        if target is not None and name in values:
            related = values.pop(name)
            if related is not None and not isinstance(related, _related_model(model, name)):
                raise ValueError(f'Cannot assign "{related!r}": "{model.__name__}.{name}" must be a '
                                 f'"{_related_model(model, name).__name__}" instance.')
            data[attname] = None if related is None else getattr(related, target)
            state.fields_cache[name] = related
        elif attname in values:
            data[attname] = values.pop(attname)
        elif name in values:
            data[attname] = values.pop(name)
        else:
            data[attname] = default() if call else default
    if values:
        raise TypeError(f"{model.__name__}() got unexpected keyword arguments: {', '.join(sorted(values))}")
    return obj


@lru_cache(maxsize=None)
def _related_model(model, name: str):
    """The (concrete) model a foreign key of `model` points at."""
    return model._meta.get_field(name).related_model._meta.concrete_model


def model_columns(model, *, for_write: bool = False) -> str:
    """The model's columns, qualified by its table, in the order model_from_row reads them: for a statement of the
    caller's own that returns the model's rows among other things."""
    alias = router.db_for_write(model) if for_write else router.db_for_read(model)
    return _columns_plan(model, alias)[0]


def model_from_row(model, row, *, for_write: bool = False) -> models.Model:
    """An instance built from model_columns' values, as the ORM builds it (from_db, with the fields' converters)."""
    alias = router.db_for_write(model) if for_write else router.db_for_read(model)
    return _instance(model, alias, row)


def row_query(model, tail: str, params: list, *, for_write: bool = False) -> models.Model | None:
    """The first row of `SELECT <the model's columns> FROM <its table> <tail>`, built as the ORM builds it
    (`from_db`, with the fields' converters); None when there is none. `tail` (joins, WHERE, LIMIT, locks) is
    written by the caller, who owns the tables it names; values go in params."""
    alias = router.db_for_write(model) if for_write else router.db_for_read(model)
    connection = connections[alias]
    columns, _, _ = _columns_plan(model, alias)
    quote = connection.ops.quote_name
    with hot_cursor(connection) as cursor:
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


# -- several writes as one statement --------------------------------------------------------------------------------
class Ref:
    """A value that stands for the id of an instance a WriteBatch inserts (known only once the batch has run)."""

    __slots__ = ("step",)

    def __init__(self, step: int):
        self.step = step


class WriteBatch:
    """Writes gathered while the code that computes them runs, then sent together: on PostgreSQL as one statement
    (one data-modifying WITH clause per write), elsewhere at once, one statement each, as rows_insert / row_update /
    values_insert would.

    An inserted instance gets its id when the batch runs; until then a later row can point at it, through a foreign
    key holding the instance (a lot's credit entry) or a value given as batch.ref(instance). Values are taken when a
    write is added, as the immediate helpers take them. Run it (run()) inside the transaction the writes belong to;
    nothing may read the ids before. Each row is written once: a second update of one instance replaces the first.
    """

    def __init__(self, model_for_routing=None):
        self.alias = router.db_for_write(model_for_routing) if model_for_routing else "default"
        self.deferred = connections[self.alias].vendor == "postgresql"
        self._steps: list[tuple] = []
        self._pending: dict[int, int] = {}  # id(instance) -> its insert step

    def ref(self, obj: models.Model):
        """The instance's id, or a Ref to it while its insert waits in this batch."""
        step = self._pending.get(id(obj))
        return obj.pk if step is None else Ref(step)

    def insert(self, obj: models.Model) -> models.Model:
        if not self.deferred:
            return rows_insert([obj])[0]
        columns = _insert_columns(type(obj))
        pending = {}
        for field in _relations(type(obj)):
            related = field.get_cached_value(obj, None) if field.is_cached(obj) else None
            if related is not None and id(related) in self._pending:
                pending[field] = Ref(self._pending[id(related)])
        _related_check(obj, tuple(pending))
        values = values_of(obj, columns, self.alias, True)
        for index, field in enumerate(columns):
            if field in pending:
                values[index] = pending[field]
        self._pending[id(obj)] = len(self._steps)
        self._steps.append(("insert", obj, columns, values, pending))
        return obj

    def update(self, obj: models.Model, names: tuple[str, ...]) -> None:
        if obj.pk is None:
            raise ValueError("WriteBatch.update() needs a saved row (an insert waiting in the batch has no id yet)")
        if not self.deferred:
            return row_update(obj, names)
        # A second update of an instance takes the first one's place (later steps may refer to steps by position).
        place = next((index for index, step in enumerate(self._steps) if step[0] == "update" and step[1] is obj), None)
        if place is not None:
            names = tuple(dict.fromkeys((*self._steps[place][2], *names)))
        _, fields = _update_sql(type(obj), tuple(names))
        step = ("update", obj, tuple(names), fields, values_of(obj, fields, self.alias, False))
        if place is None:
            self._steps.append(step)
        else:
            self._steps[place] = step
        return None

    def values(self, model, names: tuple[str, ...], rows: list[tuple]) -> None:
        """values_insert's rows; a value may be a Ref (batch.ref) in any column."""
        if not rows:
            return
        if not self.deferred:  # inserts ran at once: ref() gave ids, never Refs
            return values_insert(model, names, rows)
        fields = tuple(model._meta.get_field(name) for name in names)
        converters = [convert for _, convert in _preparers(model, fields, self.alias)]
        columns = [[v if isinstance(v, Ref) else convert(v) for v in column]
                   for convert, column in zip(converters, zip(*rows), strict=True)]
        self._steps.append(("values", model, fields, columns))
        return None

    def statement(self, sql: str, params: list) -> None:
        """A data-modifying statement of the caller's own (an INSERT ... ON CONFLICT, say; %s for its values), run
        in its place among the batch's writes; it returns nothing to the batch."""
        if not self.deferred:
            with connections[self.alias].cursor() as cursor:
                cursor.execute(sql, params)
            return
        self._steps.append(("sql", sql, list(params)))

    def run(self) -> None:
        steps = self._steps
        self._steps, self._pending = [], {}
        if not steps:
            return
        shape, params = [], []
        for step in steps:
            if step[0] == "insert":
                _, obj, columns, values, _ = step
                refs = tuple((index, value.step) for index, value in enumerate(values) if isinstance(value, Ref))
                as_json, own = _row_params([value for value in values if not isinstance(value, Ref)])
                shape.append(("insert", type(obj), _names(columns), refs, as_json))
                params.extend(own)
            elif step[0] == "update":
                _, obj, _, fields, values = step
                shape.append(("update", type(obj), _names(fields)))
                params.extend([*values, obj.pk])
            elif step[0] == "sql":
                shape.append(("sql", None, step[1]))
                params.extend(step[2])
            else:
                _, model, fields, columns = step
                # A column with Refs comes with one more: the insert steps whose ids the rows take (NULL where the
                # row has a value of its own).
                ref_steps = tuple(frozenset(v.step for v in column if isinstance(v, Ref)) for column in columns)
                with_refs = [index for index, refs in enumerate(ref_steps) if refs]
                rows = [[None if isinstance(v, Ref) else v for v in row]
                        + [row[index].step if isinstance(row[index], Ref) else None for index in with_refs]
                        for row in zip(*columns)]
                as_json, rows_params = _rowset_params(rows)
                params.extend(rows_params)
                shape.append(("values", model, _names(fields), ref_steps, as_json))
        sql, inserts = _batch_sql(tuple(shape), self.alias)
        connection = connections[self.alias]
        with hot_cursor(connection) as cursor:
            cursor.execute(sql, params)
            ids = cursor.fetchone() if inserts else ()
        for n, pk_value in zip(inserts, ids, strict=True):
            obj = steps[n][1]
            obj.pk = pk_value
            obj._state.adding, obj._state.db = False, self.alias
        for n in inserts:
            _, obj, _, _, refs = steps[n]
            for field, ref in refs.items():
                setattr(obj, field.attname, steps[ref.step][1].pk)


@lru_cache(maxsize=256)
def _batch_sql(shape: tuple, alias: str) -> tuple[str, tuple[int, ...]]:
    """A WriteBatch's statement for its shape (the kinds, models, columns (attnames: cheap to hash) and Ref positions
    of its steps) and the steps whose ids it answers; the parameters go in the order run() lists them."""
    connection = connections[alias]
    quote = connection.ops.quote_name

    def pk_of(step: int) -> str:
        return quote(shape[step][1]._meta.pk.column)

    ctes, inserts = [], []
    for n, (kind, model, fields, *rest) in enumerate(shape):
        if kind == "sql":
            ctes.append(f"w{n} AS ({fields})")  # the caller's statement (in the place of the fields)
            continue
        fields = tuple(model._meta.get_field(name) for name in fields)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        names = ", ".join(quote(f.column) for f in fields)
        if kind == "insert":
            refs, as_json = dict(rest[0]), rest[1]
            slots = [f"(SELECT {pk_of(refs[i])} FROM w{refs[i]})" if i in refs else None for i in range(len(fields))]
            own = _db_types([field for i, field in enumerate(fields) if i not in refs], connection)
            ctes.append(f"w{n} AS (INSERT INTO {table} ({names}) {_row_select(own, as_json, slots)} RETURNING {pk})")
            inserts.append(n)
        elif kind == "update":
            ctes.append(f"w{n} AS (UPDATE {table} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
                        f"WHERE {pk} = %s)")
        else:
            # The rows' own columns c0.., then, for each column holding Refs, the insert steps its rows take ids from.
            ref_steps, as_json = rest
            with_refs = [index for index, refs in enumerate(ref_steps) if refs]
            chosen = [f"u.c{index}" for index in range(len(fields))]
            for extra, index in enumerate(with_refs, start=len(fields)):
                cases = " ".join(f"WHEN {s} THEN (SELECT {pk_of(s)} FROM w{s})" for s in sorted(ref_steps[index]))
                chosen[index] = f"CASE u.c{extra} {cases} ELSE u.c{index} END"
            types = _db_types(fields, connection) + ("int",) * len(with_refs)
            ctes.append(f"w{n} AS (INSERT INTO {table} ({names}) SELECT {', '.join(chosen)} "
                        f"FROM {_rowset_source(types, as_json)})")
    answers = ", ".join(f"(SELECT {pk_of(n)} FROM w{n})" for n in inserts) or "1"
    return f"WITH {', '.join(ctes)} SELECT {answers}", tuple(inserts)
