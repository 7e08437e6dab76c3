"""InputSerializer's compiled fast path against DRF's own validation, on generated bodies.

For every generated body: when the fast path accepts, DRF accepts too and its validated_data is the same, types
included (Decimal exponents, naive or aware datetimes, str defaults, fresh dict/list defaults); when DRF rejects
(or raises), the fast path never accepts; and `is_valid()` answers as DRF does, with DRF's errors.
"""
from __future__ import annotations

import functools
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from apps.core.api.serializers import NOT_FAST, InputSerializer, fast_validate
from apps.transactions.api.fields import LenientDateTimeField, LooseBooleanField, MoneyField, QtyField, TextField
from apps.transactions.api.v1_1 import serializers as v11
from apps.transactions.api.v2 import serializers as v2

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from transactions_post import bill_body  # noqa: E402

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
BODIES = (v2.TransactionInputV2, v2.TransactionBulkItemV2, v2.TransactionUpdateV2, v2.RejectedIdsV2,
          v2.EvaluationLogSearchV2, v11.TransactionV11, v11.LineItemV11, v11.TransactionUpdateV11)
QUERIES = (v2.CustomerQueryV2, v2.TransactionGetQueryV2, v2.CustomerTransactionsQueryV2, v11.TransactionGetQueryV11,
           v11.CustomerTransactionsQueryV11)

TRICKY_TEXT = ["", " ", "\t\n", "0", "1", "-1", "+7", "012", "1.0", "12.0", "1e400", "-1e400", "NaN", "sNaN", "inf",
               "-Infinity", "12.123456789", "0.0000001", "99999999999999.9999", "999999999999999", " 12.5 ", "1_000",
               "١٢", "1,5", "true", "FALSE", "yes", "off", "null", "None", "2024-01-02", "2024-01-02 10:11:12",
               "2024-01-02T10:11:12+05:30", "2024-01-02T10:11:12Z", "2024-02-30", "2024-02-30 10:00:00",
               "2024-13-45T00:00", "REGULAR", "RETURN", "x" * 31, "y" * 101, "z" * 600, "a\x00b", "\ud800",
               "émoji 😀", " padded ", "[1]", "{}"]
junk = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.integers(), st.integers(min_value=10 ** 30),
    st.sampled_from([5000, -5000]).map(lambda n: 10 ** abs(n) * (1 if n > 0 else -1)),  # beyond str()'s limit
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 1.0, 100.5, 1e20, 1e-7, 12.123456789]),
    st.sampled_from(TRICKY_TEXT), st.text(max_size=40), st.lists(st.sampled_from(["a", 1, None, {}]), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.just([{"a": 1}]),
    st.just({"a": [1, {"b": None}]}),
)
money = st.one_of(st.decimals(min_value=-10 ** 6, max_value=10 ** 6, places=4).map(str),
                  st.integers(-10 ** 9, 10 ** 9), st.sampled_from([100.5, 0.1, 120.0, 19.99, -3.25]),
                  st.sampled_from(["120", " 42.10 ", "-0", "0.0001"]))
when = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(microsecond=0))
moment = st.one_of(when.map(lambda d: d.isoformat()), when.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
                   when.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S+05:30")), when.map(lambda d: d.date().isoformat()))


def valid_values(field, with_junk: bool):
    """Realistic values of the field, as clients send them (nested bodies with junk when with_junk)."""
    if isinstance(field, serializers.ListSerializer):
        return st.lists(body(type(field.child), with_junk=with_junk), max_size=5)
    if isinstance(field, serializers.Serializer):
        return body(type(field), with_junk=with_junk)
    if isinstance(field, (MoneyField, QtyField, serializers.DecimalField)):
        return money
    if isinstance(field, LenientDateTimeField):
        return moment
    if isinstance(field, serializers.DateField):
        return when.map(lambda d: d.date().isoformat())
    if isinstance(field, (LooseBooleanField, serializers.BooleanField)):
        return st.sampled_from([True, False, "true", "false", 1, 0, "1", "0", "True"])
    if isinstance(field, serializers.IntegerField):
        return st.integers(1, 10 ** 9) | st.integers(1, 10 ** 9).map(str)
    if isinstance(field, serializers.CharField):
        return st.text(max_size=(field.max_length or 30) + 3) | st.sampled_from(["REGULAR", "CASH", " SKU1 ", ""])
    if isinstance(field, serializers.ListField):
        return st.lists(st.integers(1, 10 ** 6) if isinstance(field.child, serializers.IntegerField)
                        else st.text(min_size=1, max_size=12), max_size=4)
    return st.dictionaries(st.text(max_size=8), st.text(max_size=8) | st.integers() | st.none(), max_size=3)


@functools.cache
def body(serializer_class, *, with_junk: bool = True):
    """A dict of the class's required fields and some of the others (and an unknown key now and then); with_junk:
    about one value in eight is junk, so most bodies stay close to valid ones."""
    def values(field):
        if not with_junk:
            return valid_values(field, False)
        return st.integers(0, 7).flatmap(lambda n: junk if n == 0 else valid_values(field, True))
    fields = serializer_class._declared_fields.items()
    required = {name: values(field) for name, field in fields if field.required}
    optional = {name: values(field) for name, field in fields if not field.required}
    if with_junk:
        optional["unknownKey"] = junk
    return st.fixed_dictionaries(required, optional=optional)


def typed(value):
    """The value with every leaf's type spelled out, so == also compares types and Decimal exponents."""
    if isinstance(value, dict):
        return ("dict", [(key, typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, (Decimal, float, datetime, date)):
        return (type(value).__name__, repr(value), str(value))
    return (type(value).__name__, value)


def drf_validate(serializer_class, data):
    """DRF's own is_valid (Serializer's, without the fast path): (ok, validated_data, errors), or the exception."""
    serializer = serializer_class(data=data)
    try:
        ok = serializers.Serializer.is_valid(serializer)
    except Exception as exc:  # noqa: BLE001  e.g. parse_datetime's ValueError on "2024-02-30 10:00:00"
        return exc
    return ok, serializer.validated_data, serializer.errors


def assert_same_as_drf(serializer_class, data):
    fast = fast_validate(serializer_class, data)
    drf = drf_validate(serializer_class, data)
    if isinstance(drf, Exception):
        assert fast is NOT_FAST
        return
    ok, validated, errors = drf
    if fast is not NOT_FAST:
        assert ok, errors
        assert typed(fast) == typed(validated)
    # and the serializer itself (fast path, then DRF when it gives up) answers as DRF does
    serializer = serializer_class(data=data)
    assert serializer.is_valid() == ok
    assert serializer.errors == errors
    assert typed(serializer.validated_data) == typed(validated)


@SETTINGS
@given(st.data())
def test_bodies_with_junk_validate_as_drf_does(data):
    serializer_class = data.draw(st.sampled_from(BODIES))
    assert_same_as_drf(serializer_class, data.draw(body(serializer_class)))


@SETTINGS
@given(st.data())
def test_realistic_bodies_take_the_fast_path_and_match_drf(data):
    serializer_class = data.draw(st.sampled_from((v2.TransactionInputV2, v2.TransactionBulkItemV2)))
    payload = data.draw(body(serializer_class, with_junk=False))
    payload.update(type=data.draw(st.sampled_from(["REGULAR", "RETURN", " mixed "])),
                   billNumber=data.draw(st.text(min_size=1, max_size=20).filter(str.strip)))
    payload = json.loads(json.dumps(payload))  # as the JSON parser hands it over
    fast, drf = fast_validate(serializer_class, payload), drf_validate(serializer_class, payload)
    if isinstance(drf, Exception) or not drf[0]:  # e.g. a generated text beyond max_length, a money out of range
        assert fast is NOT_FAST
    else:
        assert fast is not NOT_FAST, drf
        assert typed(fast) == typed(drf[1])


@SETTINGS
@given(st.data())
def test_query_strings_validate_as_drf_does(data):
    serializer_class = data.draw(st.sampled_from(QUERIES))
    names = [*serializer_class._declared_fields, "unknown"]
    values = st.sampled_from(TRICKY_TEXT) | st.text(max_size=12)
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(names), values), max_size=8))
    query = QueryDict(mutable=True)
    for name, value in pairs:
        query.appendlist(name, value)
    query._mutable = False
    assert_same_as_drf(serializer_class, query)


def test_the_bench_bill_takes_the_fast_path():
    # given the body bench/transactions_post.py posts (5 lines, one tender), as parsed JSON
    payload = json.loads(json.dumps(bill_body("B-0042")))
    # when
    fast = fast_validate(v2.TransactionInputV2, payload)
    # then
    assert fast is not NOT_FAST
    assert typed(fast) == typed(drf_validate(v2.TransactionInputV2, payload)[1])
    query = QueryDict("identifierName=mobile&identifierValue=919800000001")
    assert fast_validate(v2.CustomerQueryV2, query) is not NOT_FAST


def test_defaults_are_fresh_objects_each_time():
    # given
    payload = {"type": "REGULAR", "billNumber": "B-1", "lineItemsV2": [{"itemCode": "A"}]}
    # when
    first, second = fast_validate(v2.TransactionInputV2, payload), fast_validate(v2.TransactionInputV2, payload)
    # then
    for key in ("customFields", "extendedFields"):
        assert first[key] == {} and first[key] is not second[key]
    assert first["paymentModes"] == [] and first["paymentModes"] is not second["paymentModes"]
    assert first["lineItemsV2"][0]["attributes"] is not second["lineItemsV2"][0]["attributes"]


def test_is_valid_after_the_fast_path_behaves_as_drf():
    # given
    serializer = v2.TransactionInputV2(data={"type": " REGULAR ", "billNumber": "B-1", "billAmount": 100.5})
    # when
    assert serializer.is_valid(raise_exception=True)
    # then
    assert serializer.errors == {}
    assert serializer.validated_data["type"] == "REGULAR"
    assert serializer.validated_data["billAmount"] == Decimal("100.5000")
    assert serializer.data["billAmount"] == Decimal("100.5000")


class _Custom(InputSerializer):
    code = serializers.CharField()

    def validate_code(self, value):
        return value.upper()


class _WithUnknownField(InputSerializer):
    ratio = serializers.FloatField()


def test_classes_that_customise_validation_are_left_to_drf():
    # given a validate_<field> method, and a field type the plans do not know
    # when / then
    assert fast_validate(_Custom, {"code": "ab"}) is NOT_FAST
    serializer = _Custom(data={"code": "ab"})
    assert serializer.is_valid() and serializer.validated_data == {"code": "AB"}
    assert fast_validate(_WithUnknownField, {"ratio": 1.5}) is NOT_FAST
    assert TextField in {type(f) for f in v2.TransactionInputV2._declared_fields.values()}
