"""Renewal, downgrade, return and reminder checks with a controlled clock (explicit check days and moments)."""
from __future__ import annotations

from datetime import date, datetime, timezone as tz

import pytest

from apps.communications.models import Message
from apps.tiers.choices import (ChangeSource, ChangeType, CheckKind, CheckOutcome, Combine, DowngradeMode,
                                ValidityMode)
from apps.tiers.models import TierChange, TierCheck, TierMembership
from apps.tiers.services import tier_checks_for_day, tier_manual_adjust, tier_settings_set
from tests.transactions.builders import set_config
from tests.tiers.conftest import at

pytestmark = pytest.mark.django_db


def night(day: date) -> datetime:
    """The moment the nightly job runs for `day` (just after it ends)."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=tz.utc)


def _membership(member):
    return TierMembership.objects.select_related("tier").get(customer=member)


@pytest.fixture
def yearly(org, program, tiers):
    """Tiers valid 12 months from the upgrade, downgrades on, checks every night."""
    tier_settings_set(org=org, program=program, validity_mode=ValidityMode.FIXED_MONTHS, validity_months=12,
                      downgrade_enabled=True)
    set_config(org, "TIER_CHECK_DAILY", "1")
    return tiers


def _renewal(tier, purchase=None, visits=None, points=None):
    tier.renew_purchase_amount, tier.renew_visits, tier.renew_points = purchase, visits, points
    tier.save()


def test_renewal_met_starts_a_new_cycle(org, program, yearly, member, buy):
    # given Gold from 15 Apr 2024, renewal at 500 of purchases in the cycle
    _renewal(yearly[1], purchase=500)
    buy("B1", "1200", at(2024, 4, 15))
    buy("B2", "600", at(2025, 1, 10))
    # when the check for 15 Apr 2025 runs
    result = tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    # then
    assert (result.checked, result.renewed, result.downgraded) == (1, 1, 0)
    membership = _membership(member)
    assert membership.tier.name == "Gold" and membership.valid_until == date(2026, 4, 15)
    renew = TierChange.objects.filter(customer=member, change_type=ChangeType.RENEW).get()
    assert renew.source == ChangeSource.RENEWAL


def test_renewal_is_not_checked_before_the_tier_runs_out(org, program, yearly, member, buy):
    _renewal(yearly[1], purchase=500)
    buy("B1", "1200", at(2024, 4, 15))
    result = tier_checks_for_day(org=org, day=date(2025, 4, 14), now=night(date(2025, 4, 14)))
    assert result.checked == 0 and _membership(member).valid_until == date(2025, 4, 15)


def test_failed_renewal_downgrades_one_tier(org, program, yearly, member, buy):
    # given Platinum, renewal needs 3,000 of purchases; only 100 in the cycle
    _renewal(yearly[2], purchase=3000)
    buy("B1", "6000", at(2024, 4, 15))
    buy("B2", "100", at(2024, 9, 1))
    # when
    result = tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    # then
    assert result.downgraded == 1
    membership = _membership(member)
    assert membership.tier.name == "Gold" and membership.valid_until == date(2026, 4, 16)
    change = TierChange.objects.filter(customer=member).first()
    assert (change.from_name, change.to_name, change.change_type, change.source) == (
        "Platinum", "Gold", ChangeType.DOWNGRADE, ChangeSource.DOWNGRADE)


def test_failed_renewal_to_base_tier(org, program, yearly, member, buy):
    tier_settings_set(org=org, program=program, downgrade_mode=DowngradeMode.BASE)
    _renewal(yearly[2], purchase=3000)
    buy("B1", "6000", at(2024, 4, 15))
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    membership = _membership(member)
    assert membership.tier.name == "Silver" and membership.valid_until is None


def test_failed_renewal_to_the_tier_whose_renewal_is_met(org, program, yearly, member, buy):
    # given Platinum needs 3,000 to renew, Gold 500; the customer bought 600 in the cycle
    tier_settings_set(org=org, program=program, downgrade_mode=DowngradeMode.QUALIFYING)
    _renewal(yearly[2], purchase=3000)
    _renewal(yearly[1], purchase=500)
    buy("B1", "6000", at(2024, 4, 15))
    buy("B2", "600", at(2024, 10, 1))
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    assert _membership(member).tier.name == "Gold"


def test_qualifying_downgrade_falls_to_base_when_no_lower_renewal_is_met(org, program, yearly, member, buy):
    tier_settings_set(org=org, program=program, downgrade_mode=DowngradeMode.QUALIFYING)
    _renewal(yearly[2], purchase=3000)
    _renewal(yearly[1], purchase=500)
    buy("B1", "6000", at(2024, 4, 15))
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    assert _membership(member).tier.name == "Silver"


@pytest.mark.parametrize("combine, any_count, purchases, visits, renewed", [
    (Combine.ALL, 1, "600", 1, False),       # neither met
    (Combine.ALL, 1, "500", 4, True),        # 2,000 and 4 visits
    (Combine.ALL, 1, "2100", 1, False),      # purchases met, visits not
    (Combine.ANY, 1, "2100", 1, True),       # one of two is enough
    (Combine.ANY, 1, "10", 4, True),         # visits alone
    (Combine.ANY, 2, "2100", 1, False),      # Any 2 needs both
    (Combine.ANY, 2, "500", 4, True),
])
def test_renewal_all_or_any_n(org, program, yearly, member, buy, combine, any_count, purchases, visits, renewed):
    # given Gold must renew on 2,000 of purchases and 4 visits in the cycle
    tier_settings_set(org=org, program=program, renewal_combine=combine, renewal_any_count=any_count)
    _renewal(yearly[1], purchase=2000, visits=4)
    buy("B0", "1200", at(2024, 4, 15))  # the upgrading bill does not count towards renewing
    for n in range(visits):
        buy(f"V{n}", purchases, at(2024, 6, 1 + n))
    # when
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    # then
    assert (_membership(member).tier.name == "Gold") is renewed


@pytest.mark.parametrize("later, renewed", [("1600", True), ("1400", False)])
def test_points_earned_in_the_period_renew(org, program, yearly, member, buy, later, renewed):
    _renewal(yearly[1], points=150)  # 10% earn
    buy("B1", "1200", at(2024, 4, 15))
    buy("B2", later, at(2025, 2, 1))
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    assert (_membership(member).tier.name == "Gold") is renewed
    condition = TierCheck.objects.get(customer=member, kind=CheckKind.RENEWAL).detail["conditions"][0]
    assert condition["name"] == "POINTS" and condition["actual"] == f"{int(later) // 10}.000"


def test_activity_after_the_end_of_validity_does_not_count(org, program, yearly, member, buy):
    set_config(org, "TIER_CHECK_DAILY", "0")  # checked on 30 Apr for a tier valid until 15 Apr
    _renewal(yearly[1], purchase=500)
    buy("B1", "1200", at(2024, 4, 15))
    buy("B2", "600", at(2025, 4, 20))
    tier_checks_for_day(org=org, day=date(2025, 4, 30), now=night(date(2025, 4, 30)))
    assert _membership(member).tier.name == "Silver"


def test_downgrades_off_keeps_the_tier_and_rolls_validity(org, program, yearly, member, buy):
    tier_settings_set(org=org, program=program, downgrade_enabled=False)
    _renewal(yearly[1], purchase=5000)
    buy("B1", "1200", at(2024, 4, 15))
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    membership = _membership(member)
    assert membership.tier.name == "Gold" and membership.valid_until == date(2026, 4, 15)
    assert TierCheck.objects.get(customer=member).outcome == CheckOutcome.KEPT


def test_month_end_checks_wait_for_the_last_day_of_the_month(org, program, yearly, member, buy):
    # given monthly checks (the default)
    set_config(org, "TIER_CHECK_DAILY", "0")
    _renewal(yearly[1], purchase=5000)
    buy("B1", "1200", at(2024, 2, 29))  # leap day: valid until 28 Feb 2025
    assert _membership(member).valid_until == date(2025, 2, 28)
    # when the nights of 27 Feb and 28 Feb 2025 run (28 Feb is the month's end in 2025)
    assert tier_checks_for_day(org=org, day=date(2025, 2, 27), now=night(date(2025, 2, 27))).checked == 0
    result = tier_checks_for_day(org=org, day=date(2025, 2, 28), now=night(date(2025, 2, 28)))
    # then
    assert result.downgraded == 1 and _membership(member).tier.name == "Silver"


def test_month_end_check_catches_a_mid_month_expiry(org, program, yearly, member, buy):
    set_config(org, "TIER_CHECK_DAILY", "0")
    _renewal(yearly[1], purchase=5000)
    buy("B1", "1200", at(2024, 4, 15))
    assert tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15))).checked == 0
    assert tier_checks_for_day(org=org, day=date(2025, 4, 30), now=night(date(2025, 4, 30))).downgraded == 1


def test_anniversary_validity_renews_to_the_next_anniversary(org, program, yearly, member, buy):
    # given registered 10 Mar 2023, anniversary validity
    tier_settings_set(org=org, program=program, validity_mode=ValidityMode.REGISTRATION_ANNIVERSARY)
    _renewal(yearly[1], purchase=100)
    buy("B1", "1200", at(2024, 4, 15))
    buy("B2", "200", at(2024, 8, 1))
    assert _membership(member).valid_until == date(2025, 3, 10)
    tier_checks_for_day(org=org, day=date(2025, 3, 10), now=night(date(2025, 3, 10)))
    assert _membership(member).valid_until == date(2026, 3, 10)


def test_fixed_date_validity(org, program, yearly, member, buy):
    tier_settings_set(org=org, program=program, validity_mode=ValidityMode.FIXED_DATE, fixed_month=12, fixed_day=31)
    _renewal(yearly[1], purchase=5000)
    buy("B1", "1200", at(2024, 4, 15))
    assert _membership(member).valid_until == date(2024, 12, 31)
    tier_checks_for_day(org=org, day=date(2024, 12, 31), now=night(date(2024, 12, 31)))
    assert _membership(member).tier.name == "Silver"


def test_rerunning_a_check_day_changes_nothing(org, program, yearly, member, buy):
    _renewal(yearly[2], purchase=3000)
    buy("B1", "6000", at(2024, 4, 15))
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    changes, checks = TierChange.objects.count(), TierCheck.objects.count()
    again = tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    assert again.checked == 0 and (TierChange.objects.count(), TierCheck.objects.count()) == (changes, checks)
    assert _membership(member).tier.name == "Gold"


def test_rerun_guarded_by_the_check_row_even_if_the_membership_looks_due(org, program, yearly, member, buy):
    _renewal(yearly[1], purchase=5000)
    buy("B1", "1200", at(2024, 4, 15))
    tier_settings_set(org=org, program=program, downgrade_enabled=False)
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    TierMembership.objects.filter(customer=member).update(valid_until=date(2025, 4, 15))  # as if a write was lost
    result = tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    assert result.kept == 0 and TierCheck.objects.filter(customer=member).count() == 1


# -- returns -------------------------------------------------------------------------------------------------------
def test_a_return_that_undoes_the_upgrade_downgrades_at_end_of_day(org, program, tiers, member, buy, give_back):
    # given downgrade-on-return, Gold reached by B2
    tier_settings_set(org=org, program=program, downgrade_on_return=True)
    buy("B1", "600", at(2024, 4, 1))
    buy("B2", "500", at(2024, 4, 15))
    assert _membership(member).tier.name == "Gold"
    # when B2 is returned the next day
    give_back("B2", at(2024, 4, 16))
    # then nothing moves until the end-of-day check, which moves one tier down
    membership = _membership(member)
    assert membership.tier.name == "Gold" and membership.return_check_on == date(2024, 4, 16)
    result = tier_checks_for_day(org=org, day=date(2024, 4, 16), now=night(date(2024, 4, 16)))
    assert result.downgraded == 1
    membership = _membership(member)
    assert membership.tier.name == "Silver" and membership.return_check_on is None
    change = TierChange.objects.first()
    assert (change.change_type, change.source) == (ChangeType.DOWNGRADE, ChangeSource.RETURN)
    # and a re-run is a no-op
    assert tier_checks_for_day(org=org, day=date(2024, 4, 16), now=night(date(2024, 4, 16))).checked == 0


def test_a_return_that_still_leaves_the_customer_qualified_keeps_the_tier(org, program, tiers, member, buy,
                                                                         give_back):
    tier_settings_set(org=org, program=program, downgrade_on_return=True)
    buy("B1", "100", at(2024, 4, 1))
    buy("B2", "1500", at(2024, 4, 15))
    give_back("B1", at(2024, 4, 16))
    result = tier_checks_for_day(org=org, day=date(2024, 4, 16), now=night(date(2024, 4, 16)))
    assert result.kept == 1 and _membership(member).tier.name == "Gold"


def test_returns_do_nothing_when_the_programme_does_not_check_them(org, program, tiers, member, buy, give_back):
    buy("B1", "1500", at(2024, 4, 15))
    give_back("B1", at(2024, 4, 16))
    assert _membership(member).return_check_on is None
    assert tier_checks_for_day(org=org, day=date(2024, 4, 16), now=night(date(2024, 4, 16))).checked == 0


@pytest.mark.parametrize("floor, expected", [(True, "Gold"), (False, "Silver")])
def test_a_manual_floor_holds_under_an_automatic_tier(org, program, yearly, member, buy, floor, expected):
    """Manual Gold (floor for a year), then an automatic Platinum that fails renewal with downgrades to the base."""
    tier_settings_set(org=org, program=program, downgrade_mode=DowngradeMode.BASE, manual_is_floor=floor)
    _renewal(yearly[2], purchase=3000)
    tier_manual_adjust(org=org, customer=member, program=program, action="UPGRADE", to_tier_name="Gold",
                       validity="FIXED_DURATION", validity_upto="400", reassess_on_next_activity=True,
                       now=at(2024, 4, 1))
    buy("B1", "6000", at(2024, 4, 15))
    membership = _membership(member)
    assert membership.tier.name == "Platinum" and not membership.is_manual and membership.floor_tier.name == "Gold"
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    assert _membership(member).tier.name == expected


def test_the_floor_ends_with_the_manual_expiry(org, program, yearly, member, buy):
    tier_settings_set(org=org, program=program, downgrade_mode=DowngradeMode.BASE, manual_is_floor=True)
    _renewal(yearly[2], purchase=3000)
    tier_manual_adjust(org=org, customer=member, program=program, action="UPGRADE", to_tier_name="Gold",
                       validity="FIXED_DURATION", validity_upto="30", reassess_on_next_activity=True,
                       now=at(2024, 4, 1))
    buy("B1", "6000", at(2024, 4, 15))
    tier_checks_for_day(org=org, day=date(2025, 4, 15), now=night(date(2025, 4, 15)))
    assert _membership(member).tier.name == "Silver"


def test_renewing_by_hand_keeps_an_automatic_tier_automatic(org, program, yearly, member, buy):
    buy("B1", "1500", at(2024, 4, 15))
    result = tier_manual_adjust(org=org, customer=member, program=program, action="RENEWAL",
                                validity="AS_PER_TIER_STRATEGY", reason="Goodwill", now=at(2024, 10, 1))
    membership = _membership(member)
    assert result.change.change_type == ChangeType.RENEW and not membership.is_manual
    assert membership.valid_until == date(2025, 10, 1) and membership.floor_tier is None


# -- manual tiers --------------------------------------------------------------------------------------------------
def test_a_manual_tier_is_re_evaluated_when_it_expires(org, program, tiers, member, buy):
    set_config(org, "TIER_CHECK_DAILY", "1")
    buy("B1", "1200", at(2024, 4, 1))  # Gold by purchases
    tier_manual_adjust(org=org, customer=member, program=program, action="UPGRADE", to_tier_name="Platinum",
                       validity="SPECIFIC_DATE", validity_upto="2024-06-30", reason="VIP", now=at(2024, 4, 2))
    assert _membership(member).tier.name == "Platinum"
    tier_checks_for_day(org=org, day=date(2024, 6, 30), now=night(date(2024, 6, 30)))
    membership = _membership(member)
    assert membership.tier.name == "Gold" and not membership.is_manual
    assert TierChange.objects.first().source == ChangeSource.MANUAL_EXPIRY


def test_a_manual_tier_without_reassessment_ignores_activity(org, program, tiers, member, buy):
    tier_manual_adjust(org=org, customer=member, program=program, action="UPGRADE", to_tier_name="Gold",
                       validity="FIXED_DURATION", validity_upto="30", reassess_on_next_activity=False,
                       now=at(2024, 4, 1))
    buy("B1", "6000", at(2024, 4, 2))
    assert _membership(member).tier.name == "Gold"


def test_a_manual_tier_with_reassessment_upgrades_on_activity(org, program, tiers, member, buy):
    tier_manual_adjust(org=org, customer=member, program=program, action="UPGRADE", to_tier_name="Gold",
                       validity="FIXED_DURATION", validity_upto="30", reassess_on_next_activity=True,
                       now=at(2024, 4, 1))
    buy("B1", "6000", at(2024, 4, 2))
    membership = _membership(member)
    assert membership.tier.name == "Platinum" and not membership.is_manual


def test_extend_moves_the_expiry_from_the_current_one(org, program, tiers, member, buy):
    tier_settings_set(org=org, program=program, validity_mode=ValidityMode.FIXED_MONTHS, validity_months=12)
    buy("B1", "1200", at(2024, 4, 15))
    result = tier_manual_adjust(org=org, customer=member, program=program,
                                action="EXTEND_CURRENT_TIER_EXPIRY_DATE", validity="FIXED_DURATION",
                                validity_upto="15", now=at(2024, 5, 1))
    assert result.change.change_type == ChangeType.EXTEND
    assert _membership(member).valid_until == date(2025, 4, 30)


def test_manual_downgrade_must_go_down(org, program, tiers, member):
    from apps.tiers.errors import SlabNotLower

    with pytest.raises(SlabNotLower):
        tier_manual_adjust(org=org, customer=member, program=program, action="DOWNGRADE", to_tier_name="Gold",
                           validity="AS_PER_TIER_STRATEGY", now=at(2024, 4, 1))


# -- reminders -----------------------------------------------------------------------------------------------------
def test_a_reminder_goes_out_n_days_before_a_downgrade_once(org, program, yearly, member, buy):
    tier_settings_set(org=org, program=program, reminder_days=7)
    _renewal(yearly[1], purchase=2000)
    buy("B1", "1200", at(2024, 4, 15))
    buy("B2", "1200", at(2024, 9, 15))
    day = date(2025, 4, 8)
    result = tier_checks_for_day(org=org, day=day, now=night(day))
    assert result.reminded == 1
    message = Message.objects.get(customer=member, purpose="TIER_DOWNGRADE_REMINDER")
    assert "purchase 800.000" in message.body and "Gold" in message.body
    tier_checks_for_day(org=org, day=day, now=night(day))
    assert Message.objects.filter(customer=member).count() == 1


def test_no_reminder_when_renewal_is_already_met(org, program, yearly, member, buy):
    tier_settings_set(org=org, program=program, reminder_days=7)
    _renewal(yearly[1], purchase=1000)
    buy("B1", "1200", at(2024, 4, 15))
    buy("B2", "1200", at(2024, 9, 15))
    assert tier_checks_for_day(org=org, day=date(2025, 4, 8), now=night(date(2025, 4, 8))).reminded == 0
