"""Input serializers that are cheap to instantiate and to validate.

Instantiation: DRF deep-copies every declared field for each serializer instance (`Serializer.get_fields`), and a
field's deep copy runs its `__init__` again with the original arguments. A plain field holds nothing per request once
bound (its name, parent and source are set on the copy by `bind`), so a shallow copy is enough; fields that hold other
fields (serializers, list and dict fields) are deep-copied as DRF does, so no bound child is ever shared.

Validation: DRF walks the bound copies, and each runs validate_empty_values, to_internal_value and a list of
validator objects; for a bill with five lines that is about a millisecond of CPU. So each InputSerializer class gets
a *plan*, compiled once per process from its declared fields: one small function per field that converts the common,
valid values exactly as DRF does (same types, same defaults, a fresh dict or list for `default=dict`/`list`).
`is_valid()` runs the plan first; anything the plan is not certain of (a type it does not expect, a value failing a
check, a class or field that customises validation) makes it give up, and DRF validates the data and reports its own
errors. The plan therefore only has to be exact for the input it accepts, which tests/core/test_input_fast_path.py
checks against DRF on generated bodies.
"""
from __future__ import annotations

import copy
import re
import threading
from decimal import Context, Decimal

from django.core.validators import (
    MaxLengthValidator, MaxValueValidator, MinLengthValidator, MinValueValidator, ProhibitNullCharactersValidator,
)
from rest_framework import serializers
from rest_framework.fields import SkipField, _UnvalidatedField, empty
from rest_framework.validators import ProhibitSurrogateCharactersValidator


def _copy_field(field):
    if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(field, "fields"):
        return copy.deepcopy(field)
    return copy.copy(field)


class InputSerializer(serializers.Serializer):
    """A Serializer with shallow per-instance copies of leaf fields and a compiled fast path for `is_valid()`."""

    def get_fields(self):
        return {name: _copy_field(field) for name, field in self._declared_fields.items()}

    def is_valid(self, *, raise_exception=False):
        # Only a top-level, non-partial instance nobody has customised (its fields not built, hence not edited,
        # and no instance-level validators) is exactly what the class's plan describes.
        if (not hasattr(self, "_validated_data") and hasattr(self, "initial_data") and self.parent is None
                and not self.partial and "fields" not in self.__dict__ and not self.__dict__.get("_validators")):
            validated = fast_validate(type(self), self.initial_data)
            if validated is not NOT_FAST:
                self._validated_data, self._errors = validated, {}
        return super().is_valid(raise_exception=raise_exception)


# --- The fast path -------------------------------------------------------------------------------------------------

NOT_FAST = object()  # fast_validate's answer when DRF has to validate the data
SKIP = object()  # a converter's answer for a field left out of validated_data (DRF's SkipField)


class GiveUp(Exception):
    """The plan is not certain about this value: DRF validates the data."""


class Unsupported(Exception):
    """A field or serializer the plans do not know: its serializer class is always validated by DRF."""


def fast_validate(serializer_class, data):
    """validated_data for `data` by the class's compiled plan, or NOT_FAST when DRF has to validate it."""
    plan = _plan_of(serializer_class)
    if plan is None:
        return NOT_FAST
    try:
        if type(data) is dict:
            return plan.run(data)
        if hasattr(data, "getlist") and plan.html_steps is not None:  # a QueryDict: DRF's html-input rules
            return plan.run_html(data)
    except Exception:  # noqa: BLE001  any doubt, including DRF's own exceptions: DRF decides and reports
        pass
    return NOT_FAST


_FIELD_COMPILERS: dict[type, object] = {}


def fast_field(*field_classes):
    """Register `compiler(field) -> convert(raw)` for exactly these classes (a subclass may accept other values,
    so it is only compiled once it registers). convert gets the sent value, or `empty` when the key is absent."""
    def register(compiler):
        for field_class in field_classes:
            _FIELD_COMPILERS[field_class] = compiler
        return compiler
    return register


def _give_up(*_):
    raise GiveUp


