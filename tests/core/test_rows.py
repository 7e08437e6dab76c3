"""apps.core.rows: the shortcut converters give exactly what the fields' get_db_prep_save gives."""
from __future__ import annotations

import warnings
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.db import connection

from apps.core.rows import _converter, _reader
from apps.points.models import LedgerEntry, PointsAccount, PointsLot
from apps.rules.models import RuleAward
from apps.transactions.models import Bill, BillLine, BillTender

HOT_MODELS = (Bill, BillLine, BillTender, LedgerEntry, PointsLot, PointsAccount, RuleAward)
SAMPLES = (None, "", "abc", "12", " 7 ", 0, 5, -3, 2**40, True, False, Decimal("1.50"), Decimal("-0"), Decimal("1E+3"),
           Decimal("NaN"), Decimal("Infinity"), 1.25, datetime(2026, 12, 5, 10, 30, tzinfo=dt_timezone.utc),
           datetime(2026, 12, 5, 10, 30), date(2026, 12, 5), {}, {"a": [1, "b"]}, [1, 2])


def _outcome(convert, value):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # naive datetimes warn on both paths
        try:
            result = convert(value)
        except Exception as exc:  # noqa: BLE001 (both paths must fail the same way)
            return "raised", type(exc)
    if hasattr(result, "obj") and hasattr(result, "dumps"):  # psycopg's Jsonb wrapper: compare what it holds
        return "json", result.obj
    return type(result), result


@pytest.mark.django_db
@pytest.mark.parametrize("model", HOT_MODELS, ids=lambda m: m.__name__)
def test_converters_match_get_db_prep_save_for_every_column(model):
    for field in model._meta.concrete_fields:
        fast = _converter(field, connection)
        for value in SAMPLES:
            expected = _outcome(lambda v: field.get_db_prep_save(v, connection), value)
            assert _outcome(fast, value) == expected, (model.__name__, field.name, value)


@pytest.mark.django_db
def test_the_shortcut_is_taken_on_postgresql_for_plain_columns():
    if connection.vendor != "postgresql":
        pytest.skip("the shortcut is PostgreSQL's only")
    fields = {f.name: f for f in BillLine._meta.concrete_fields}
    for name in ("item_code", "qty", "bill", "returnable"):
        convert = _converter(fields[name], connection)
        assert convert.__name__ == "<lambda>", name  # not the plain get_db_prep_save wrapper
    assert _converter(fields["attributes"], connection).__name__ == "convert"  # JSON: the field's own path


def test_readers_use_pre_save_where_it_does_more_than_read():
    fields = {f.name: f for f in Bill._meta.concrete_fields}
    assert _reader(fields["updated_at"]) == fields["updated_at"].pre_save  # auto_now
    assert _reader(fields["number"]).__name__ == "<lambda>"


@pytest.mark.django_db
def test_statements_with_many_parameters_are_parsed_once():
    """The bill path's multi-row statements carry more parameters than psycopg remembers by default (50)."""
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's cache")
    from psycopg import _queries

    sql = "SELECT " + ", ".join(["%s::int"] * 90)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(range(90)))
        before = _queries._query2pg_client.cache_info().hits
        cursor.execute(sql, list(range(90)))
        assert cursor.fetchone()[89] == 89
    assert _queries._query2pg_client.cache_info().hits == before + 1



@pytest.mark.parametrize("value", [
    {"c0": "plain", "c1": 12, "c2": True, "c3": None, "c4": [1, 2.5, "x"], "c5": {"nested": {"deep": []}}},
    {"c0": "Müller ☕ \u2028 \"quoted\" \\ back\nslash", "c1": -(2 ** 63), "c2": 2 ** 64 - 1},
    [{"log": [{"ruleId": 1, "linePoints": {"0": "1.5"}}], "empty": {}}],
    {"c0": 2 ** 70},  # beyond 64 bits: json.dumps writes it
    {1: "an int key", None: "a None key"},  # keys that are not text: json.dumps turns them into text
    {"c0": "\ud800"},  # a lone surrogate: json.dumps escapes it (PostgreSQL then refuses it, as before)
])
def test_json_text_is_the_json_of_json_dumps(value):
    """What the bill path sends PostgreSQL as one JSON document reads back as the same values json.dumps gives."""
    import json

    from apps.core.rows import json_text

    text = json_text(value)
    assert isinstance(text, str)
    assert json.loads(text) == json.loads(json.dumps(value))
