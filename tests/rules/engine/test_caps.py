"""Caps: per bill, per customer per period, per rule budget — planned by the engine, enforced again when applied."""
from datetime import timedelta
from decimal import Decimal

import pytest

from apps.points.models import LedgerEntry, PointsAccount
from apps.rules.choices import CapPeriod
from apps.rules.engine import evaluate
from apps.rules.models import RuleAward
from apps.rules.services import effects_apply, rule_create
from tests.factories.rules import RuleFactory, percent_of_bill
from tests.rules.conftest import THURSDAY, line

pytestmark = pytest.mark.django_db
D = Decimal


def apply(org, context, evaluation, ref):
    return effects_apply(org=org, evaluation=evaluation, context=context, source_type="BILL", source_ref=ref,
                         idempotency_prefix=f"bill:{ref}")


def earn(org, context, ref):
    evaluation = evaluate(context)
    apply(org, context, evaluation, ref)
    return evaluation


def test_per_bill_cap_keeps_the_spread_over_lines(org, program, event):
    # given: 10% of 1000 = 100, at most 30 per bill
    RuleFactory(org=org, program=program, effects=percent_of_bill("10"), max_points_per_bill=D("30"))
    # when
    evaluation = evaluate(event(amount="1000", lines=[line(0, "700"), line(1, "300")]))
    # then
    (effect,) = evaluation.effects
    assert effect.points == D("30") and effect.line_points == {0: D("21"), 1: D("9")}
    assert effect.params["cappedBy"] == "bill" and effect.params["uncapped"] == "100"
    assert evaluation.log[0]["capped"] == {"by": "bill", "uncapped": "100", "allowed": "30"}


def test_cap_without_partial_awards_nothing(org, program, event):
    RuleFactory(org=org, program=program, effects=percent_of_bill("10"), max_points_per_bill=D("30"),
                allow_partial_on_cap=False)
    evaluation = evaluate(event(amount="1000"))
    assert evaluation.effects == [] and evaluation.total_points == 0
    assert evaluation.log[0]["matched"] is True
    assert evaluation.log[0]["capped"] == {"by": "bill", "uncapped": "100", "allowed": "0"}


def test_customer_cap_per_month(org, program, event):
    # given: 10% per bill, at most 150 per customer per calendar month (Kolkata)
    RuleFactory(org=org, program=program, effects=percent_of_bill("10"), max_points_per_customer=D("150"),
                customer_cap_period=CapPeriod.MONTH)
    # when
    first = earn(org, event(amount="1000", at=THURSDAY), "1")
    second = earn(org, event(amount="1000", at=THURSDAY + timedelta(days=3)), "2")
    third = earn(org, event(amount="1000", at=THURSDAY + timedelta(days=5)), "3")
    next_month = earn(org, event(amount="1000", at=THURSDAY + timedelta(days=20)), "4")
    # then
    assert [e.total_points for e in (first, second, third, next_month)] == [D("100"), D("50"), D("0"), D("100")]
    assert third.log[0]["capped"] == {"by": "customer", "uncapped": "100", "allowed": "0"}
    assert RuleAward.objects.filter(org=org).count() == 3
    assert PointsAccount.objects.get(org=org).available == D("250")


def test_customer_cap_counts_each_customer_separately(org, program, event):
    from tests.factories.customers import CustomerFactory

    RuleFactory(org=org, program=program, effects=percent_of_bill("10"), max_points_per_customer=D("100"),
                customer_cap_period=CapPeriod.LIFETIME)
    earn(org, event(amount="1000"), "1")
    other = earn(org, event(amount="1000", customer=CustomerFactory(org=org)), "2")
    assert other.total_points == D("100")


def test_rule_budget(org, program, event):
    # given: a budget of 120 points in all
    rule = rule_create(org=org, program=program, name="Launch", event_type="BILL_ADDED", status="RUNNING",
                       effects=percent_of_bill("10"), budget_points=D("120"))
    # when
    first = earn(org, event(amount="1000"), "1")
    second = earn(org, event(amount="1000"), "2")
    third = earn(org, event(amount="1000"), "3")
    # then
    assert [e.total_points for e in (first, second, third)] == [D("100"), D("20"), D("0")]
    assert rule.tally.__class__.objects.get(rule=rule).awarded_points == D("120")
    assert third.log[0]["capped"] == {"by": "budget", "uncapped": "100", "allowed": "0"}


def test_budget_is_enforced_again_when_applied(org, program, event):
    # given: two bills evaluated before either is applied (as two concurrent requests would)
    rule_create(org=org, program=program, name="Launch", event_type="BILL_ADDED", status="RUNNING",
                effects=percent_of_bill("10"), budget_points=D("120"))
    context_a, context_b = event(amount="1000", number="A"), event(amount="1000", number="B")
    evaluation_a, evaluation_b = evaluate(context_a), evaluate(context_b)
    assert evaluation_a.total_points == evaluation_b.total_points == D("100")
    # when
    apply(org, context_a, evaluation_a, "A")
    results = apply(org, context_b, evaluation_b, "B")
    # then: the second award is lowered in place to what the budget had left
    assert results[0]["points"] == "20" and evaluation_b.total_points == D("20")
    assert evaluation_b.effects[0].params["cappedBy"] == "budget (when applied)"
    assert sum(RuleAward.objects.values_list("points", flat=True)) == D("120")
    assert sum(LedgerEntry.objects.filter(org=org).values_list("available_delta", flat=True)) == D("120")


def test_customer_cap_is_enforced_again_when_applied(org, program, event):
    RuleFactory(org=org, program=program, effects=percent_of_bill("10"), max_points_per_customer=D("150"),
                customer_cap_period=CapPeriod.DAY, allow_partial_on_cap=False)
    context_a, context_b = event(amount="1000", number="A"), event(amount="1000", number="B")
    evaluation_a, evaluation_b = evaluate(context_a), evaluate(context_b)
    apply(org, context_a, evaluation_a, "A")
    results = apply(org, context_b, evaluation_b, "B")
    assert results[0]["applied"] is False
    assert results[0]["reason"] == "cap reached: customer (when applied)"
    assert RuleAward.objects.count() == 1