def leaf(field, convert_value):
    """DRF's Field.validate_empty_values (not partial) around convert_value, which sees sent, non-null values."""
    if field.required:
        absent = _give_up  # "This field is required."
    elif field.default is empty:
        absent = lambda: SKIP  # noqa: E731
    elif callable(field.default):
        if getattr(field.default, "requires_context", False):
            raise Unsupported(field)
        absent = field.default  # dict / list: a fresh object each time, as DRF's get_default
    else:
        default = field.default
        absent = lambda: default  # noqa: E731
    allow_null = field.allow_null

    def convert(raw):
        if raw is empty:
            return absent()
        if raw is None:
            return None if allow_null else _give_up()
        return convert_value(raw)
    return convert


def _expect_validators(field, *expected):
    """Unsupported unless the field's validators are exactly those its arguments create, e.g. (MaxLengthValidator,
    100): validators passed by the caller, or edited after __init__, are not known to the plan."""
    actual = [(type(v), getattr(v, "limit_value", True)) for v in field.validators]  # True: takes no limit
    if actual != [(kind, limit) for kind, limit in expected if limit is not None]:
        raise Unsupported(field)


def _no_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")  # strict UTF-8 refuses exactly the surrogate code points
    except UnicodeEncodeError:
        return False
    return True


def char_value(field):
    """CharField.run_validation, to_internal_value and its length / null-character / surrogate validators."""
    _expect_validators(field, (MaxLengthValidator, field.max_length), (MinLengthValidator, field.min_length),
                       (ProhibitNullCharactersValidator, True), (ProhibitSurrogateCharactersValidator, True))
    trim, allow_blank = field.trim_whitespace, field.allow_blank
    max_length, min_length = field.max_length, field.min_length

    def convert_value(raw):
        kind = type(raw)
        if kind is str:
            value = raw.strip() if trim else raw
        elif kind is int or kind is float:  # DRF is lenient with numbers (not booleans): str(raw)
            value = str(raw)
        else:
            raise GiveUp
        if not value:
            return "" if allow_blank else _give_up()
        if ((max_length is not None and len(value) > max_length) or (min_length is not None and len(value) < min_length)
                or "\x00" in value or not (value.isascii() or _no_surrogates(value))):
            raise GiveUp
        return value
    return convert_value


def decimal_value(field):
    """DecimalField: blank text is None when nullable; else Decimal of the (stripped) text, finite, within
    max_digits / decimal_places, quantized. The quantize only appends zeros once the precision checks passed, so
    its context (DRF copies the thread's) cannot change the result."""
    if field.localize or field.validators or field.max_digits is None or field.decimal_places is None:
        raise Unsupported(field)
    max_digits, places, max_whole = field.max_digits, field.decimal_places, field.max_whole_digits
    allow_null, max_text = field.allow_null, field.MAX_STRING_LENGTH
    quantum, context = Decimal(".1") ** places, Context(prec=max_digits)

    def convert_value(raw):
        kind = type(raw)
        if kind is str:
            text = raw.strip()
        elif kind is int or kind is float:  # a JSON float goes through its shortest text, as smart_str does
            text = str(raw)
        else:
            raise GiveUp
        if not text:
            return None if allow_null else _give_up()
        if len(text) > max_text:
            raise GiveUp
        value = Decimal(text)  # raises on malformed text: DRF reports it
        if not value.is_finite():
            raise GiveUp
        _, digits, exponent = value.as_tuple()
        if exponent >= 0:
            total = whole = len(digits) + exponent
            decimals = 0
        elif len(digits) > -exponent:
            total, decimals = len(digits), -exponent
            whole = total - decimals
        else:
            total = decimals = -exponent
            whole = 0
        if total > max_digits or decimals > places or whole > max_whole:
            raise GiveUp
        return value.quantize(quantum, context=context)
    return convert_value


_PLAIN_INT = re.compile(r"[-+]?[0-9]{1,100}")


def integer_value(field):
    """IntegerField for ints (not booleans) and plain ASCII digit strings, with its min_value / max_value."""
    _expect_validators(field, (MaxValueValidator, field.max_value), (MinValueValidator, field.min_value))
    low, high = field.min_value, field.max_value

    def convert_value(raw):
        kind = type(raw)
        if kind is int and raw.bit_length() <= 256:
            value = raw
        elif kind is str and _PLAIN_INT.fullmatch(raw):
            value = int(raw)
        else:
            raise GiveUp  # "12.0", 12.0, " 12 " and huge numbers: DRF decides
        if (low is not None and value < low) or (high is not None and value > high):
            raise GiveUp
        return value
    return convert_value


