"""The engine's log and planned effects hold JSON values only, for every registered effect type.

A bill stores its evaluation log and planned effects as the engine gives them (no copy through an encoder), so
what it stores and what it reads back must be the same values: this pins that contract for each effect class.
"""
import json
from decimal import Decimal

import pytest

from apps.rules.effects import EFFECTS
from apps.rules.engine import evaluate
from apps.transactions.services.earning import planned_effects
from tests.factories.coupons import CouponSeriesFactory
from tests.factories.rules import RuleFactory
from tests.rules.conftest import line

pytestmark = pytest.mark.django_db
D = Decimal


def _samples(org) -> dict[str, list[dict]]:
    """Params that make each effect type plan something for a labelled customer's bill."""
    return {
        "award_points": [
            {"basis": "bill_percent", "value": "1.5"},
            {"basis": "line_percent", "value": "10", "items": {"categories": ["Shoes"]},
             "multipliers": [{"brands": ["Acme"], "factor": "2"}]},
            {"basis": "line_per_unit", "value": "3", "tier_values": {"Gold": "5"}},
            {"basis": "bill_fixed", "value": "7", "expiresAt": "2027-01-31T00:00:00+00:00", "transferable": False},
        ],
        "add_label": [{"label": "Big spender"}],
        "remove_label": [{"label": "Lapsed"}],
        "send_message": [{"channel": "EMAIL", "subject": "Thanks {rule_name}", "body": "You earned points"}],
        "emit_event": [{"event_name": "bigSpender"}],
        "issue_coupon": [{"series_id": CouponSeriesFactory(org=org).pk}],
    }


def test_every_effect_types_log_and_planned_effects_are_json_values(org, program, event):
    # given: a rule per sample of every registered effect type, with a per-bill cap, a customer cap and a budget
    samples = _samples(org)
    assert set(EFFECTS) <= set(samples), f"add sample params for {sorted(set(EFFECTS) - set(samples))}"
    for priority, (effect_type, params_list) in enumerate(samples.items(), start=1):
        if effect_type not in EFFECTS:
            continue
        for params in params_list:
            RuleFactory(org=org, program=program, priority=priority, effects=[{"type": effect_type, "params": params}],
                        max_points_per_bill=D("40"), max_points_per_customer=D("1000"), customer_cap_period="MONTH",
                        budget_points=D("100000"))
    context = event(amount="2000", labels=["Lapsed"], tier={"number": 2, "name": "Gold"},
                    lines=[line(0, "1200", category="Shoes", brand="Acme", qty="2"), line(1, "800")])
    # when
    evaluation = evaluate(context)
    # then: every type planned, and the log and the planned effects are their own JSON round trip
    planned = planned_effects(evaluation)
    assert {item["type"] for item in planned} == set(EFFECTS)
    assert any(entry.get("capped") for entry in evaluation.log)  # the cap notes are in the log too
    for value in (evaluation.log, planned):
        assert json.loads(json.dumps(value)) == value
        assert json.dumps(json.loads(json.dumps(value)), sort_keys=True) == json.dumps(value, sort_keys=True)


def test_line_points_text_follows_the_award_and_is_a_copy_each_time():
    from apps.rules.contexts import PlannedEffect
    from apps.rules.effects.points import award_shrink

    effect = PlannedEffect(rule_id=1, rule_name="r", effect_type="award_points", params={}, points=D("10"),
                           line_points={1: D("7"), 0: D("3")})
    first = effect.line_points_text()
    assert first == {"0": "3", "1": "7"} and list(first) == ["0", "1"]
    first["0"] = "changed"
    assert effect.line_points_text() == {"0": "3", "1": "7"}  # the caller's copy was changed, not the award's
    award_shrink(effect, D("5"), D("1"))  # a cap lowers the award: a new spread
    assert effect.line_points_text() == {"0": "2", "1": "3"} == {str(k): str(v) for k, v in effect.line_points.items()}
    assert effect.log_item()["linePoints"] == effect.line_points_text()
