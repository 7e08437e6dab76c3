"""The effect registry: each effect type is a class with a params schema (checked when a rule is saved), a pure
`plan` step (run by the engine) and an `apply` step (run by services.effects_apply inside its transaction).

A new effect (issue a coupon, grant a badge) is a new class decorated with @effect_register; nothing else changes.
"""
from __future__ import annotations

import copy
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from ..contexts import EventContext, PlannedEffect
from ..errors import RuleEffectsInvalid

MAX_EFFECTS = 20
MAX_LIST = 200


@dataclass(frozen=True)
class Param:
    """One parameter of an effect: its kind decides how the stored JSON value is checked and normalised."""

    name: str
    kind: str  # decimal | int | str | bool | choice | str_list | decimal_map | line_filter | multipliers
    required: bool = False
    default: object = None
    choices: tuple = ()
    minimum: Decimal | None = None
    max_length: int = 200
    pattern: str = ""
    help: str = ""


class ParamError(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")


def _decimal(name: str, value, minimum: Decimal | None) -> str:
    if isinstance(value, bool) or isinstance(value, float):
        raise ParamError(name, "give a decimal number as a string or an integer (no floats)")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ParamError(name, "not a number") from None
    if not number.is_finite() or number >= Decimal("1e12"):
        raise ParamError(name, "not a usable number")
    if minimum is not None and number < minimum:
        raise ParamError(name, f"must be at least {minimum}")
    return str(number)


def _str_list(name: str, value) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise ParamError(name, f"give a list of at most {MAX_LIST} names")
    items = [str(v).strip() for v in value if isinstance(v, str | int) and not isinstance(v, bool)]
    if len(items) != len(value) or not all(items):
        raise ParamError(name, "every item must be a non-empty name")
    return items


LINE_FILTER_KEYS = ("item_codes", "categories", "brands")


def _line_filter(name: str, value) -> dict:
    if not isinstance(value, dict) or set(value) - set(LINE_FILTER_KEYS):
        raise ParamError(name, f"give an object with any of {', '.join(LINE_FILTER_KEYS)}")
    return {key: _str_list(f"{name}.{key}", value[key]) for key in LINE_FILTER_KEYS if key in value}


def _multipliers(name: str, value) -> list[dict]:
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise ParamError(name, "give a list of {item_codes/categories/brands, factor}")
    cleaned = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, dict) or "factor" not in item:
            raise ParamError(f"{name}[{n}]", "needs a factor and item_codes, categories or brands")
        match = _line_filter(f"{name}[{n}]", {k: v for k, v in item.items() if k != "factor"})
        if not match:
            raise ParamError(f"{name}[{n}]", "name the item_codes, categories or brands it applies to")
        cleaned.append({**match, "factor": _decimal(f"{name}[{n}].factor", item["factor"], Decimal("0"))})
    return cleaned


def _param_clean(param: Param, value):
    kind, name = param.kind, param.name
    if kind == "decimal":
        return _decimal(name, value, param.minimum)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamError(name, "give a whole number")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ParamError(name, "give true or false")
        return value
    if kind in ("str", "choice"):
        if not isinstance(value, str) or not value.strip() or len(value) > param.max_length:
            raise ParamError(name, f"give a text of 1 to {param.max_length} characters")
        value = value.strip()
        if kind == "choice" and value not in param.choices:
            raise ParamError(name, f"one of {', '.join(param.choices)}")
        if param.pattern and not re.fullmatch(param.pattern, value):
            raise ParamError(name, f"must match {param.pattern}")
        return value
    if kind == "str_list":
        return _str_list(name, value)
    if kind == "decimal_map":
        if not isinstance(value, dict) or len(value) > MAX_LIST:
            raise ParamError(name, "give an object of name: number")
        return {str(k).strip(): _decimal(f"{name}.{k}", v, param.minimum) for k, v in value.items() if str(k).strip()}
    if kind == "line_filter":
        return _line_filter(name, value)
    if kind == "multipliers":
        return _multipliers(name, value)
    raise ParamError(name, f"unknown parameter kind {kind}")


class Effect(ABC):
    """Base class of an effect type."""

    type: ClassVar[str]
    label: ClassVar[str]
    params_schema: ClassVar[tuple[Param, ...]] = ()
    needs_customer: ClassVar[bool] = True

    def clean(self, params: dict, *, org) -> dict:
        """Checked, normalised params (decimals as strings); raises ParamError."""
        if not isinstance(params, dict):
            raise ParamError("params", "give an object")
        known = {p.name for p in self.params_schema}
        if unknown := sorted(set(params) - known):
            raise ParamError(unknown[0], f"unknown parameter (known: {', '.join(sorted(known)) or 'none'})")
        cleaned = {}
        for param in self.params_schema:
            value = params.get(param.name)
            if value is None or value == "" or value == [] or value == {}:
                if param.required:
                    raise ParamError(param.name, "required")
                if param.default is not None:
                    cleaned[param.name] = param.default
                continue
            cleaned[param.name] = _param_clean(param, value)
        return self.clean_together(cleaned, org=org)

    def clean_together(self, params: dict, *, org) -> dict:
        """Checks across parameters (override)."""
        return params

    @abstractmethod
    def plan(self, *, rule, params: dict, ctx: PlanContext) -> PlannedEffect | str:
        """The planned effect, or a short reason why it does nothing for this event."""

    @abstractmethod
    def apply(self, *, effect: PlannedEffect, run: ApplyRun) -> dict:
        """Carry the effect out inside effects_apply's transaction; idempotent on run.key(effect)."""

    @classmethod
    def describe(cls) -> str:
        parts = [f"{p.name} ({p.kind}{', required' if p.required else ''})" for p in cls.params_schema]
        return f"{cls.type}: {cls.label}. Params: {'; '.join(parts) or 'none'}"


