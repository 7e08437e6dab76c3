"""Conditions: checked when saved with a clear message, compiled once, evaluated safely."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from apps.rules import expressions
from apps.rules.errors import RuleConditionInvalid
from apps.rules.expressions import SAMPLE_ACTIVATION, condition_check, condition_compile, condition_run


@pytest.mark.parametrize(("condition", "message"), [
    ("bill.amount >= ", "Invalid condition: syntax error at line 1, column 13"),
    ("bil.amount > 1.0", "Invalid condition: unknown name 'bil'; use one of bill, lines, customer, tier, store, "
                         "time, event"),
    ("bill.amout > 1.0", "Invalid condition: 'bill' has no field 'amout'; it has amount, billing_time, currency, "
                         "custom_fields, discount, extended_fields, gross_amount, line_count, number, payment_modes, "
                         "total_qty, type"),
    ('lines.exists(l, l.categroy == "X")', "Invalid condition: 'l' has no field 'categroy'; it has amount, "
                                           "attributes, brand, category, description, discount, index, item_code, "
                                           "qty, rate, value"),
    ("bill.amount.cents > 1", "Invalid condition: 'bill.amount' has no field 'cents'"),
    ('has(bill.extended_fields.x)', 'Invalid condition: has() is not supported; test a key with "key" in map'),
    ("bill.amount + 1.0", "Invalid condition: must give true or false, not double"),
    ('"x"', "Invalid condition: must give true or false, not string"),
    ('bill.number > 5', "Invalid condition: cannot compare or combine int 5 with string 'B-1'"),
])
def test_invalid_conditions_are_refused_with_a_clear_message(condition, message):
    with pytest.raises(RuleConditionInvalid) as caught:
        condition_check(condition)
    assert caught.value.message == message
    assert caught.value.status == 400


def test_integer_equality_with_money_gets_a_hint():
    with pytest.raises(RuleConditionInvalid) as caught:
        condition_check("bill.amount == 1200")
    assert caught.value.message == (
        "Invalid condition: cannot compare or combine double 1200.0 with int 1200. Amounts and quantities are "
        "decimals: write 100.0, not 100, when comparing with == or != or doing arithmetic")


def test_overlong_condition_is_refused():
    with pytest.raises(RuleConditionInvalid) as caught:
        condition_check("true && " * 600 + "true")
    assert caught.value.message == "Invalid condition: at most 4000 characters"


@pytest.mark.parametrize("condition", [
    "", "bill.amount >= 1000.0", 'lines.exists(l, l.category == "SHOES" && l.qty >= 2.0)',
    '"VIP" in customer.labels && tier.name == "GOLD"', "time.weekday in [6, 7] && time.hour >= 18",
    '"membership" in bill.extended_fields && bill.extended_fields["membership"] == "Yes"',
    'bill.extended_fields.membership == "Yes"', 'event.payload.channel == "app"',
    "bill.payment_modes.exists(p, p.mode == \"CARD\")", 'store.zone == "south" || store.code.startsWith("blr")',
    "customer.days_since_registration < 30 && customer.exists",
])
def test_valid_conditions_pass(condition):
    condition_check(condition)


def test_programs_are_compiled_once_per_condition_text():
    first = condition_compile("bill.amount > 1.0 && tier.number >= 1")
    second = condition_compile("bill.amount > 1.0 && tier.number >= 1")
    assert first is second
    assert condition_compile("  ") is None


def test_runtime_errors_are_reported_not_raised():
    result = condition_run('bill.extended_fields.membership == "Yes"', SAMPLE_ACTIVATION())
    assert result.value is False
    assert result.error == "no such member in mapping: 'membership'"


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(expressions, "_CACHE_SIZE", 2)
    for n in range(4):
        condition_compile(f"bill.amount > {n}.5")
    assert len(expressions._programs) <= 2


def test_no_python_escape_hatch():
    # CEL has no attribute access to Python objects: a dunder is just an unknown field
    with pytest.raises(RuleConditionInvalid):
        condition_check("bill.__class__ == 1")


def test_condition_names_are_the_top_level_names_a_condition_spells():
    from apps.rules.expressions import condition_names

    assert condition_names('lines.exists(l, l.category == "Dairy") && bill.amount >= 100.0') == {"lines", "bill"}
    assert condition_names("customer.days_since_registration > 30") == {"customer"}
    assert condition_names("") == frozenset()


@pytest.mark.parametrize("condition, full", [
    ("size(lines) >= 3", False),
    ("lines.size() > 1 && bill.amount >= 300.0", False),
    ("size( lines ) == 5 || size(lines) == 0", False),
    ('size(lines) >= 3 && lines.exists(l, l.category == "Dairy")', True),
    ("size(lines) >= 1 && lines[0].amount > 10.0", True),
    ("lines.all(l, l.qty >= 1.0)", True),
])
def test_a_condition_that_only_counts_lines_leaves_their_fields_unconverted(condition, full):
    from types import SimpleNamespace

    from apps.rules.expressions import LINES_COUNT_ONLY, activation_build, condition_names, condition_run

    names = condition_names(condition)
    assert ("lines" in names) is full and (LINES_COUNT_ONLY in names) is not full
    lines = [{"index": i, "item_code": f"S{i}", "qty": Decimal(1), "amount": Decimal(100), "category": "Dairy"}
             for i in range(5)]
    context = SimpleNamespace(lines=lines, bill={"amount": Decimal("500")}, customer=None, customer_facts={},
                              store=None, event_type="BILL_ADDED", attributes={})
    local = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
    counted, whole = activation_build(context, local, names), activation_build(context, local, None)
    assert len(counted.values["lines"]) == 5
    assert all(len(item) == (11 if full else 0) for item in counted.values["lines"])
    assert condition_run(condition, counted).value == condition_run(condition, whole).value


def test_an_activation_holds_only_the_names_asked_for_and_still_evaluates():
    # given an activation built for conditions reading the bill only
    from types import SimpleNamespace

    from apps.rules.expressions import activation_build, condition_run

    context = SimpleNamespace(lines=[], bill={"amount": Decimal("150")}, customer=None, customer_facts={}, store=None,
                              event_type="BILL_ADDED", attributes={})
    local = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
    activation = activation_build(context, local, frozenset({"bill"}))
    # then only the bill was converted, and a bill condition runs against it
    assert set(activation.values) == {"bill"}
    assert condition_run("bill.amount >= 100.0", activation).value is True
