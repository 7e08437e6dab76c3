"""The evaluation log: every candidate rule, whether it fired and why, its effects and amounts; JSON-ready."""
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.rules.engine import evaluate
from tests.factories.rules import RuleFactory
from tests.rules.conftest import line

pytestmark = pytest.mark.django_db
D = Decimal


def test_log_explains_every_candidate(org, program, event):
    # given
    base = RuleFactory(org=org, program=program, name="Base 1%", priority=1)
    weekend = RuleFactory(org=org, program=program, name="Weekend", priority=2, days_of_week=[6, 7])
    big = RuleFactory(org=org, program=program, name="Big bills", priority=3, condition="bill.amount > 5000.0")
    capped = RuleFactory(org=org, program=program, name="Shoes 10%", priority=4, max_points_per_bill=D("15"),
                         effects=[{"type": "award_points", "params": {"basis": "line_percent", "value": "10",
                                                                      "items": {"categories": ["Shoes"]}}},
                                  {"type": "add_label", "params": {"label": "Shoe lover"}}])
    context = event(amount="1000", lines=[line(0, "300", category="Shoes"), line(1, "700")], labels=["Shoe lover"])
    # when
    evaluation = evaluate(context)
    # then
    assert evaluation.log == [
        {"ruleId": base.pk, "ruleName": "Base 1%", "priority": 1, "matched": True, "reason": "matched",
         "effects": [{"type": "award_points", "points": "10", "billPoints": "0", "linePoints": {"0": "3", "1": "7"},
                      "basis": "bill_percent", "rate": "1", "rateSource": "default", "uncapped": "10",
                      "cappedBy": None}],
         "skipped": [], "stopped": False},
        {"ruleId": weekend.pk, "ruleName": "Weekend", "priority": 2, "matched": False,
         "reason": "runs on Saturday, Sunday only, not Thursday", "effects": [], "skipped": [], "stopped": False},
        {"ruleId": big.pk, "ruleName": "Big bills", "priority": 3, "matched": False, "reason": "condition is false",
         "effects": [], "skipped": [], "stopped": False},
        {"ruleId": capped.pk, "ruleName": "Shoes 10%", "priority": 4, "matched": True, "reason": "matched",
         "effects": [{"type": "award_points", "points": "15", "billPoints": "0", "linePoints": {"0": "15"},
                      "basis": "line_percent", "rate": "10", "rateSource": "default", "uncapped": "30",
                      "cappedBy": "bill"}],
         "skipped": [{"type": "add_label", "reason": "customer already carries label Shoe lover"}], "stopped": False,
         "capped": {"by": "bill", "uncapped": "30", "allowed": "15"}},
    ]
    assert evaluation.total_points == D("25")
    assert json.loads(json.dumps(evaluation.log)) == evaluation.log


def test_candidate_lookup_is_a_fixed_number_of_queries(org, program, event, store):
    def queries(n):
        for _ in range(n):
            RuleFactory(org=org, program=program, condition="bill.amount > 10.0", stores=[store])
        context = event()
        with CaptureQueriesContext(connection) as ctx:
            evaluate(context)
        return len(ctx)

    assert queries(3) == queries(27)