EFFECTS: dict[str, Effect] = {}


def effect_register(cls: type[Effect]) -> type[Effect]:
    """Class decorator adding an effect type to the registry."""
    EFFECTS[cls.type] = cls()
    return cls


def effect_for(effect_type: str) -> Effect | None:
    return EFFECTS.get(effect_type)


def effects_clean(effects, *, org) -> list[dict]:
    """Check a rule's effects list against the registry; returns the normalised list or raises RuleEffectsInvalid."""
    if not isinstance(effects, list):
        raise RuleEffectsInvalid(detail="give a list of {type, params}")
    if len(effects) > MAX_EFFECTS:
        raise RuleEffectsInvalid(detail=f"at most {MAX_EFFECTS} effects per rule")
    cleaned = []
    for n, item in enumerate(effects, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str) or set(item) - {"type", "params"}:
            raise RuleEffectsInvalid(detail=f"effect {n}: give an object with type and params")
        handler = effect_for(item["type"])
        if handler is None:
            raise RuleEffectsInvalid(detail=f"effect {n}: unknown type '{item['type']}' "
                                            f"(known: {', '.join(sorted(EFFECTS))})")
        try:
            params = handler.clean(item.get("params") or {}, org=org)
        except ParamError as exc:
            raise RuleEffectsInvalid(detail=f"effect {n} ({item['type']}): {exc}") from None
        cleaned.append({"type": item["type"], "params": params})
    return cleaned


MEMO_LIMIT = 64  # entries per rule object: a rule edited in place again and again cannot grow its memo for ever


def rule_memo(rule, key, source, build):
    """build(source), worked out once per rule object and reused while `source` is unchanged.

    Running rules are loaded once per process and shared by every bill until one of the org's rules changes, when
    they are loaded again as new objects (selectors.rules_for_event, apps.core.orgcache). What is derived from a
    rule's own stored fields alone (casefolded names, Decimals of stored strings) is therefore kept on the rule
    object rather than recomputed per bill: one rule object belongs to one org, so no entry is ever shared between
    orgs, and a new rule version is a new object with an empty memo. A value is served only while `source` is the
    very object it was built from and still equal to a copy taken then, so a rule changed in place (a simulation or a
    test editing the object it evaluates) is never served a stale value.
    """
    attributes = getattr(rule, "__dict__", None)
    if attributes is None:
        return build(source)
    memo = attributes.get("_rule_memo")
    if memo is None:
        memo = attributes["_rule_memo"] = {}
    hit = memo.get(key)
    if hit is not None and hit[0] is source and hit[1] == source:
        return hit[2]
    value = build(source)
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = (source, copy.deepcopy(source), value)
    return value


@dataclass
class PlanContext:
    """What every effect's plan step reads, computed once per evaluation."""

    context: EventContext
    quantum: Decimal  # smallest points step of the programme
    round: object  # Callable[[Decimal], Decimal]: the programme's rounding (apps.points.services.points_round)
    planned_points: Decimal = Decimal("0")  # running total of the evaluation so far
    # values an effect derives from the event alone, kept for the evaluation's other rules (keys are the effect's)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def customer(self):
        return self.context.customer

    @property
    def tier(self) -> dict | None:
        return self.context.tier


@dataclass
class ApplyRun:
    """One effects_apply call: where the effects come from, who asked, and how to key them for idempotency."""

    org: object
    context: EventContext
    source_type: str
    source_ref: str
    actor: object
    idempotency_prefix: str
    total_points: Decimal
    applied_points: dict = field(default_factory=dict)  # rule id -> points credited in this run
    # rule id -> (cap period key, what the customer had from the rule in it before this run): customer tallies
    cap_periods: dict = field(default_factory=dict)
    fresh: bool = False  # the source was created in the caller's open transaction: nothing applied under it yet
    customer_locked: bool = False  # the caller locked the customer before evaluating: customer caps are exact
    # The customer's points account, locked in this transaction (by the caller, or by the run's first credit): later
    # credits of the run use this instance, so its totals carry every credit the run made.
    account: object | None = None

    def key(self, effect: PlannedEffect) -> str:
        return f"{self.idempotency_prefix}:rule:{effect.rule_id}:{effect.index}"
