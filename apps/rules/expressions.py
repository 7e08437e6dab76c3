"""Rule conditions in CEL (cel-python): checked when saved, compiled once and cached, run against one activation
built per evaluation. Nothing here ever calls eval on marketer input; CEL has no access to Python objects.

What a condition can read (every name is always present, so no condition trips over a missing customer or tier):
  bill      number, type, amount, gross_amount, discount, currency, billing_time, payment_modes[{mode, value}],
            extended_fields{...}, custom_fields{...}, line_count, total_qty
  lines     [{index, item_code, description, qty, rate, value, discount, amount, category, brand, attributes{...}}]
  customer  exists, id, labels[...], tier{number, name}, registered_on, days_since_registration, is_loyalty,
            extended_fields{...}
  tier      number, name          (number 0 and name "" when the customer has no tier)
  store     exists, id, code, name, zone, concept, city
  time      hour, minute, weekday (1 Monday .. 7 Sunday), day, month, year, date ("YYYY-MM-DD"), in the store's
            (else the org's) time zone
  event     type, payload{...}    (a custom event's payload)
Money and quantities are CEL doubles: compare them with >, >=, <, <= freely, but write 100.0 (not 100) for == or !=
and arithmetic. Maps marked {...} hold whatever the bill or event carried: test a key with `"k" in map` first.
"""
from __future__ import annotations

import logging
import operator
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import celpy
import lark
from celpy import celtypes

from .errors import RuleConditionInvalid

# celpy logs every failed evaluation at ERROR; the engine records the error in the evaluation log instead.
logging.getLogger("celpy").setLevel(logging.CRITICAL)

MAX_CONDITION_LENGTH = 4000
SCALAR, DYNAMIC = "scalar", "dynamic"
TIER = {"number": SCALAR, "name": SCALAR}
LINE = {name: SCALAR for name in ("index", "item_code", "description", "qty", "rate", "value", "discount", "amount",
                                   "category", "brand")} | {"attributes": DYNAMIC}
SCHEMA: dict = {
    "bill": {name: SCALAR for name in ("number", "type", "amount", "gross_amount", "discount", "currency",
                                       "billing_time", "line_count", "total_qty")}
    | {"payment_modes": ("list", {"mode": SCALAR, "value": SCALAR}), "extended_fields": DYNAMIC,
       "custom_fields": DYNAMIC},
    "lines": ("list", LINE),
    "customer": {name: SCALAR for name in ("exists", "id", "registered_on", "days_since_registration", "is_loyalty")}
    | {"labels": ("list", SCALAR), "tier": TIER, "extended_fields": DYNAMIC},
    "tier": TIER,
    "store": {name: SCALAR for name in ("exists", "id", "code", "name", "zone", "concept", "city")},
    "time": {name: SCALAR for name in ("hour", "minute", "weekday", "day", "month", "year", "date")},
    "event": {"type": SCALAR, "payload": DYNAMIC},
}
MACROS = {"exists", "all", "exists_one", "map", "filter"}
# Grammar nodes that only wrap their single child (so "l" inside a macro's argument list is still the name "l").
_PASS_THROUGH = {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary",
                 "member", "primary", "ident"}

_environment: celpy.Environment | None = None
_programs: OrderedDict[str, CompiledCondition] = OrderedDict()
_CACHE_SIZE = 2048
_cache_lock = threading.Lock()
# The compiled runner executes in celpy's module globals, so two threads must not evaluate at the same time.
_evaluate_lock = threading.Lock()


def _env() -> celpy.Environment:
    global _environment
    if _environment is None:
        # Only the compiled runner is ever used: celpy shares one parser per process, built for the first runner.
        _environment = celpy.Environment(runner_class=celpy.CompiledRunner)
    return _environment


# -- checking -----------------------------------------------------------------------------------------------------
def _chain(node) -> list[str] | None:
    """The dotted name a member expression spells (["bill", "amount"]), or None when it is not a plain chain."""
    if isinstance(node, lark.Token):
        return [node.value] if node.type == "IDENT" else None
    if node.data == "member_dot":
        inner = _chain(node.children[0])
        return inner + [node.children[1].value] if inner else None
    if node.data in _PASS_THROUGH and len(node.children) == 1:
        return _chain(node.children[0])
    return None


