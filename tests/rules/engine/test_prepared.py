"""What the engine works out once instead of per bill — a rule's prepared award params and audiences (kept on the
rule object, apps.rules.effects.base.rule_memo), a bill's split shared by awards at one rate, and the CEL activation
built without celpy's generic constructors — gives exactly what computing it afresh gives, and is never stale."""
from decimal import Decimal, InvalidOperation

import pytest
from celpy import celtypes

from apps.rules import expressions
from apps.rules.effects.base import rule_memo
from apps.rules.effects.points import LineNames, allocate, line_matches
from apps.rules.engine import evaluate
from apps.rules.expressions import SAMPLE_ACTIVATION, condition_run, to_cel
from apps.rules.selectors import rules_for_event
from apps.rules.services import rule_update
from tests.factories.rules import RuleFactory
from tests.rules.conftest import line

pytestmark = pytest.mark.django_db
D = Decimal


def award(basis, value, **params):
    return [{"type": "award_points", "params": {"basis": basis, "value": value, **params}}]


def points_of(evaluation) -> dict[str, Decimal]:
    return {entry["ruleName"]: sum((D(e["points"]) for e in entry["effects"]), D("0")) for entry in evaluation.log}


# -- the memo on the rule object -----------------------------------------------------------------------------------
def test_a_rule_edit_is_seen_by_the_next_evaluation(org, program, event):
    # given: a running rule, evaluated once through the process's rule cache
    rule = RuleFactory(org=org, program=program, name="shoes",
                       effects=award("line_percent", "10", items={"categories": ["Footwear"]}))
    lines = [line(0, "1000", category="Footwear"), line(1, "500", category="Dairy")]
    assert points_of(evaluate(event(amount="1500", lines=lines))) == {"shoes": D("100")}
    # when: the rule is edited through the service
    rule_update(org=org, rule=rule, effects=award("line_percent", "2", items={"categories": ["dairy"]}))
    # then: the next evaluation uses the new version
    assert points_of(evaluate(event(amount="1500", lines=lines))) == {"shoes": D("10")}


def test_an_audience_edit_is_seen_by_the_next_evaluation(org, program, event):
    rule = RuleFactory(org=org, program=program, name="vip", audience_labels=["VIP"])
    assert evaluate(event(amount="1000", labels=["vip"])).log[0]["matched"] is True
    rule_update(org=org, rule=rule, audience_labels=["Gold"])
    entry = evaluate(event(amount="1000", labels=["vip"])).log[0]
    assert (entry["matched"], entry["reason"]) == (False, "customer has none of the labels Gold")


def test_a_rule_changed_in_place_is_never_served_stale_values(org, program, event):
    # given: a rule object evaluated once (a simulation passes its own rule objects)
    rule = RuleFactory(org=org, program=program, name="r", audience_labels=["VIP"],
                       effects=award("line_percent", "10", items={"categories": ["Footwear"]}))
    lines = [line(0, "1000", category="Footwear"), line(1, "500", category="Dairy")]
    context = event(amount="1500", lines=lines, labels=["VIP", "New"])
    assert points_of(evaluate(context, rules=[rule])) == {"r": D("100")}
    # when: its params and audience are changed in place, without saving
    params = rule.effects[0]["params"]
    params["value"] = "20"
    params["items"]["categories"].append("DAIRY")
    # then
    assert points_of(evaluate(context, rules=[rule])) == {"r": D("300")}
    rule.audience_labels.append("new")
    rule.audience_labels.remove("VIP")
    assert evaluate(context, rules=[rule]).log[0]["matched"] is True
    rule.audience_labels[:] = ["Gold"]
    assert evaluate(context, rules=[rule]).log[0]["reason"] == "customer has none of the labels Gold"


