"""Demo rules for the demo organisation: a category multiplier, a weekend bonus and a capped big-basket bonus."""
from __future__ import annotations

from django.db import transaction

from ..choices import EventType, RuleStatus
from ..models import Rule
from .rules import rule_create

DEMO_RULES = [
    {"system_key": "demo-category-multiplier", "name": "Category bonus: 2x on Footwear, 1.5x on Apparel",
     "priority": 20, "effects": [{"type": "award_points", "params": {
         "basis": "line_percent", "value": "1", "items": {"categories": ["Footwear", "Apparel"]},
         "multipliers": [{"categories": ["Footwear"], "factor": "2"}, {"categories": ["Apparel"], "factor": "1.5"}]}}]},
    {"system_key": "demo-weekend-bonus", "name": "Weekend bonus: 50 points on bills of 1000 or more",
     "priority": 30, "days_of_week": [6, 7], "condition": "bill.amount >= 1000.0",
     "effects": [{"type": "award_points", "params": {"basis": "bill_fixed", "value": "50"}}]},
    {"system_key": "demo-big-basket", "name": "Big basket: 5% extra, at most 200 points per bill",
     "priority": 40, "condition": "bill.amount >= 2000.0 && size(lines) >= 3", "max_points_per_bill": 200,
     "effects": [{"type": "award_points", "params": {"basis": "bill_percent", "value": "5"}}]},
]


@transaction.atomic
def demo_rules_load(*, org, program) -> list[Rule]:
    """Create the demo rules that are missing (idempotent: each is known by its system key)."""
    rules = []
    for spec in DEMO_RULES:
        spec = dict(spec)
        key = spec.pop("system_key")
        rule = Rule.objects.for_org(org).filter(program=program, system_key=key).first()
        rules.append(rule or rule_create(org=org, program=program, event_type=EventType.BILL_ADDED,
                                         status=RuleStatus.RUNNING, system_key=key, **spec))
    return rules
