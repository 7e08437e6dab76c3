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
from apps.transactions.choices import LineType
from apps.transactions.models import Bill, BillLine, BillTender

HOT_MODELS = (Bill, BillLine, BillTender, LedgerEntry, PointsLot, PointsAccount, RuleAward)
SAMPLES = (None, "", "abc", "12", " 7 ", 0, 5, -3, 2**40, True, False, Decimal("1.50"), Decimal("-0"), Decimal("1E+3"),
           Decimal("NaN"), Decimal("Infinity"), 1.25, datetime(2026, 12, 5, 10, 30, tzinfo=dt_timezone.utc),
           datetime(2026, 12, 5, 10, 30), date(2026, 12, 5), {}, {"a": [1, "b"]}, [1, 2], LineType.RETURN,
           LineType.REGULAR)  # a choices member twice: text columns learn its type the first time


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
        assert getattr(convert, "__name__", "<lambda>") == "<lambda>", name  # not the plain get_db_prep_save wrapper
        assert hasattr(convert, "passes") is (name != "qty"), name  # decimals: checked value by value
    json_convert = _converter(fields["attributes"], connection)  # JSON: wrapped as adapt_json_value wraps it
    ours, theirs = json_convert({"a": 1}), fields["attributes"].get_db_prep_save({"a": 1}, connection)
    assert json_convert.__name__ == "<lambda>" and (ours.obj, ours.dumps) == (theirs.obj, theirs.dumps)


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


def _comparable(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.parametrize("model", [m for m in __import__("django.apps", fromlist=["apps"]).apps.get_models()
                                   if not m._meta.proxy], ids=lambda m: m._meta.label)
def test_instance_new_gives_what_model_init_gives_for_every_model(model):
    """Defaults only: the same values (a callable default's value of the same type), an unsaved, adding instance."""
    from apps.core.rows import instance_new

    ours, theirs = instance_new(model), model()
    assert (ours._state.adding, ours._state.db) == (theirs._state.adding, theirs._state.db) == (True, None)
    for field in model._meta.concrete_fields:
        mine, django_s = getattr(ours, field.attname), getattr(theirs, field.attname)
        if field.has_default() and callable(field.default):
            assert type(mine) is type(django_s), field.name
            if isinstance(mine, (dict, list)):
                assert mine == django_s and mine is not django_s, field.name  # a fresh container each time
                assert mine is not getattr(instance_new(model), field.attname)
        else:
            assert mine == django_s, field.name


@pytest.mark.django_db
def test_instance_new_takes_related_objects_and_ids_as_model_init_does(org):
    from apps.core.rows import instance_new
    from tests.factories.customers import CustomerFactory

    customer = CustomerFactory(org=org)
    at = datetime(2026, 1, 1, tzinfo=dt_timezone.utc)
    values = dict(org=org, number="B-1", bill_date=date(2026, 1, 1), billing_time=at, created_at=at, customer=customer,
                  amount=Decimal("10"), extended_fields={"a": 1}, store=None)
    ours, theirs = instance_new(Bill, **values), Bill(**values)
    assert _comparable(ours) == _comparable(theirs)
    assert ours.customer is customer and ours.org is org and ours._state.fields_cache["store"] is None
    assert ours._state.fields_cache.keys() == theirs._state.fields_cache.keys()
    line = instance_new(BillLine, org_id=org.pk, bill=ours, position=0, item_code="X", qty=Decimal(1))
    assert line.bill is ours and line.bill_id is None  # the bill is not saved yet: the id is set when it is
    ours.pk = 41
    assert BillLine(org_id=org.pk, bill=ours).bill_id == instance_new(BillLine, org_id=org.pk, bill=ours).bill_id == 41
    with pytest.raises(ValueError, match="must be a"):
        instance_new(Bill, org=customer)
    with pytest.raises(TypeError, match="unexpected keyword arguments: nonsense"):
        instance_new(Bill, org=org, nonsense=1)


def test_instance_new_leaves_models_with_init_receivers_to_model_init():
    from django.db.models.signals import post_init

    from apps.core.rows import instance_new

    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=BillTender)
    try:
        tender = instance_new(BillTender, mode="CASH")
    finally:
        post_init.disconnect(receiver, sender=BillTender)
    assert seen == [tender]


@pytest.mark.django_db
@pytest.mark.parametrize("model", HOT_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("add", [True, False], ids=["insert", "update"])
def test_values_of_gives_what_pre_save_and_get_db_prep_save_give(model, add, monkeypatch):
    """Every column of the hot models, each filled with every sample value in turn (auto_now columns included)."""
    from django.utils import timezone

    from apps.core.rows import _insert_columns, instance_new, values_of

    frozen = datetime(2026, 12, 5, 8, 0, tzinfo=dt_timezone.utc)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    columns = _insert_columns(model)
    for value in SAMPLES:
        obj, reference = instance_new(model), instance_new(model)
        for field in columns:
            if not field.is_relation:
                setattr(obj, field.attname, value)
                setattr(reference, field.attname, value)
        expected = [_outcome(lambda v, f=field: f.get_db_prep_save(f.pre_save(reference, add), connection), None)
                    for field in columns]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # naive datetimes warn on both paths
                got = [_outcome(lambda v, x=x: x, None) for x in values_of(obj, columns, connection.alias, add)]
        except Exception as exc:  # noqa: BLE001 (then the reference must fail on some column too)
            assert any(outcome[0] == "raised" for outcome in expected), (value, exc)
            continue
        assert got == expected, value


def test_instance_new_gives_each_instance_its_own_database_default():
    from django.db import models
    from django.db.models.expressions import DatabaseDefault
    from django.test.utils import isolate_apps

    from apps.core.rows import instance_new

    with isolate_apps("apps.core"):
        class WithDbDefault(models.Model):
            kind = models.CharField(max_length=10, db_default="plain")

            class Meta:
                app_label = "core"

        first, second, django_s = instance_new(WithDbDefault), instance_new(WithDbDefault), WithDbDefault()
    assert isinstance(first.kind, DatabaseDefault) and isinstance(django_s.kind, DatabaseDefault)
    assert first.kind is not second.kind
