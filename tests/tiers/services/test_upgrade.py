"""Upgrades on qualifying events: every criterion, the secondary criterion, history and validity on upgrade."""
from __future__ import annotations

from datetime import date

import pytest

from apps.tiers.choices import ChangeSource, ChangeType, Criterion, ValidityMode
from apps.tiers.models import TierChange, TierMembership
from apps.tiers.selectors import customer_tier_for_rules
from apps.tiers.services import tier_evaluate, tier_settings_set
from tests.tiers.conftest import D, at

pytestmark = pytest.mark.django_db


def _tier_of(member, program):
    row = TierMembership.objects.filter(customer=member, program=program).select_related("tier").first()
    return row.tier.name if row else "Silver"


def test_a_bill_that_crosses_the_threshold_upgrades_and_records_history(org, program, tiers, member, buy):
    # given
    buy("B1", "600", at(2024, 4, 1))
    assert _tier_of(member, program) == "Silver"
    # when
    result = buy("B2", "500", at(2024, 4, 15))
    # then
    membership = TierMembership.objects.get(customer=member, program=program)
    assert membership.tier.name == "Gold" and membership.source == ChangeSource.AUTOMATIC
    assert membership.upgrade_bill_id == result.bill.pk
    change = TierChange.objects.get(customer=member)
    assert (change.from_name, change.to_name, change.change_type, change.source) == (
        "Silver", "Gold", ChangeType.UPGRADE, ChangeSource.AUTOMATIC)
    assert change.bill_id == result.bill.pk and change.created_at == at(2024, 4, 15)


def test_a_big_bill_jumps_straight_to_the_highest_qualifying_tier(org, program, tiers, member, buy):
    buy("B1", "6000", at(2024, 4, 1))
    assert _tier_of(member, program) == "Platinum"
    assert TierChange.objects.filter(customer=member).count() == 1


def test_upgrade_sets_validity_from_the_upgrade_day(org, program, tiers, member, buy):
    # given 12 months validity
    tier_settings_set(org=org, program=program, validity_mode=ValidityMode.FIXED_MONTHS, validity_months=12)
    # when
    buy("B1", "1500", at(2024, 4, 15))
    # then
    assert TierMembership.objects.get(customer=member).valid_until == date(2025, 4, 15)


@pytest.mark.parametrize("criterion, bills, expected", [
    (Criterion.LIFETIME_POINTS, [("B1", "9000")], "Gold"),          # 900 points ≥ 500... see thresholds below
    (Criterion.CURRENT_POINTS, [("B1", "9000")], "Gold"),
    (Criterion.VISITS, [("B1", "10"), ("B2", "10")], "Gold"),
])
def test_each_points_or_visit_criterion_upgrades(org, program, earn_rule, member, buy, criterion, bills, expected):
    # given thresholds in the criterion's own unit: Gold at 500 points / 2 visits
    from tests.factories.tiers import ladder_build

    gold = "2" if criterion == Criterion.VISITS else "500"
    ladder_build(org=org, program=program, thresholds=("0", gold, "100000"), criterion=criterion)
    # when (visits: two different days)
    for day, (number, amount) in enumerate(bills, start=1):
        buy(number, amount, at(2024, 5, day))
    # then
    assert _tier_of(member, program) == expected


def test_current_points_falls_short_after_a_redemption_like_debit(org, program, earn_rule, member, buy):
    """Current points count only what is redeemable now: 40 points against a 50-point Gold stay Silver."""
    from tests.factories.tiers import ladder_build

    ladder_build(org=org, program=program, thresholds=("0", "50", "100000"), criterion=Criterion.CURRENT_POINTS)
    buy("B1", "400", at(2024, 5, 1))
    assert _tier_of(member, program) == "Silver"
    buy("B2", "100", at(2024, 5, 2))
    assert _tier_of(member, program) == "Gold"


