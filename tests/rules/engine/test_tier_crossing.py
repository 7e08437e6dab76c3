"""The tier hook: a bill crossing a tier threshold earns by the programme's setting; listeners are a registry."""
from decimal import Decimal

import pytest

from apps.rules import hooks
from apps.rules.choices import TierCrossing
from apps.rules.engine import evaluate
from apps.rules.services import program_rule_settings_set
from tests.factories.rules import RuleFactory
from tests.rules.conftest import line

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def crossing_to_gold():
    """A projector saying: 40% of this bill reaches the threshold, then the customer is Gold."""
    def projector(*, org, customer, program, context):
        return hooks.TierProjection(tier={"number": 2, "name": "Gold"}, share_before=D("0.4"))
    hooks.register_tier_projector(projector)
    yield projector
    hooks.unregister_tier_projector(projector)


@pytest.fixture
def tiered_rule(org, program):
    return RuleFactory(org=org, program=program, effects=[{"type": "award_points", "params": {
        "basis": "bill_percent", "value": "1", "tier_values": {"Gold": "2"}}}])


def test_without_a_projector_the_current_tier_earns(org, program, event, tiered_rule):
    program_rule_settings_set(org=org, program=program, tier_crossing=TierCrossing.UPGRADE_THEN_EARN)
    assert evaluate(event(amount="1000")).total_points == D("10")


def test_earn_then_upgrade_is_the_default(org, program, event, tiered_rule, crossing_to_gold):
    assert evaluate(event(amount="1000")).total_points == D("10")


def test_upgrade_then_earn(org, program, event, tiered_rule, crossing_to_gold):
    program_rule_settings_set(org=org, program=program, tier_crossing=TierCrossing.UPGRADE_THEN_EARN)
    evaluation = evaluate(event(amount="1000"))
    assert evaluation.total_points == D("20")
    assert evaluation.log[0]["phase"] == "after tier upgrade"


def test_split(org, program, event, tiered_rule, crossing_to_gold):
    # given: 40% of the bill at 1%, 60% at 2% → 4 + 12
    program_rule_settings_set(org=org, program=program, tier_crossing=TierCrossing.SPLIT)
    # when
    evaluation = evaluate(event(amount="1000", lines=[line(0, "500"), line(1, "500")]))
    # then
    (effect,) = evaluation.effects
    assert effect.points == D("16") and sum(effect.line_points.values()) == D("16")
    assert effect.params["split"] == "0.4"
    assert [entry["phase"] for entry in evaluation.log] == ["before tier upgrade", "after tier upgrade"]


def test_earn_listeners_are_called_in_order():
    calls = []

    def first(**kwargs):
        calls.append(("first", kwargs["awarded"]))

    def second(**kwargs):
        calls.append(("second", kwargs["awarded"]))

    hooks.register_earn_listener(first)
    hooks.register_earn_listener(second)
    hooks.register_earn_listener(first)
    try:
        hooks.earn_listeners_run(org=None, customer=None, program=None, context=None, awarded=D("5"))
    finally:
        hooks.unregister_earn_listener(first)
        hooks.unregister_earn_listener(second)
    assert calls == [("first", D("5")), ("second", D("5"))]
    hooks.earn_listeners_run(org=None, customer=None, program=None, context=None, awarded=D("5"))
    assert len(calls) == 2
