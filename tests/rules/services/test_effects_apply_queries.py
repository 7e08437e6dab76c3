"""effects_apply posts one ledger credit per bill for all awards: its queries stay flat as rules are added."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.points.models import LedgerEntry
from apps.rules.engine import evaluate
from apps.rules.models import RuleAward
from apps.rules.services import effects_apply
from tests.factories.rules import RuleFactory, percent_of_bill
from tests.rules.conftest import line

pytestmark = pytest.mark.django_db
D = Decimal
MAX_QUERIES_FOR_20_RULES = 40


def rules(org, program, n):
    return [RuleFactory(org=org, program=program, name=f"Earn {i}", priority=i, status="RUNNING",
                        effects=percent_of_bill("1")) for i in range(n)]


def apply_counted(org, context) -> tuple[int, list[dict]]:
    evaluation = evaluate(context)
    with CaptureQueriesContext(connection) as ctx:
        results = effects_apply(org=org, evaluation=evaluation, context=context, source_type="BILL",
                                source_ref=context.bill["number"], idempotency_prefix=f"bill:{context.bill['number']}")
    return len(ctx), results


def test_one_bill_with_20_matching_award_rules_stays_under_the_query_budget(org, program, customer, event):
    # given: 20 running rules each awarding 1% of a 5-line bill
    rules(org, program, 20)
    context = event(amount="1000", number="B-20", lines=[line(i, "200") for i in range(5)])
    # when
    count, results = apply_counted(org, context)
    # then
    assert count <= MAX_QUERIES_FOR_20_RULES, count
    assert [r["points"] for r in results] == ["10"] * 20
    award = RuleAward.objects.get(source_ref="B-20")  # one row for the credit, 20 rules' shares in it
    assert len(award.rules) == 20 and len(award.effects) == 20 and award.points == 200
    assert LedgerEntry.objects.filter(source_ref="B-20").count() == 1


def test_queries_do_not_grow_with_the_number_of_matching_award_rules(org, program, customer, event):
    # given: a first bill (creates the points account), then 2 rules, then 20
    rule_rows = rules(org, program, 20)
    apply_counted(org, event(number="warm"))
    for rule in rule_rows[2:]:
        rule.status = "DISABLED"
        rule.save(update_fields=["status"])
    two, _ = apply_counted(org, event(number="two"))
    for rule in rule_rows[2:]:
        rule.status = "RUNNING"
        rule.save(update_fields=["status"])
    # when
    twenty, results = apply_counted(org, event(number="twenty"))
    # then
    assert len(results) == 20 and twenty == two