def boolean_value(field):
    """BooleanField: its TRUE / FALSE (and, when nullable, NULL) values; strings compared in lower case."""
    if field.validators:
        raise Unsupported(field)
    true, false, null = field.TRUE_VALUES, field.FALSE_VALUES, field.NULL_VALUES if field.allow_null else ()

    def convert_value(raw):
        kind = type(raw)
        if kind is str:
            raw = raw.lower()
        elif kind is not bool and kind is not int and kind is not float:
            raise GiveUp
        if raw in true:
            return True
        if raw in false:
            return False
        return None if raw in null else _give_up()
    return convert_value


@fast_field(serializers.CharField)
def _char(field):
    return leaf(field, char_value(field))


@fast_field(serializers.DecimalField)
def _decimal(field):
    return leaf(field, decimal_value(field))


@fast_field(serializers.IntegerField)
def _integer(field):
    return leaf(field, integer_value(field))


@fast_field(serializers.BooleanField)
def _boolean(field):
    return leaf(field, boolean_value(field))


@fast_field(_UnvalidatedField)
def _unvalidated(field):
    return leaf(field, lambda raw: raw)


@fast_field(serializers.DictField)
def _dict(field):
    """DictField without child validation: a new dict with str keys and the same values."""
    if type(field.child) is not _UnvalidatedField or field.validators:
        raise Unsupported(field)
    allow_empty = field.allow_empty

    def convert_value(raw):
        if type(raw) is not dict or not (allow_empty or raw):
            raise GiveUp
        return {str(key): value for key, value in raw.items()}
    return leaf(field, convert_value)


@fast_field(serializers.ListField)
def _list(field):
    """ListField of a compiled child, with allow_empty and its min / max length."""
    child = _converter(field.child)
    _expect_validators(field, (MaxLengthValidator, field.max_length), (MinLengthValidator, field.min_length))
    allow_empty, max_length, min_length = field.allow_empty, field.max_length, field.min_length

    def convert_value(raw):
        if type(raw) is not list or not (allow_empty or raw):
            raise GiveUp
        items = [child(item) for item in raw]
        if (max_length is not None and len(items) > max_length) or (min_length is not None and len(items) < min_length):
            raise GiveUp
        return items
    return leaf(field, convert_value)


def _plain_json(value, depth: int = 0) -> bool:
    """True when json.dumps(value) surely succeeds: JSON's own types, str keys, ints json can print, bounded depth."""
    kind = type(value)
    if kind is str or kind is float or kind is bool or value is None:
        return True
    if kind is int:
        return value.bit_length() <= 4096
    if depth >= 64:
        return False
    if kind is list:
        return all(_plain_json(item, depth + 1) for item in value)
    if kind is dict:
        return all(type(key) is str and _plain_json(item, depth + 1) for key, item in value.items())
    return False


@fast_field(serializers.JSONField)
def _json(field):
    """JSONField (not binary): DRF checks that the value can be dumped and returns the same object."""
    if field.binary or field.encoder is not None or field.validators:
        raise Unsupported(field)
    return leaf(field, lambda raw: raw if _plain_json(raw) else _give_up())


@fast_field(serializers.DateTimeField, serializers.DateField, serializers.TimeField)
def own_validation(field):
    """The declared field's own run_validation: exact by construction for fields that read neither their parent
    nor the serializer's context (an unbound field is its own root, so never partial)."""
    if any(getattr(v, "requires_context", False) for v in field.validators) or \
            getattr(field.default, "requires_context", False):
        raise Unsupported(field)
    run_validation = field.run_validation

    def convert(raw):
        try:
            return run_validation(raw)
        except SkipField:
            return SKIP
    return convert


def _nested(field):
    plan = _plan_of(type(field))
    if plan is None or field.validators:
        raise Unsupported(field)
    return leaf(field, lambda raw: plan.run(raw) if type(raw) is dict else _give_up())


