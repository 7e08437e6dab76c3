"""The engine's hot path stays cheap by construction: each condition compiles once, never per bill.

Timing lives in bench/rules_conditions.py (figures in docs/performance.md); this test guards the property that
makes the figures hold — a regression such as compiling per bill shows up here as extra compilations.
"""
import pytest

from apps.rules import expressions
from apps.rules.engine import evaluate
from apps.rules.selectors import rules_for_event
from tests.factories.rules import RuleFactory
from tests.rules.conftest import line

pytestmark = pytest.mark.django_db

CONDITIONS = [
    "bill.amount >= 1000.0",
    'lines.exists(l, l.category == "Footwear")',
    '"VIP" in customer.labels && bill.amount > 500.0',
    "time.weekday in [6, 7] && time.hour >= 10",
    'store.code == "blr" || store.zone == "south"',
]


def test_twenty_rules_compile_each_condition_once_across_many_bills(org, program, event, monkeypatch):
    # given: 20 running rules sharing 5 conditions, and a 10-line bill
    for n in range(20):
        RuleFactory(org=org, program=program, condition=CONDITIONS[n % len(CONDITIONS)])
    rules = rules_for_event(org=org, program=program, event_type="BILL_ADDED")
    context = event(amount="2500", labels=["VIP"], lines=[line(i, "250", category="Footwear") for i in range(10)])
    expressions._programs.clear()
    compiled = []
    real = expressions._compiled
    monkeypatch.setattr(expressions, "_compiled", lambda text, runner: compiled.append(text) or real(text, runner))
    # when
    first = evaluate(context, rules=rules)
    for _ in range(30):
        evaluation = evaluate(context, rules=rules)
    # then
    assert sorted(compiled) == sorted(CONDITIONS)
    assert len(first.effects) == len(evaluation.effects) == 16  # the four weekend rules do not fire on a Thursday