def test_two_orgs_never_share_a_memo_entry(org, other_org, program, event):
    # given: the same rule in two orgs
    from apps.points.services import program_create
    from tests.rules.conftest import bill_event

    other_program = program_create(org=other_org, name="Club", is_default=True, validation_code_required=False)
    effects = award("line_percent", "10", items={"categories": ["Footwear"]})
    RuleFactory(org=org, program=program, name="ours", effects=effects)
    RuleFactory(org=other_org, program=other_program, name="theirs",
                effects=award("line_percent", "10", items={"categories": ["Dairy"]}))
    lines = [line(0, "1000", category="Footwear"), line(1, "500", category="Dairy")]
    # when: each org evaluates the same bill
    ours = evaluate(event(amount="1500", lines=lines))
    theirs = evaluate(bill_event(org=other_org, program=other_program, customer=event().customer, amount="1500",
                                 lines=lines))
    # then: each gets its own rule's answer, from its own rule objects and memo entries
    assert points_of(ours) == {"ours": D("100")}
    assert points_of(theirs) == {"theirs": D("50")}
    (our_rule,) = rules_for_event(org=org, program=program, event_type="BILL_ADDED")
    (their_rule,) = rules_for_event(org=other_org, program=other_program, event_type="BILL_ADDED")
    assert our_rule.org_id != their_rule.org_id
    our_memo, their_memo = our_rule.__dict__["_rule_memo"], their_rule.__dict__["_rule_memo"]
    assert our_memo is not their_memo
    assert not {id(entry[2]) for entry in our_memo.values()} & {id(entry[2]) for entry in their_memo.values()}


def test_rule_memo_rebuilds_when_the_source_changes():
    class Holder:
        pass

    holder, built = Holder(), []

    def build(source):
        built.append(list(source))
        return frozenset(source)

    source = ["a"]
    assert rule_memo(holder, "k", source, build) == {"a"}
    assert rule_memo(holder, "k", source, build) == {"a"}
    source.append("b")  # changed in place
    assert rule_memo(holder, "k", source, build) == {"a", "b"}
    assert rule_memo(holder, "k", ["a", "b"], build) == {"a", "b"}  # another object: built again
    assert built == [["a"], ["a", "b"], ["a", "b"]]


# -- prepared line filters -----------------------------------------------------------------------------------------
LINES = [
    {"item_code": "SKU1", "category": "Footwear", "brand": "Acme"},
    {"item_code": "sku1", "category": "FOOTWEAR", "brand": "ACME"},
    {"item_code": 123, "category": "footwear", "brand": "acme"},
    {"item_code": "123", "category": "Straße", "brand": ""},
    {"item_code": "", "category": "STRASSE", "brand": None},
    {"item_code": None, "category": None, "brand": "Bench"},
    {},
    {"category": 7, "brand": 7},
]
SPECS = [
    {"item_codes": ["SKU1"]},
    {"item_codes": ["123"]},
    {"item_codes": ["sku1", "SKU2"], "categories": ["footwear"]},
    {"categories": ["FootWear", "straße"]},
    {"categories": ["strasse"]},
    {"brands": ["ACME", "bench"]},
    {"categories": ["7"], "brands": []},
    {"item_codes": [], "categories": [], "brands": []},
    {},
]


@pytest.mark.parametrize("spec", SPECS)
def test_a_prepared_line_filter_matches_what_line_matches_matches(spec):
    names = LineNames.of(spec)
    assert names is not None
    assert [names.matches(item) for item in LINES] == [line_matches(item, spec) for item in LINES]


def test_prepared_filters_answer_as_before_on_known_cases():
    names = LineNames.of({"item_codes": ["123"], "categories": ["FootWear"], "brands": ["bench"]})
    assert [names.matches(item) for item in LINES] == [True, True, True, True, False, True, False, False]


@pytest.mark.parametrize("spec", [
    {"item_codes": "SKU12"},  # a string, not a list: line_matches tests substrings
    {"item_codes": [123]},
    {"categories": "Dairy"},
    {"categories": [5]},
    ["SKU1"],
])
def test_specs_not_in_the_stored_shape_are_left_to_line_matches(spec):
    assert LineNames.of(spec) is None