def _resolve(chain: list[str], bound: dict) -> object:
    """The schema a chain reaches; raises RuleConditionInvalid naming the first unknown part."""
    root = chain[0]
    if root in bound:
        schema = bound[root]
    elif root in SCHEMA:
        schema = SCHEMA[root]
    else:
        raise RuleConditionInvalid(detail=f"unknown name '{root}'; use one of {', '.join(SCHEMA)}")
    for depth, part in enumerate(chain[1:], start=1):
        if schema == DYNAMIC:
            return DYNAMIC
        if not isinstance(schema, dict):
            raise RuleConditionInvalid(detail=f"'{'.'.join(chain[:depth])}' has no field '{part}'")
        if part not in schema:
            raise RuleConditionInvalid(detail=f"'{'.'.join(chain[:depth])}' has no field '{part}'; "
                                              f"it has {', '.join(sorted(schema))}")
        schema = schema[part]
    return schema


def _check_tree(node, bound: dict) -> None:
    """Walk the parse tree: every name must be known, every field must exist, has() is refused."""
    if isinstance(node, lark.Token):
        return
    if node.data == "ident_arg" and node.children[0].value == "has":
        raise RuleConditionInvalid(detail='has() is not supported; test a key with "key" in map')
    if node.data == "ident":
        _resolve([node.children[0].value], bound)
        return
    if node.data == "member_dot":
        chain = _chain(node)
        if chain:
            _resolve(chain, bound)
            return
    if node.data == "member_dot_arg" and node.children[1].value in MACROS and len(node.children) > 2:
        _check_macro(node, bound)
        return
    for child in node.children:
        _check_tree(child, bound)


def _check_macro(node, bound: dict) -> None:
    """lines.exists(l, l.amount > 100.0): the bound variable takes the list's element shape."""
    target, args = node.children[0], node.children[2].children
    _check_tree(target, bound)
    chain = _chain(target)
    element = DYNAMIC
    if chain:
        shape = _resolve(chain, bound)
        if isinstance(shape, tuple):
            element = shape[1]
    variable = _chain(args[0]) if args else None
    inner = dict(bound)
    if variable and len(variable) == 1:
        inner[variable[0]] = element
        args = args[1:]
    for arg in args:
        _check_tree(arg, inner)


def _eval_error_text(error) -> str:
    """The most telling message of a (deeply nested) CELEvalError, in words a marketer can act on."""
    texts, stack = [], [error]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseException):
            stack.extend(item.args)
        elif isinstance(item, tuple):
            stack.extend(item)
        elif isinstance(item, str) and item != "evaluation error":
            texts.append(item)
    text = max(texts, key=len) if texts else str(error)
    text = re.sub(r"\s*<class '[\w.]+'>", "", text).strip()
    operands = re.findall(r"(\w+)Type\(([^)]*)\)", text)
    if text.startswith("no such overload") and len(operands) >= 2:
        (kind_a, value_a), (kind_b, value_b) = operands[:2]
        text = f"cannot compare or combine {kind_a.lower()} {value_a} with {kind_b.lower()} {value_b}"
        if {kind_a, kind_b} == {"Double", "Int"}:
            text += (". Amounts and quantities are decimals: write 100.0, not 100, when comparing with == or != "
                     "or doing arithmetic")
    return text[:300]


