"""award_points: each basis, per-line multipliers, tier rates, the programme's rounding per award, line allocation."""
from decimal import Decimal

import pytest

from apps.points.choices import RoundingMode
from apps.rules.engine import evaluate
from tests.factories.rules import RuleFactory
from tests.rules.conftest import line

pytestmark = pytest.mark.django_db
D = Decimal


def award(basis, value, **params):
    return [{"type": "award_points", "params": {"basis": basis, "value": value, **params}}]


def test_fixed_points_per_bill_are_bill_level(org, program, event):
    # given
    RuleFactory(org=org, program=program, effects=award("bill_fixed", "25"))
    # when
    evaluation = evaluate(event(lines=[line(0, "600"), line(1, "400")]))
    # then
    (effect,) = evaluation.effects
    assert (effect.points, effect.bill_points, effect.line_points) == (D("25"), D("25"), {})
    assert evaluation.total_points == D("25")


def test_percent_of_the_bill_is_spread_over_the_lines(org, program, event):
    # given: 10% of 1000, lines 600 + 400
    RuleFactory(org=org, program=program, effects=award("bill_percent", "10"))
    # when
    evaluation = evaluate(event(amount="1000", lines=[line(0, "600"), line(1, "400")]))
    # then
    (effect,) = evaluation.effects
    assert effect.points == D("100")
    assert effect.line_points == {0: D("60"), 1: D("40")}
    assert effect.bill_points == D("0")


def test_percent_of_a_bill_without_lines_is_bill_level(org, program, event):
    RuleFactory(org=org, program=program, effects=award("bill_percent", "1"))
    (effect,) = evaluate(event(amount="1999", lines=[])).effects
    assert (effect.points, effect.bill_points, effect.line_points) == (D("19"), D("19"), {})


def test_percent_of_a_subset_of_lines_by_category(org, program, event):
    # given: 5% of the footwear lines only
    RuleFactory(org=org, program=program, effects=award("line_percent", "5", items={"categories": ["footwear"]}))
    lines = [line(0, "1000", category="Footwear"), line(1, "500", category="Grocery"),
             line(2, "200", category="FOOTWEAR")]
    # when
    (effect,) = evaluate(event(amount="1700", lines=lines)).effects
    # then: categories compare without case
    assert effect.points == D("60")
    assert effect.line_points == {0: D("50"), 2: D("10")}


def test_points_per_unit_by_sku_with_brand_multiplier(org, program, event):
    # given: 3 points per unit of SKU-A and SKU-B, ACME brand earns double
    RuleFactory(org=org, program=program, effects=award(
        "line_per_unit", "3", items={"item_codes": ["SKU-A", "SKU-B"]},
        multipliers=[{"brands": ["acme"], "factor": "2"}]))
    lines = [line(0, "100", item_code="SKU-A", brand="ACME", qty="2"), line(1, "100", item_code="SKU-B", qty="4"),
             line(2, "100", item_code="SKU-C", qty="9")]
    # when
    (effect,) = evaluate(event(lines=lines)).effects
    # then: 2 × 3 × 2 + 4 × 3
    assert effect.line_points == {0: D("12"), 1: D("12")}
    assert effect.points == D("24")


def test_category_multiplier_first_match_wins(org, program, event):
    RuleFactory(org=org, program=program, effects=award(
        "bill_percent", "1", multipliers=[{"categories": ["Footwear"], "factor": "3"},
                                          {"categories": ["Footwear", "Apparel"], "factor": "2"}]))
    lines = [line(0, "1000", category="Footwear"), line(1, "1000", category="Apparel"), line(2, "1000")]
    (effect,) = evaluate(event(amount="3000", lines=lines)).effects
    assert effect.line_points == {0: D("30"), 1: D("20"), 2: D("10")}


def test_tier_rates_replace_the_default_value(org, program, event):
    RuleFactory(org=org, program=program, effects=award("bill_percent", "1", tier_values={"gold": "3", "2": "2"}))
    gold = evaluate(event(amount="1000", tier={"number": 3, "name": "Gold"})).effects[0]
    silver = evaluate(event(amount="1000", tier={"number": 2, "name": "Silver"})).effects[0]
    base = evaluate(event(amount="1000", tier=None)).effects[0]
    assert (gold.points, silver.points, base.points) == (D("30"), D("20"), D("10"))
    assert (gold.params["rateSource"], silver.params["rateSource"], base.params["rateSource"]) == (
        "tier Gold", "tier 2", "default")


@pytest.mark.parametrize(("mode", "decimals", "expected"), [
    (RoundingMode.FLOOR, 0, D("19")), (RoundingMode.CEIL, 0, D("20")), (RoundingMode.HALF_UP, 0, D("20")),
    (RoundingMode.FLOOR, 1, D("19.9")), (RoundingMode.ACTUAL, 0, D("19.990")),
])
def test_rounding_follows_the_programme(org, program, event, mode, decimals, expected):
    # given: 10% of 199.90
    program.rounding_mode, program.points_decimals = mode, decimals
    program.save()
    RuleFactory(org=org, program=program, effects=award("bill_percent", "10"))
    # when
    (effect,) = evaluate(event(amount="199.90")).effects
    # then
    assert effect.points == expected


def test_each_award_is_rounded_once_and_lines_add_up(org, program, event):
    # given: floor, three lines; 1% of 1000 = 10 points spread 333.33/333.33/333.34
    RuleFactory(org=org, program=program, effects=award("bill_percent", "1"))
    lines = [line(0, "333.33"), line(1, "333.33"), line(2, "333.34")]
    # when
    (effect,) = evaluate(event(amount="1000", lines=lines)).effects
    # then: the award is 10 (not 3 × floor(3.33) = 9) and the line parts add up to it
    assert effect.points == D("10")
    assert sum(effect.line_points.values()) == D("10")
    assert effect.line_points == {0: D("3"), 1: D("3"), 2: D("4")}


def test_two_rules_are_rounded_separately(org, program, event):
    # given: two 0.06% rules on a 1000 bill: 0.6 each, floored per award
    RuleFactory(org=org, program=program, effects=award("bill_percent", "0.06"))
    RuleFactory(org=org, program=program, effects=award("bill_percent", "0.06"))
    # when
    evaluation = evaluate(event(amount="1000"))
    # then
    assert evaluation.effects == []
    assert [e["skipped"] for e in evaluation.log] == [[{"type": "award_points", "reason": "computes to 0 points"}]] * 2


def test_no_customer_no_points(org, program, event):
    RuleFactory(org=org, program=program, effects=award("bill_fixed", "10"))
    evaluation = evaluate(event(customer=None))
    assert evaluation.effects == [] and evaluation.total_points == 0
    assert evaluation.log[0]["matched"] is True
    assert evaluation.log[0]["skipped"] == [{"type": "award_points", "reason": "no customer to award points to"}]