def test_odd_stored_params_behave_as_before(org, program, event):
    # given: a multiplier with a factor that is not a number, after one that takes every line
    RuleFactory(org=org, program=program, name="odd", effects=award("line_percent", "10", multipliers=[
        {"categories": ["Footwear"], "factor": "2"}, {"categories": ["Dairy"], "factor": "bad"}]))
    # then: as long as no line reaches it, the rule works
    footwear = [line(0, "1000", category="Footwear")]
    assert points_of(evaluate(event(amount="1000", lines=footwear))) == {"odd": D("200")}
    # and a line reaching it fails as it always did
    with pytest.raises(InvalidOperation):
        evaluate(event(amount="1500", lines=footwear + [line(1, "500", category="Dairy")]))


def test_item_codes_numbers_and_strings_and_tier_rates(org, program, event):
    RuleFactory(org=org, program=program, name="units", effects=award(
        "line_per_unit", "1", items={"item_codes": ["123"], "brands": ["ACME"]},
        tier_values={"gold": "3", "2": "5"}))
    lines = [line(0, "100", item_code="123", qty="2"), {**line(1, "100", qty="4"), "item_code": 123},
             line(2, "100", brand="acme", qty="1"), line(3, "100", qty="8")]
    gold = event(amount="400", lines=lines, tier={"name": "Gold", "number": 2})
    assert points_of(evaluate(gold)) == {"units": D("21")}
    assert points_of(evaluate(event(amount="400", lines=lines, tier={"name": "Silver", "number": 2}))) == {
        "units": D("35")}
    assert points_of(evaluate(event(amount="400", lines=lines))) == {"units": D("7")}


# -- a bill's split, shared by awards at the same rate -------------------------------------------------------------
def test_awards_sharing_a_rate_each_get_their_own_line_points(org, program, event):
    # given: two rules at 10% of the bill, the first capped per bill
    RuleFactory(org=org, program=program, name="capped", priority=1, effects=award("bill_percent", "10"),
                max_points_per_bill=D("7"))
    RuleFactory(org=org, program=program, name="full", priority=2, effects=award("bill_percent", "10.0"))
    lines = [line(0, "600"), line(1, "300"), line(2, "100")]
    # when
    capped, full = evaluate(event(amount="1000", lines=lines)).effects
    # then: capping one award does not touch the other's split
    assert (capped.points, capped.line_points) == (D("7"), {0: D("4"), 1: D("2"), 2: D("1")})
    assert (full.points, full.line_points) == (D("100"), {0: D("60"), 1: D("30"), 2: D("10")})
    assert capped.line_points is not full.line_points
    assert (capped.params["rate"], full.params["rate"]) == ("10", "10.0")


def reference_allocate(total, weights, quantum):
    """The allocation formula as first written (the optimised one must give the same answer)."""
    from decimal import ROUND_FLOOR

    positive = {index: weight for index, weight in weights.items() if weight > 0}
    weight_sum = sum(positive.values(), D("0"))
    if not positive or total <= 0:
        return {}
    units = int((total / quantum).to_integral_value(rounding=ROUND_FLOOR))
    shares = {index: units * weight / weight_sum for index, weight in positive.items()}
    floors = {index: int(share.to_integral_value(rounding=ROUND_FLOOR)) for index, share in shares.items()}
    left = units - sum(floors.values())
    for index in sorted(positive, key=lambda i: (-(shares[i] - floors[i]), i))[:left]:
        floors[index] += 1
    return {index: count * quantum for index, count in sorted(floors.items()) if count}


