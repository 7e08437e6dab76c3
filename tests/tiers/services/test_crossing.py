"""The bill that crosses a threshold earns by the programme's tier-crossing mode (the tiers projector)."""
from __future__ import annotations

import pytest

from apps.rules.choices import TierCrossing
from apps.rules.services import default_earn_rule_ensure, program_rule_settings_set
from apps.tiers.choices import Criterion
from apps.tiers.models import TierMembership
from apps.tiers.services import tier_project, tier_settings_set
from tests.tiers.conftest import D, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def gold_earns_double(org, program, tiers):
    """10% in Silver, 20% in Gold (a per-tier rate of the default rule)."""
    rule = default_earn_rule_ensure(org=org, program=program, percent=D("10"))
    rule.effects = [{**rule.effects[0], "params": {**rule.effects[0]["params"], "tier_values": {"Gold": "20"}}}]
    rule.save()
    return rule


@pytest.mark.parametrize("mode, points", [
    (TierCrossing.EARN_THEN_UPGRADE, D("50")),   # whole bill at Silver's 10%
    (TierCrossing.UPGRADE_THEN_EARN, D("100")),  # whole bill at Gold's 20%
    (TierCrossing.SPLIT, D("60")),               # 400 of 500 reach the threshold: 40 + 100 × 20%
])
def test_crossing_bill_earns_by_mode(org, program, gold_earns_double, member, buy, mode, points):
    # given 600 of purchases, Gold at 1,000
    program_rule_settings_set(org=org, program=program, tier_crossing=mode)
    buy("B1", "600", at(2024, 4, 1))
    # when a 500 bill crosses
    result = buy("B2", "500", at(2024, 4, 15))
    # then
    assert result.bill.points == points
    assert TierMembership.objects.get(customer=member).tier.name == "Gold"


def test_no_projection_for_points_criteria(org, program, tiers, member):
    from apps.rules.engine import EventContext

    tier_settings_set(org=org, program=program, criterion=Criterion.LIFETIME_POINTS)
    context = EventContext(event_type="BILL_ADDED", occurred_at=at(2024, 4, 1), org=org, program=program,
                           customer=member, bill={"amount": D("5000")})
    assert tier_project(org=org, customer=member, program=program, context=context) is None


def test_projection_of_a_bill_that_stays_below(org, program, tiers, member):
    from apps.rules.engine import EventContext

    context = EventContext(event_type="BILL_ADDED", occurred_at=at(2024, 4, 1), org=org, program=program,
                           customer=member, bill={"amount": D("999")})
    assert tier_project(org=org, customer=member, program=program, context=context) is None
    context.bill["amount"] = D("1000")
    projection = tier_project(org=org, customer=member, program=program, context=context)
    assert projection.tier["name"] == "Gold" and projection.share_before == D("1")


def test_a_second_bill_on_the_same_day_is_not_a_new_visit(org, program, earn_rule, member, buy):
    from apps.rules.engine import EventContext
    from tests.factories.tiers import ladder_build

    ladder_build(org=org, program=program, thresholds=("0", "2", "10"), criterion=Criterion.VISITS)
    buy("B1", "10", at(2024, 5, 1, 10))
    same_day = EventContext(event_type="BILL_ADDED", occurred_at=at(2024, 5, 1, 15), org=org, program=program,
                            customer=member, bill={"amount": D("10")})
    assert tier_project(org=org, customer=member, program=program, context=same_day) is None
    next_day = EventContext(event_type="BILL_ADDED", occurred_at=at(2024, 5, 2), org=org, program=program,
                            customer=member, bill={"amount": D("10")})
    projection = tier_project(org=org, customer=member, program=program, context=next_day)
    assert projection.tier["name"] == "Gold" and projection.share_before == 0
