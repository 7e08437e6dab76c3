"""InputSerializer: shallow copies of leaf fields, deep copies of fields that hold fields; validation unchanged."""
from __future__ import annotations

from rest_framework import serializers

from apps.core.api.serializers import InputSerializer


class _Line(InputSerializer):
    code = serializers.CharField(max_length=5)
    qty = serializers.IntegerField(min_value=1)


class _Body(InputSerializer):
    number = serializers.CharField()
    lines = _Line(many=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=3), required=False)


def test_two_instances_never_share_a_bound_field():
    first, second = _Body(data={}), _Body(data={})
    for name in ("number", "lines", "tags"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    assert first.fields["lines"].child is not second.fields["lines"].child
    assert first.fields["tags"].child is not second.fields["tags"].child


def test_validation_and_errors_are_drf_s():
    good = _Body(data={"number": "B-1", "lines": [{"code": "A1", "qty": 2}], "tags": ["x"]})
    assert good.is_valid(), good.errors
    assert good.validated_data["lines"][0] == {"code": "A1", "qty": 2}
    bad = _Body(data={"number": "B-1", "lines": [{"code": "TOO-LONG", "qty": 0}], "tags": ["long"]})
    assert not bad.is_valid()
    assert set(bad.errors["lines"][0]) == {"code", "qty"} and "tags" in bad.errors
    # the declared (class-level) fields are never bound: each instance binds its own copies
    assert getattr(_Body._declared_fields["number"], "parent", None) is None