def _type_name(value) -> str:
    for kind, name in ((bool, "bool"), (int, "int"), (float, "double"), (str, "string"), (list, "list"),
                       (dict, "map")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def _missing_member(error) -> bool:
    return "no such member in mapping" in str(error.args)


@dataclass(frozen=True)
class CompiledCondition:
    """A condition transpiled by celpy's CompiledRunner, with its own namespace to run in.

    celpy's generated code builds every integer literal anew on each run, and IntType's constructor is slow (it
    wraps a range check in a new function each time), so integer literals are built once here instead. Likewise its
    comparison operators (bool_ge is `boolean(operator.ge)(a, b)`: a new wrapped function per comparison) and size()
    (an IntType of the length) are replaced by the very functions they build, made once per process.
    """

    runner: celpy.Runner
    code: object
    namespace: dict


_INT_LITERAL = re.compile(r"celpy\.celtypes\.IntType\((-?\d+)\)")


def cel_int(value: int) -> celtypes.IntType:
    """A CEL int without IntType's per-call wrapper (values here are small: range-checked by the caller)."""
    return int.__new__(celtypes.IntType, value)


def _function_size(container):
    """celpy.evaluation.function_size: IntType(0) for null, else IntType(len(container)) (a length always fits)."""
    if container is None:
        return cel_int(0)
    return cel_int(len(container))


_PREBUILT = {f"bool_{name}": celpy.evaluation.boolean(getattr(operator, name))
             for name in ("lt", "le", "gt", "ge", "eq", "ne")} | {"function_size": _function_size}
_PREBUILT_CALL = re.compile(rf"celpy\.evaluation\.({'|'.join(_PREBUILT)})\(")


def _compiled(text: str, runner: celpy.Runner) -> CompiledCondition:
    source, constants = runner.tp.source_text, {}
    if "IntType" not in text:  # never rewrite inside a string literal that happens to spell it
        def hoist(match):
            value = int(match.group(1))
            name = f"_cel_int_{'m' if value < 0 else ''}{abs(value)}"
            constants[name] = celtypes.IntType(value)
            return name
        source = _INT_LITERAL.sub(hoist, source)
    if not any(name in text for name in _PREBUILT):  # the same care for string literals
        source = _PREBUILT_CALL.sub(lambda match: f"_cel_{match.group(1)}(", source)
        constants.update({f"_cel_{name}": function for name, function in _PREBUILT.items()})
    namespace = {**celpy.evaluation.result.__globals__, **constants}
    return CompiledCondition(runner=runner, code=compile(source, "<cel condition>", "exec"), namespace=namespace)


def condition_compile(text: str) -> CompiledCondition | None:
    """The cached compiled condition (None for an empty one); compiled and cached on first use, per text."""
    text = (text or "").strip()
    if not text:
        return None
    with _cache_lock:
        program = _programs.get(text)
        if program is not None:
            _programs.move_to_end(text)
            return program
    env = _env()
    program = _compiled(text, env.program(env.compile(text)))
    with _cache_lock:
        _programs[text] = program
        while len(_programs) > _CACHE_SIZE:
            _programs.popitem(last=False)
    return program


def condition_check(text: str) -> None:
    """Refuse a condition that does not parse, names unknown fields, or cannot yield true/false on a sample event."""
    text = (text or "").strip()
    if not text:
        return
    if len(text) > MAX_CONDITION_LENGTH:
        raise RuleConditionInvalid(detail=f"at most {MAX_CONDITION_LENGTH} characters")
    try:
        tree = _env().compile(text)
    except celpy.CELParseError as exc:
        raise RuleConditionInvalid(detail=f"syntax error at line {exc.line}, column {exc.column}") from None
    _check_tree(tree, {})
    try:
        program = condition_compile(text)
        value = _run(program, SAMPLE_ACTIVATION())
    except celpy.CELEvalError as exc:
        if _missing_member(exc):
            return
        raise RuleConditionInvalid(detail=_eval_error_text(exc)) from None
    except Exception as exc:  # noqa: BLE001 (celpy's transpiler raises plain Python errors on odd input)
        raise RuleConditionInvalid(detail=f"cannot be compiled ({type(exc).__name__})") from None
    if not isinstance(value, celtypes.BoolType):
        raise RuleConditionInvalid(detail=f"must give true or false, not {_type_name(value)}")


# -- running ------------------------------------------------------------------------------------------------------
@dataclass
class ConditionResult:
    value: bool
    error: str = ""


class PreparedActivation:
    """One event's values, loaded into a celpy Activation once and shared by every condition of the evaluation.

    CompiledRunner.evaluate would clone the environment's activation and load every value again for each rule;
    conditions never change their activation (macros work on nested ones), so one copy serves them all.
    """

    def __init__(self, values: dict):
        self.values = values
        self._activation = None

    def for_program(self, program: CompiledCondition):
        if self._activation is None:
            # Every program of the shared environment starts from the same base activation.
            activation = program.runner.tp.base_activation.clone()
            activation.identifiers.load_values(self.values)
            activation.__class__ = _FastActivation
            activation.fast_bind(self.values)
            self._activation = activation
        return self._activation


class _FastActivation(celpy.evaluation.Activation):
    """celpy's Activation with the event's names also bound as plain attributes.

    The generated code reads `activation.bill`; celpy answers through __getattr__, which resolves the name and
    builds a typing cast on every access. A plain attribute is found before __getattr__ is ever consulted; names
    that would shadow the Activation's own attributes are left to celpy.
    """

    RESERVED = frozenset(dir(celpy.evaluation.Activation)) | {"functions", "identifiers", "package", "fast_values"}

    def fast_bind(self, values: dict) -> None:
        self.fast_values = {name: value for name, value in values.items() if name not in self.RESERVED}
        self.__dict__.update(self.fast_values)

    def nested_activation(self, annotations=None, vars=None):
        nested = super().nested_activation(annotations=annotations, vars=vars)
        nested.__class__ = _FastActivation
        nested.fast_bind({**self.fast_values, **(vars or {})})
        return nested


def _run(program: CompiledCondition, prepared: PreparedActivation):
    """Run a compiled condition as CompiledRunner.evaluate does — celpy's code object, transpiled from the CEL
    tree (never from raw text) — against the shared activation."""
    activation = prepared.for_program(program)
    with _evaluate_lock:
        namespace = program.namespace
        namespace["base_activation"] = activation
        try:
            exec(program.code, namespace)  # noqa: S102 (celpy's compiled CEL, see docstring)
        except Exception as exc:  # noqa: BLE001 (a Python error inside the generated code is an evaluation error)
            raise celpy.CELEvalError("evaluation error", type(exc), exc.args) from None
        value = namespace["CEL"]
    if isinstance(value, celpy.CELEvalError):
        raise value
    return value


def condition_run(text: str, activation: PreparedActivation) -> ConditionResult:
    """Evaluate a condition; an empty condition is true; an evaluation error is reported, never raised."""
    program = condition_compile(text)
    if program is None:
        return ConditionResult(True)
    try:
        value = _run(program, activation)
    except celpy.CELEvalError as exc:
        return ConditionResult(False, _eval_error_text(exc))
    except Exception as exc:  # noqa: BLE001 (a Python error inside celpy's generated code)
        return ConditionResult(False, f"{type(exc).__name__}: {exc}"[:300])
    if not isinstance(value, celtypes.BoolType):
        return ConditionResult(False, f"gave {_type_name(value)}, not true or false")
    return ConditionResult(bool(value))


# -- Python values to CEL values ------------------------------------------------------------------------------------
# The activation is rebuilt for every bill, so conversion is on the hot path. celpy's constructors (StringType(),
# DoubleType(), BoolType(), MapType()) re-check their argument's type before doing what the base type's constructor
# does; for a value whose exact type is already known the base constructor gives the same object, at a fraction of
# the cost. MapType.__init__ copies the items in one by one in Python: filling the dict directly gives the same map.
def _cel_string(value: str) -> celtypes.StringType:
    return str.__new__(celtypes.StringType, value)


def _cel_number(value) -> celtypes.DoubleType:
    return float.__new__(celtypes.DoubleType, float(value))


def _cel_bool(value: bool) -> celtypes.BoolType:
    return int.__new__(celtypes.BoolType, value)


def _cel_integer(value: int):
    return cel_int(value) if -(2**63) <= value < 2**63 else celtypes.IntType(value)


_CONVERT = {str: _cel_string, Decimal: _cel_number, float: _cel_number, int: _cel_integer, bool: _cel_bool}


def _schema_keys(schema, found: set) -> set:
    if isinstance(schema, dict):
        for name, inner in schema.items():
            found.add(name)
            _schema_keys(inner, found)
    elif isinstance(schema, tuple):
        _schema_keys(schema[1], found)
    return found


# Map keys are immutable strings: the schema's field names are converted once per process and shared by every map.
# Other keys (extended fields, event payloads) are the caller's data and are converted each time, so this stays small.
_KEYS: dict[str, celtypes.StringType] = {name: celtypes.StringType(name) for name in _schema_keys(SCHEMA, set())}


def _cel_map(value: dict) -> celtypes.MapType:
    """MapType({StringType(str(k)): to_cel(v)}), filled directly (see above)."""
    cel = dict.__new__(celtypes.MapType)
    keys, convert_of = _KEYS, _CONVERT
    for key, item in value.items():
        name = keys.get(key) if type(key) is str else None
        if name is None:
            name = celtypes.StringType(str(key))
        convert = convert_of.get(type(item))
        cel[name] = convert(item) if convert is not None else to_cel(item)
    return cel


def to_cel(value):
    """Python → CEL value: Decimal and float become doubles, dates become ISO strings, None stays null."""
    convert = _CONVERT.get(type(value))
    if convert is not None:
        return convert(value)
    if value is None:
        return None
    if isinstance(value, dict):
        return _cel_map(value)
    if isinstance(value, list | tuple):
        return celtypes.ListType([to_cel(v) for v in value])
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return _cel_integer(value)
    if isinstance(value, Decimal | float):
        return _cel_number(value)
    if isinstance(value, datetime | date):
        return celtypes.StringType(value.isoformat())
    return celtypes.StringType(str(value))


def SAMPLE_ACTIVATION() -> PreparedActivation:  # noqa: N802 (reads like the constant it stands for)
    """A realistic event with every field filled, used to try a condition when it is saved."""
    line = {"index": 0, "item_code": "SKU-1", "description": "Shoe", "qty": Decimal("2"), "rate": Decimal("600"),
            "value": Decimal("1200"), "discount": Decimal("0"), "amount": Decimal("1200"), "category": "SHOES",
            "brand": "ACME", "attributes": {}}
    tier = {"number": 2, "name": "GOLD"}
    return PreparedActivation({name: to_cel(value) for name, value in {
        "bill": {"number": "B-1", "type": "REGULAR", "amount": Decimal("1200"), "gross_amount": Decimal("1250"),
                 "discount": Decimal("50"), "currency": "INR", "billing_time": "2026-01-15T10:00:00+00:00",
                 "payment_modes": [{"mode": "CARD", "value": Decimal("1200")}], "extended_fields": {},
                 "custom_fields": {}, "line_count": 1, "total_qty": Decimal("2")},
        "lines": [line],
        "customer": {"exists": True, "id": 1, "labels": ["VIP"], "tier": tier, "registered_on": "2025-01-01",
                     "days_since_registration": 380, "is_loyalty": True, "extended_fields": {}},
        "tier": tier,
        "store": {"exists": True, "id": 1, "code": "S1", "name": "Store", "zone": "south", "concept": "mall",
                  "city": "Bengaluru"},
        "time": {"hour": 10, "minute": 0, "weekday": 4, "day": 15, "month": 1, "year": 2026, "date": "2026-01-15"},
        "event": {"type": "BILL_ADDED", "payload": {}},
    }.items()})


def _customer_map(context, local: datetime) -> dict:
    customer, facts = context.customer, context.customer_facts
    if customer is None:
        return {"exists": False, "id": 0, "labels": [], "tier": {"number": 0, "name": ""}, "registered_on": "",
                "days_since_registration": 0, "is_loyalty": False, "extended_fields": {}}
    registered = facts.get("registered_on") or getattr(customer, "registered_on", None)
    if isinstance(registered, str):
        registered = datetime.fromisoformat(registered) if registered else None
    registered_day = registered.date() if isinstance(registered, datetime) else registered
    tier = facts.get("tier") or {}
    return {"exists": True, "id": customer.pk, "labels": list(facts.get("labels") or []),
            "tier": {"number": int(tier.get("number") or 0), "name": str(tier.get("name") or "")},
            "registered_on": registered_day.isoformat() if registered_day else "",
            "days_since_registration": (local.date() - registered_day).days if registered_day else 0,
            "is_loyalty": bool(getattr(customer, "is_loyalty", True)),
            "extended_fields": facts.get("extended_fields") or getattr(customer, "extended_fields", None) or {}}


def _store_map(store) -> dict:
    if store is None:
        return {"exists": False, "id": 0, "code": "", "name": "", "zone": "", "concept": "", "city": ""}
    return {"exists": True, "id": store.pk, "code": store.code, "name": store.name,
            "zone": store.zone.code if store.zone_id else "", "concept": store.concept.code if store.concept_id else "",
            "city": store.city}


def _bill_map(bill: dict | None, lines: list[dict]) -> dict:
    bill = bill or {}
    zero = Decimal("0")
    return {"number": str(bill.get("number") or ""), "type": str(bill.get("type") or ""),
            "amount": bill.get("amount") or zero, "gross_amount": bill.get("gross_amount") or zero,
            "discount": bill.get("discount") or zero, "currency": str(bill.get("currency") or ""),
            "billing_time": bill.get("billing_time") or "",
            "payment_modes": [{"mode": str(p.get("mode") or ""), "value": p.get("value") or zero}
                              for p in bill.get("payment_modes") or []],
            "extended_fields": bill.get("extended_fields") or {}, "custom_fields": bill.get("custom_fields") or {},
            "line_count": len(lines), "total_qty": sum((Decimal(str(line.get("qty") or 0)) for line in lines), zero)}


def _line_map(line: dict) -> dict:
    zero = Decimal("0")
    return {"index": int(line.get("index") or 0), "item_code": str(line.get("item_code") or ""),
            "description": str(line.get("description") or ""), "qty": line.get("qty") or zero,
            "rate": line.get("rate") or zero, "value": line.get("value") or zero,
            "discount": line.get("discount") or zero, "amount": line.get("amount") or zero,
            "category": str(line.get("category") or ""), "brand": str(line.get("brand") or ""),
            "attributes": line.get("attributes") or {}}


LINES_COUNT_ONLY = "lines:count"  # condition_names' mark for a condition that reads only how many lines there are


def condition_names(text: str) -> frozenset[str]:
    """The top-level names (bill, lines, customer, ...) a condition may read: every one its text spells as a word.

    A superset (a word inside a string literal counts too), so an activation holding these names is always enough.
    A condition that names `lines` only as `size(lines)` or `lines.size()` gets LINES_COUNT_ONLY instead: the lines'
    fields are never read, so activation_build need not convert them.
    """
    return _names_of(text or "")


_NAME_PATTERNS = {name: re.compile(rf"\b{name}\b") for name in SCHEMA}
_LINES_COUNTED = re.compile(r"\bsize\s*\(\s*lines\s*\)|\blines\s*\.\s*size\s*\(\s*\)")


def _names_of(text: str) -> frozenset[str]:
    with _cache_lock:
        found = _names_cache.get(text)
    if found is None:
        found = frozenset(name for name, pattern in _NAME_PATTERNS.items() if pattern.search(text))
        if "lines" in found and not _NAME_PATTERNS["lines"].search(_LINES_COUNTED.sub(" ", text)):
            found = found - {"lines"} | {LINES_COUNT_ONLY}
        with _cache_lock:
            if len(_names_cache) >= _CACHE_SIZE:
                _names_cache.clear()
            _names_cache[text] = found
    return found


_names_cache: dict[str, frozenset[str]] = {}


def activation_build(context, local: datetime, names: frozenset[str] | None = None) -> PreparedActivation:
    """The CEL activation of one event (built once per evaluation; `local` is the event time in local time).

    `names` limits it to the top-level names the conditions about to run read (condition_names): the others are
    never converted to CEL values. None builds all of them.
    """
    wanted = set(SCHEMA) if names is None else set(names)
    lines = context.lines or []
    if LINES_COUNT_ONLY in wanted and "lines" not in wanted:  # only counted: as many lines, their fields unread
        wanted.add("lines")
        line_maps = lambda: [{} for _ in lines]  # noqa: E731
    else:
        line_maps = lambda: [_line_map(line) for line in lines]  # noqa: E731
    builders = {
        "bill": lambda: _bill_map(context.bill, lines),
        "lines": line_maps,
        "customer": lambda: _customer_map(context, local),
        "tier": lambda: _customer_map(context, local)["tier"],
        "store": lambda: _store_map(context.store),
        "time": lambda: {"hour": local.hour, "minute": local.minute, "weekday": local.isoweekday(),
                         "day": local.day, "month": local.month, "year": local.year,
                         "date": local.date().isoformat()},
        "event": lambda: {"type": context.event_type, "payload": context.attributes.get("event") or {}},
    }
    return PreparedActivation({name: to_cel(build()) for name, build in builders.items() if name in wanted})