@pytest.mark.parametrize(("total", "weights", "quantum"), [
    (D("100"), {0: D("1") / D("3"), 1: D("1") / D("3"), 2: D("1") / D("3")}, D("1")),
    (D("10.00"), {3: D("2.5"), 1: D("2.5"), 2: D("0"), 0: D("-1")}, D("0.01")),
    (D("7"), {5: D("123.456789")}, D("1")),
    (D("0.5"), {5: D("1")}, D("1")),
    (D("7.001"), {0: D("1E-30"), 1: D("1E+30")}, D("0.001")),
    (D("13"), {0: D("1.2"), 1: D("2.4"), 2: D("1.2"), 3: D("2.4"), 4: D("1.2")}, D("1")),
    (D("0"), {0: D("1")}, D("1")),
    (D("5"), {}, D("1")),
    (D("9"), {0: 3, 1: 6}, D("1.0")),
])
def test_allocation_matches_the_plain_formula(total, weights, quantum):
    assert repr(allocate(total, weights, quantum)) == repr(reference_allocate(total, weights, quantum))


def test_an_infinite_single_weight_still_fails_as_before():
    with pytest.raises(InvalidOperation):
        reference_allocate(D("5"), {0: D("Infinity")}, D("1"))
    with pytest.raises(InvalidOperation):
        allocate(D("5"), {0: D("Infinity")}, D("1"))


# -- the CEL activation and compiled conditions --------------------------------------------------------------------
@pytest.mark.parametrize("value", [
    "text", D("1.50"), 2.5, 7, True, False, None, [1, "a"], (D("2"),), {"amount": D("3"), 1: "x", "": None},
])
def test_to_cel_builds_what_celpys_constructors_build(value):
    def reference(item):
        if isinstance(item, bool):
            return celtypes.BoolType(item)
        if isinstance(item, int):
            return celtypes.IntType(item)
        if isinstance(item, Decimal | float):
            return celtypes.DoubleType(float(item))
        if isinstance(item, str):
            return celtypes.StringType(item)
        if isinstance(item, dict):
            return celtypes.MapType({celtypes.StringType(str(k)): reference(v) for k, v in item.items()})
        if isinstance(item, list | tuple):
            return celtypes.ListType([reference(v) for v in item])
        return item

    def shape(item):
        if isinstance(item, dict):
            return type(item), [(type(k), k, shape(v)) for k, v in item.items()]
        if isinstance(item, list):
            return type(item), [shape(v) for v in item]
        return type(item), repr(item)

    assert shape(to_cel(value)) == shape(reference(value))


@pytest.mark.parametrize(("condition", "value", "error"), [
    ("size(lines) >= 1 && bill.amount >= 1000.0", True, ""),
    ("size(lines) > 1", False, ""),
    ('"bool_ge" != "function_size" && size(lines) == 1', True, ""),  # names in a literal: nothing rewritten
    ("size(bill.number) == 3", True, ""),
    ("size(1) > 0", False, "object of type 'IntType' has no len()"),
    ("lines[0].qty > 1", True, ""),
    ("bill.amount == 1200", False, "cannot compare or combine double 1200.0 with int 1200. Amounts and quantities "
                                   "are decimals: write 100.0, not 100, when comparing with == or != or doing "
                                   "arithmetic"),
    ("lines[0].qty == 2", False, "cannot compare or combine double 2.0 with int 2. Amounts and quantities are "
                                 "decimals: write 100.0, not 100, when comparing with == or != or doing arithmetic"),
])
def test_conditions_give_the_same_values_and_error_texts(condition, value, error):
    result = condition_run(condition, SAMPLE_ACTIVATION())
    assert (result.value, result.error) == (value, error)


def test_the_comparisons_of_compiled_conditions_are_built_once():
    program = expressions.condition_compile("bill.amount >= 1.0 && size(lines) < 9")

    def names(code):
        found = set(code.co_names)
        for constant in code.co_consts:
            if hasattr(constant, "co_names"):
                found |= names(constant)
        return found

    assert {"_cel_bool_ge", "_cel_bool_lt", "_cel_function_size"} <= names(program.code)
    assert {"bool_ge", "bool_lt", "function_size"}.isdisjoint(names(program.code))