def _many(field):
    """A plain ListSerializer of a compiled serializer: a list of dicts, each validated by the child's plan."""
    plan = _plan_of(type(field.child))
    if type(field) is not serializers.ListSerializer or plan is None or field.validators or field.child.validators:
        raise Unsupported(field)
    allow_empty, max_length, min_length, run = field.allow_empty, field.max_length, field.min_length, plan.run

    def convert_value(raw):
        if type(raw) is not list or not (allow_empty or raw) or (max_length is not None and len(raw) > max_length) \
                or (min_length is not None and len(raw) < min_length):
            raise GiveUp
        return [run(item) if type(item) is dict else _give_up() for item in raw]
    return leaf(field, convert_value)


def _converter(field):
    if isinstance(field, serializers.ListSerializer):
        return _many(field)
    if isinstance(field, serializers.Serializer):
        return _nested(field)
    compiler = _FIELD_COMPILERS.get(type(field))
    if compiler is None:
        raise Unsupported(field)
    return compiler(field)


def _html_getter(name, field):
    """Field.get_value for html input (a QueryDict), not partial; None for fields that override get_value."""
    if type(field).get_value is not serializers.Field.get_value:
        return None
    absent = field.default_empty_html
    allow_blank = getattr(field, "allow_blank", False)
    if field.allow_null:
        blank = "" if allow_blank else None
    elif not field.required:
        blank = "" if allow_blank else empty
    else:
        blank = ""

    def get(data):
        if name not in data:
            return absent
        value = data[name]
        return blank if value == "" else value
    return get


# Serializer methods that validation runs through: a class that overrides any of them is left to DRF.
_SERIALIZER_HOOKS = ("__init__", "fields", "_writable_fields", "get_validators", "get_value", "run_validation",
                     "validate_empty_values", "to_internal_value", "run_validators", "validate", "set_value")


class _Plan:
    """One converter per writable field, in declaration order (and the html-input getters, when all have one)."""

    __slots__ = ("steps", "html_steps")

    def __init__(self, steps, html_steps):
        self.steps, self.html_steps = steps, html_steps

    def run(self, data: dict) -> dict:
        validated = {}
        for name, convert in self.steps:
            value = convert(data.get(name, empty))
            if value is not SKIP:
                validated[name] = value
        return validated

    def run_html(self, data) -> dict:
        validated = {}
        for name, get, convert in self.html_steps:
            value = convert(get(data))
            if value is not SKIP:
                validated[name] = value
        return validated


def _customised(serializer_class) -> bool:
    """True when the class changes how DRF validates: its fields, a validation hook, or Meta.validators."""
    return (serializer_class.get_fields not in (InputSerializer.get_fields, serializers.Serializer.get_fields)
            or any(getattr(serializer_class, hook) is not getattr(serializers.Serializer, hook)
                   for hook in _SERIALIZER_HOOKS)
            or bool(getattr(getattr(serializer_class, "Meta", None), "validators", None)))


def _compile(serializer_class) -> _Plan:
    if _customised(serializer_class):
        raise Unsupported(serializer_class)
    steps, html_steps = [], []
    for name, field in serializer_class._declared_fields.items():
        if field.read_only:
            continue
        if field.source not in (None, name) or hasattr(serializer_class, "validate_" + name):
            raise Unsupported(field)
        convert = _converter(field)
        steps.append((name, convert))
        html_steps.append((name, _html_getter(name, field), convert))
    if any(get is None for _, get, _ in html_steps):
        html_steps = None
    return _Plan(tuple(steps), None if html_steps is None else tuple(html_steps))


_PLANS: dict[type, _Plan | None] = {}
_PLANS_LOCK = threading.RLock()  # re-entrant: a plan compiles the plans of its nested serializers


def _plan_of(serializer_class) -> _Plan | None:
    """The class's plan (None: always DRF), compiled on first use, once per process."""
    try:
        return _PLANS[serializer_class]
    except KeyError:
        pass
    with _PLANS_LOCK:
        if serializer_class not in _PLANS:
            try:
                _PLANS[serializer_class] = _compile(serializer_class)
            except Unsupported:
                _PLANS[serializer_class] = None
        return _PLANS[serializer_class]