@pytest.mark.parametrize("metric, threshold, bills, expected", [
    ("SPEND", "1000", [("B1", "600", (2024, 1, 10)), ("B2", "600", (2024, 6, 1))], "Gold"),
    ("SPEND", "1000", [("B1", "600", (2023, 1, 10)), ("B2", "600", (2024, 6, 1))], "Silver"),  # outside the window
    ("VISITS", "2", [("B1", "10", (2024, 5, 30)), ("B2", "10", (2024, 6, 1))], "Gold"),
    ("QUANTITY", "3", [("B1", "10", (2024, 5, 30)), ("B2", "10", (2024, 5, 31)), ("B3", "10", (2024, 6, 1))], "Gold"),
])
def test_tracker_criterion_counts_only_its_window(org, program, earn_rule, member, buy, metric, threshold, bills,
                                                  expected):
    from tests.factories.tiers import ladder_build

    ladder_build(org=org, program=program, thresholds=("0", threshold, "100000"), criterion=Criterion.TRACKER,
                 tracker_metric=metric, tracker_window_days=180)
    for number, amount, day in bills:
        buy(number, amount, at(*day))
    assert _tier_of(member, program) == expected


def test_secondary_criterion_required_needs_both(org, program, earn_rule, member, buy):
    from tests.factories.tiers import ladder_build

    tiers = ladder_build(org=org, program=program, secondary_criterion=Criterion.VISITS, secondary_required=True)
    tiers[1].secondary_threshold = D(2)
    tiers[1].save()
    buy("B1", "1500", at(2024, 5, 1))
    assert _tier_of(member, program) == "Silver"  # spend reached, one visit only
    buy("B2", "10", at(2024, 5, 2))
    assert _tier_of(member, program) == "Gold"


def test_secondary_criterion_optional_needs_either(org, program, earn_rule, member, buy):
    from tests.factories.tiers import ladder_build

    tiers = ladder_build(org=org, program=program, secondary_criterion=Criterion.VISITS, secondary_required=False)
    tiers[1].secondary_threshold = D(2)
    tiers[1].save()
    buy("B1", "10", at(2024, 5, 1))
    assert _tier_of(member, program) == "Silver"
    buy("B2", "10", at(2024, 5, 2))
    assert _tier_of(member, program) == "Gold"  # two visits, spend far from 1,000


def test_evaluation_never_downgrades_and_is_idempotent(org, program, tiers, member, buy):
    buy("B1", "1500", at(2024, 4, 15))
    assert tier_evaluate(org=org, customer=member, program=program, now=at(2024, 4, 16)) is None
    assert TierChange.objects.filter(customer=member).count() == 1


def test_rule_context_sees_the_tier(org, program, tiers, member, buy):
    assert customer_tier_for_rules(org=org, customer=member, program=program)["name"] == "Silver"
    buy("B1", "1500", at(2024, 4, 15))
    facts = customer_tier_for_rules(org=org, customer=member, program=program)
    assert facts == {"number": 2, "name": "Gold", "earn_multiplier": "1.000", "max_redeem_per_bill": None}


def test_the_next_bill_earns_at_the_new_tier_rate(org, program, tiers, member, buy):
    """A per-tier rate rule: Gold earns 20% instead of 10% from the bill after the upgrade."""
    from apps.rules.services import default_earn_rule_ensure

    rule = default_earn_rule_ensure(org=org, program=program, percent=D("10"))
    rule.effects = [{**rule.effects[0], "params": {**rule.effects[0]["params"], "tier_values": {"Gold": "20"}}}]
    rule.save()
    buy("B1", "1500", at(2024, 4, 15))
    second = buy("B2", "100", at(2024, 4, 16))
    assert second.bill.points == D("20")


def test_a_bill_that_earns_nothing_still_counts_as_a_visit(org, program, member, buy):
    # given a visits ladder and no running earn rule: bills earn no points at all
    from tests.factories.tiers import ladder_build

    ladder_build(org=org, program=program, thresholds=("0", "2"), names=("Silver", "Gold"),
                 criterion=Criterion.VISITS)
    # when
    first = buy("B1", "10", at(2024, 4, 1))
    buy("B2", "10", at(2024, 4, 2))
    # then
    assert first.bill.points == 0
    assert _tier_of(member, program) == "Gold"


def test_a_manual_points_adjustment_is_a_qualifying_event(org, program, member):
    # given a current-points ladder with Gold at 500 points
    from apps.points.services import Actor, points_adjust
    from tests.factories.tiers import ladder_build

    ladder_build(org=org, program=program, thresholds=("0", "500"), names=("Silver", "Gold"),
                 criterion=Criterion.CURRENT_POINTS)
    # when
    points_adjust(org=org, customer=member, program=program, points=D(600), reason="Goodwill", actor=Actor())
    # then
    assert _tier_of(member, program) == "Gold"
    assert TierChange.objects.get(customer=member).to_name == "Gold"
