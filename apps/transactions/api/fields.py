"""Lenient input fields shared by the v2 and v1.1 transaction serializers.

The platform's clients send numbers as JSON numbers or strings and leave optional values as "" (e.g.
`"purchaseTime": ""`); these fields read "" as "not sent". Numbers become exact Decimals (a JSON float is read
through its shortest decimal text, so 100.5 is Decimal("100.5")).
"""
from __future__ import annotations

from datetime import datetime, time

from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers

from apps.core.api.serializers import boolean_value, char_value, decimal_value, fast_field, leaf, own_validation


class BlankNullMixin:
    def validate_empty_values(self, data):
        if data == "" or (isinstance(data, str) and not data.strip()):
            return True, None
        return super().validate_empty_values(data)


class MoneyField(BlankNullMixin, serializers.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)


class QtyField(MoneyField):
    def __init__(self, **kwargs):
        kwargs.setdefault("decimal_places", 6)
        super().__init__(**kwargs)


class LenientDateTimeField(BlankNullMixin, serializers.DateTimeField):
    """ISO 8601 (with or without offset), "YYYY-MM-DD HH:MM:SS" or a bare date (midnight); naive = store time."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        if " " in text and "T" not in text:
            text = text.replace(" ", "T", 1)
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            if day is None:
                self.fail("invalid", format="YYYY-MM-DDTHH:MM:SS[+HH:MM] or YYYY-MM-DD HH:MM:SS")
            parsed = datetime.combine(day, time.min)
        return parsed  # naive values are placed in the store's time zone by the services

    def enforce_timezone(self, value):
        return value


class TextField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", "")
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return "true" if data else "false"
        return super().to_internal_value(data)


class LooseBooleanField(serializers.BooleanField):
    """true/false, 1/0, "true"/"false", and "" for false."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if data in ("", None):
            return False
        return super().to_internal_value(data)


# Fast-path converters (apps.core.api.serializers): each repeats its field's leniency in front of DRF's own rules.

@fast_field(MoneyField, QtyField)
def _money_fast(field):
    decimal = decimal_value(field)
    return leaf(field, lambda raw: None if type(raw) is str and not raw.strip() else decimal(raw))


@fast_field(TextField)
def _text_fast(field):
    char = char_value(field)
    sent = leaf(field, lambda raw: char("true" if raw else "false") if type(raw) is bool else char(raw))
    return lambda raw: "" if raw is None else sent(raw)


@fast_field(LooseBooleanField)
def _loose_boolean_fast(field):
    boolean = boolean_value(field)
    return leaf(field, lambda raw: False if type(raw) is str and raw == "" else boolean(raw))


fast_field(LenientDateTimeField)(own_validation)
