"""The data the engine works on: the event context a caller builds, the effects it plans, and the evaluation it returns.

Re-exported by apps.rules.engine, which is where callers import them from.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

ZERO = Decimal("0")
_LOGGED_AWARD_PARAMS = frozenset(("basis", "rate", "rateSource", "uncapped", "cappedBy"))


@dataclass
class EventContext:
    """Everything a rule may look at. Built by the caller (transactions builds it from a bill)."""

    event_type: str  # "BILL_ADDED" | "BILL_RETURNED" | "CUSTOMER_REGISTERED" | a custom behavioural event name
    occurred_at: datetime  # aware
    org: object  # Organization
    program: object  # LoyaltyProgram: the programme points go to
    customer: object | None = None  # Customer
    store: object | None = None  # Store
    # {"number", "type", "amount" (Decimal, base currency), "gross_amount", "discount", "billing_time",
    #  "payment_modes": [{"mode", "value"}], "extended_fields": {}, "custom_fields": {}, "currency"}
    bill: dict | None = None
    # [{"index": 0, "item_code", "description", "qty" (Decimal), "rate", "value", "discount", "amount" (Decimal),
    #   "category", "brand", "attributes": {}}]
    lines: list[dict] = field(default_factory=list)
    # {"customer": {"labels": [...], "tier": None | {"number", "name"}, "registered_on", "extended_fields": {}},
    #  "event": {...custom event payload}}
    attributes: dict = field(default_factory=dict)

    @property
    def customer_facts(self) -> dict:
        return self.attributes.get("customer") or {}

    @property
    def tier(self) -> dict | None:
        return self.customer_facts.get("tier") or None

    def with_tier(self, tier: dict | None) -> EventContext:
        """A copy in which the customer is in another tier (tier-crossing bills)."""
        customer = {**self.customer_facts, "tier": tier}
        return replace(self, attributes={**self.attributes, "customer": customer})


@dataclass
class PlannedEffect:
    """One effect a rule will have, fully computed: applying it needs no further evaluation."""

    rule_id: int
    rule_name: str
    effect_type: str  # "award_points", "add_label", "remove_label", "send_message", "emit_event", ...
    params: dict  # JSON values only (str keys; str, int, bool, None, lists, dicts): the log and the bill store them
    points: Decimal = ZERO  # award_points: total points
    # award_points: line index -> points (replaced when the award changes, never changed in place)
    line_points: dict[int, Decimal] = field(default_factory=dict)
    bill_points: Decimal = ZERO  # award_points: the bill-level part (not tied to lines)
    index: int = 0  # position among the rule's planned effects (part of the idempotency key)

    def line_points_text(self) -> dict[str, str]:
        """linePoints as the log, the bill and effects_apply's results write them ({"0": "1.5"}, in line order): a
        new dict each call, its text worked out once per line_points dict (the log, the bill's effects and the
        results each write it for every award of every bill)."""
        cached = self.__dict__.get("_line_points_text")
        if cached is None or cached[0] is not self.line_points:
            cached = self.__dict__["_line_points_text"] = (
                self.line_points, {str(k): str(v) for k, v in sorted(self.line_points.items())})
        return dict(cached[1])

    def log_item(self) -> dict:
        if self.effect_type != "award_points":
            return {"type": self.effect_type, **self.params}
        item = {"type": self.effect_type, "points": str(self.points), "billPoints": str(self.bill_points),
                "linePoints": self.line_points_text()}
        for key, value in self.params.items():  # in the params' order
            if key in _LOGGED_AWARD_PARAMS:
                item[key] = value
        return item


@dataclass
class Evaluation:
    """What the rules decided for one event: the effects to apply, a readable log, and the points total.

    The log, like log_item(), holds JSON values only (amounts as text), so a bill stores it as it is and reads back
    what it stored (tests/rules/engine/test_log_json.py checks every registered effect type)."""

    effects: list[PlannedEffect]
    # Per candidate rule: {"ruleId", "ruleName", "matched", "reason", "effects": [{"type", "points", ...}], "stopped"}
    log: list[dict]
    total_points: Decimal = ZERO

    @property
    def awards(self) -> list[PlannedEffect]:
        return [effect for effect in self.effects if effect.effect_type == "award_points"]
