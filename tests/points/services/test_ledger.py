"""The points ledger: credits, lots, FEFO redemption, reversal, revocation, transfers, expiry and the invariants."""
from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest

from apps.points import errors
from apps.points.choices import DeficitPolicy, EntryKind, ExpiryPolicy, LotState, RedemptionStatus
from apps.points.models import LedgerEntry, PointsAccount, PointsLot, Redemption
from apps.points.services import (Actor, account_check, expiry_for, ledger_check, points_adjust, points_amount,
                                  points_convert_promised, points_credit, points_expire_due, points_redeem,
                                  points_redeemability, points_reverse_redemption, points_revoke, points_round,
                                  points_transfer)
from tests.points.conftest import make_customer

pytestmark = pytest.mark.django_db
D = Decimal


def account_of(customer):
    return PointsAccount.objects.get(customer=customer)


def assert_invariants(*customers):
    for customer in customers:
        for account in PointsAccount.objects.filter(customer=customer):
            account.refresh_from_db()
            assert account_check(account) == []


def credit(org, customer, program, points, ref="B1", **kw):
    return points_credit(org=org, customer=customer, points=D(points), program=program, source_type="BILL",
                         source_ref=ref, **kw)


def test_credit_creates_a_lot_with_the_programme_expiry(org, customer, program, clock):
    # given / when
    entry = credit(org, customer, program, 100)
    # then
    account = account_of(customer)
    assert (account.available, account.lifetime_earned) == (D(100), D(100))
    lot = PointsLot.objects.get(account=account)
    assert lot.remaining == D(100) and lot.credit_entry == entry
    assert lot.expires_at == clock.now + __import__("datetime").timedelta(days=365)
    assert_invariants(customer)


def test_same_idempotency_key_posts_once(org, customer, program):
    first = credit(org, customer, program, 100, idempotency_key="bill-1")
    second = credit(org, customer, program, 100, idempotency_key="bill-1")
    assert first.pk == second.pk
    assert account_of(customer).available == D(100)
    assert LedgerEntry.objects.filter(account__customer=customer).count() == 1


def test_redeem_consumes_first_expiring_lot_first(org, customer, program, clock):
    credit(org, customer, program, 50, ref="late", expires_at=clock.now.replace(year=2027))
    credit(org, customer, program, 30, ref="early", expires_at=clock.now.replace(month=3))
    redemption = points_redeem(org=org, customer=customer, program=program, points=D(40), bill_number="R1")
    lots = {lot.source_ref: lot.remaining for lot in PointsLot.objects.filter(account__customer=customer)}
    assert lots == {"early": D(0), "late": D(40)}
    assert redemption.value == D("20.0000")  # 40 points at 0.5
    assert account_of(customer).redeemed == D(40)
    assert_invariants(customer)


@pytest.mark.parametrize("setting, points, error", [
    ({}, "0", errors.PointsInvalid), ({}, "-5", errors.PointsInvalid), ({}, "abc", errors.PointsInvalid),
    ({}, "NaN", errors.PointsInvalid), ({}, "1.5", errors.PointsPrecision),
])
def test_points_amount_refuses_bad_values(program, setting, points, error):
    with pytest.raises(error):
        points_amount(points, program=program)


@pytest.mark.parametrize("setting, points, error", [
    ({"redeem_multiple": D(50)}, 60, errors.PointsNotMultiple),
    ({"min_redeem_points": D(100)}, 50, errors.BelowMinimum),
    ({"max_redeem_per_bill": D(100)}, 150, errors.AboveMaximumPerBill),
    ({}, 500, errors.PointsMoreThanAvailable),
    ({"eligibility_basis": "LIFETIME_POINTS", "eligibility_threshold": D(1000)}, 50, errors.InsufficientLifetimePoints),
])
def test_redemption_rules(org, customer, program, setting, points, error):
    for key, value in setting.items():
        setattr(program, key, value)
    program.save()
    credit(org, customer, program, 200)
    with pytest.raises(error) as caught:
        points_redeem(org=org, customer=customer, program=program, points=D(points), bill_number="R1")
    assert caught.value.code == error.code
    assert Redemption.objects.count() == 0
    assert account_of(customer).available == D(200)
    check = points_redeemability(org=org, customer=customer, program=program, points=D(points))
    assert not check.is_redeemable and check.error.code == error.code


def test_fraud_customer_cannot_redeem(org, customer, program):
    credit(org, customer, program, 100)
    customer.fraud_status = "MARKED"
    customer.save()
    with pytest.raises(errors.CustomerFraud):
        points_redeem(org=org, customer=customer, program=program, points=D(10))


def test_retried_redemption_returns_the_first(org, customer, program):
    credit(org, customer, program, 100)
    first = points_redeem(org=org, customer=customer, program=program, points=D(30), external_reference="ext-1")
    again = points_redeem(org=org, customer=customer, program=program, points=D(30), external_reference="ext-1")
    by_key = points_redeem(org=org, customer=customer, program=program, points=D(10), idempotency_key="k")
    by_key_again = points_redeem(org=org, customer=customer, program=program, points=D(10), idempotency_key="k")
    assert again.pk == first.pk and by_key_again.pk == by_key.pk
    assert account_of(customer).available == D(60)


def test_full_reversal_restores_the_same_lots_with_their_expiry(org, customer, program, clock):
    credit(org, customer, program, 50, ref="a", expires_at=clock.now.replace(month=6))
    credit(org, customer, program, 50, ref="b", expires_at=clock.now.replace(month=9))
    redemption = points_redeem(org=org, customer=customer, program=program, points=D(80))
    result = points_reverse_redemption(org=org, redemption_code=redemption.code)
    assert (result.reversed_points, result.available_points, result.expired_points) == (D(80), D(80), D(0))
    lots = {lot.source_ref: (lot.remaining, lot.expires_at.month) for lot in PointsLot.objects.all()}
    assert lots == {"a": (D(50), 6), "b": (D(50), 9)}
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.REVERSED
    with pytest.raises(errors.RedemptionAlreadyReversed):
        points_reverse_redemption(org=org, redemption_code=redemption.code)
    assert_invariants(customer)


def test_partial_reversal_then_the_rest(org, customer, program):
    credit(org, customer, program, 100)
    redemption = points_redeem(org=org, customer=customer, program=program, points=D(60))
    points_reverse_redemption(org=org, redemption_code=redemption.code, points=D(20))
    with pytest.raises(errors.RedemptionReversalMismatch):
        points_reverse_redemption(org=org, redemption_code=redemption.code, points=D(50))
    rest = points_reverse_redemption(org=org, redemption_code=redemption.code)
    assert rest.reversed_points == D(40)
    assert account_of(customer).available == D(100)
    assert_invariants(customer)


def test_reversal_into_an_expired_lot_comes_back_expired(org, customer, program, clock):
    credit(org, customer, program, 100, ref="a", expires_at=clock.now.replace(month=2))
    redemption = points_redeem(org=org, customer=customer, program=program, points=D(40))
    clock.now = clock.now.replace(month=3)
    points_expire_due()
    result = points_reverse_redemption(org=org, redemption_code=redemption.code)
    assert (result.available_points, result.expired_points) == (D(0), D(40))
    account = account_of(customer)
    assert (account.available, account.expired, account.redeemed) == (D(0), D(100), D(0))
    assert_invariants(customer)


def test_unknown_redemption_is_902(org):
    with pytest.raises(errors.RedemptionNotFound) as caught:
        points_reverse_redemption(org=org, redemption_code="nope")
    assert caught.value.code == 902


def test_promised_points_convert_after_the_delay(org, customer, program, clock):
    program.promised_delay_days = 7
    program.save()
    credit(org, customer, program, 70)
    account = account_of(customer)
    assert (account.available, account.promised) == (D(0), D(70))
    assert points_convert_promised(org=org, customer=customer, program=program) == D(0)
    clock.advance(days=7)
    assert points_convert_promised(org=org, customer=customer, program=program) == D(70)
    account.refresh_from_db()
    assert (account.available, account.promised) == (D(70), D(0))
    assert_invariants(customer)


def test_unlock_converts_one_bill_early(org, customer, program):
    program.promised_delay_days = 7
    program.save()
    credit(org, customer, program, 10, ref="B1")
    credit(org, customer, program, 20, ref="B2")
    assert points_convert_promised(org=org, customer=customer, program=program, source_ref="B2", force=True) == D(20)
    account = account_of(customer)
    assert (account.available, account.promised) == (D(20), D(10))


def test_return_inside_the_window_reverts_promised_points(org, customer, program):
    program.promised_delay_days = 7
    program.save()
    credit(org, customer, program, 20, ref="B1")
    points_revoke(org=org, customer=customer, program=program, points=D(20), source_type="BILL", source_ref="B1")
    account = account_of(customer)
    assert (account.available, account.promised, account.revoked) == (D(0), D(0), D(20))
    assert_invariants(customer)


@pytest.mark.parametrize("policy, available, owed, shortfall", [
    (DeficitPolicy.CLAMP, D(0), D(0), D(70)),
    (DeficitPolicy.ALLOW_NEGATIVE, D(-70), D(70), D(0)),
])
def test_return_needing_more_than_remains(org, customer, program, policy, available, owed, shortfall):
    program.deficit_policy = policy
    program.save()
    credit(org, customer, program, 100, ref="B1")
    points_redeem(org=org, customer=customer, program=program, points=D(70))
    points_revoke(org=org, customer=customer, program=program, points=D(100), source_type="BILL", source_ref="B1")
    account = account_of(customer)
    assert (account.available, account.negative_balance, account.shortfall) == (available, owed, shortfall)
    assert_invariants(customer)


def test_blocked_deficit_writes_nothing(org, customer, program):
    program.deficit_policy = DeficitPolicy.BLOCK
    program.save()
    credit(org, customer, program, 10, ref="B1")
    before = LedgerEntry.objects.count()
    with pytest.raises(errors.DebitBlocked):
        points_revoke(org=org, customer=customer, program=program, points=D(30), source_type="BILL", source_ref="B1")
    assert LedgerEntry.objects.count() == before and account_of(customer).available == D(10)


def test_owed_points_are_settled_by_the_next_credit(org, customer, program):
    program.deficit_policy = DeficitPolicy.ALLOW_NEGATIVE
    program.save()
    points_adjust(org=org, customer=customer, program=program, points=D(-30), reason="goodwill clawback",
                  actor=Actor())
    credit(org, customer, program, 100, ref="B2")
    account = account_of(customer)
    assert (account.available, account.negative_balance) == (D(70), D(0))
    assert PointsLot.objects.get(account=account).remaining == D(70)
    assert_invariants(customer)


def test_adjustment_needs_a_reason(org, customer, program):
    from apps.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        points_adjust(org=org, customer=customer, program=program, points=D(10), reason="", actor=Actor())


def test_transfer_keeps_each_lots_expiry_and_skips_untransferable(org, customer, other_customer, program, clock):
    credit(org, customer, program, 50, ref="enrol", transferable=False)
    credit(org, customer, program, 40, ref="B1", expires_at=clock.now.replace(month=8))
    transfer = points_transfer(org=org, from_customer=customer, to_customer=other_customer, program=program,
                               points=D(30))
    received = PointsLot.objects.get(account__customer=other_customer)
    assert (received.remaining, received.expires_at.month) == (D(30), 8)
    assert transfer.points == D(30)
    with pytest.raises(errors.TransferInsufficient):
        points_transfer(org=org, from_customer=customer, to_customer=other_customer, program=program, points=D(20))
    assert_invariants(customer, other_customer)


def test_transfer_to_self_is_418(org, customer, program):
    with pytest.raises(errors.TransferSameCustomer) as caught:
        points_transfer(org=org, from_customer=customer, to_customer=customer, program=program, points=D(1))
    assert caught.value.code == 418


def test_expiry_job_is_safe_to_run_twice(org, customer, other_customer, program, clock):
    credit(org, customer, program, 10, ref="a", expires_at=clock.now.replace(month=2))
    credit(org, customer, program, 15, ref="b", expires_at=clock.now.replace(month=5))
    credit(org, other_customer, program, 7, ref="c", expires_at=clock.now.replace(month=2))
    clock.now = clock.now.replace(month=3)
    assert points_expire_due(limit=1) == (D(17), 2)
    assert points_expire_due() == (D(0), 0)
    assert (account_of(customer).available, account_of(customer).expired) == (D(15), D(10))
    assert LedgerEntry.objects.filter(kind=EntryKind.EXPIRE).count() == 2
    assert ledger_check(org=org) == []


def test_redeeming_never_spends_points_past_their_date(org, customer, program, clock):
    credit(org, customer, program, 10, ref="a", expires_at=clock.now.replace(month=2))
    clock.now = clock.now.replace(month=3)  # the expiry job has not run yet
    with pytest.raises(errors.PointsMoreThanAvailable):
        points_redeem(org=org, customer=customer, program=program, points=D(5))
    assert points_redeemability(org=org, customer=customer, program=program, points=D(5)).available == D(0)


def test_rolling_expiry_redates_all_points(org, customer, program, clock):
    program.expiry_policy = ExpiryPolicy.ROLLING
    program.rolling_window_days = 30
    program.save()
    credit(org, customer, program, 10, ref="a")
    clock.advance(days=20)
    credit(org, customer, program, 5, ref="b")
    expiries = set(PointsLot.objects.values_list("expires_at", flat=True))
    assert expiries == {clock.now + __import__("datetime").timedelta(days=30)}


@pytest.mark.parametrize("earned, months, expected", [
    (datetime(2026, 1, 10, 12, tzinfo=dt_timezone.utc), 5, (2026, 6, 30)),
    (datetime(2027, 11, 30, 12, tzinfo=dt_timezone.utc), 3, (2028, 2, 29)),   # leap year
    (datetime(2026, 1, 31, 12, tzinfo=dt_timezone.utc), 1, (2026, 2, 28)),
])
def test_month_end_expiry(program, earned, months, expected):
    program.expiry_policy = ExpiryPolicy.MONTH_END
    program.expiry_months = months
    moment = expiry_for(program, earned)
    assert (moment.year, moment.month, moment.day, moment.hour) == (*expected, 23)


@pytest.mark.parametrize("mode, decimals, value, expected", [
    ("FLOOR", 0, "19.9", "19"), ("CEIL", 0, "19.1", "20"), ("HALF_UP", 1, "19.25", "19.3"), ("ACTUAL", 0, "19.9", "19.900"),
])
def test_rounding_modes(program, mode, decimals, value, expected):
    program.rounding_mode, program.points_decimals = mode, decimals
    assert points_round(D(value), program=program) == D(expected)


def test_statement_shows_which_lots_each_entry_touched(org, customer, program):
    credit(org, customer, program, 30, ref="a")
    credit(org, customer, program, 30, ref="b")
    redemption = points_redeem(org=org, customer=customer, program=program, points=D(45))
    moved = sorted((m.lot.source_ref, m.amount) for m in redemption.entry.movements.select_related("lot"))
    assert moved == [("a", D(-30)), ("b", D(-15))]


def test_lot_state_is_available_after_conversion(org, customer, program, clock):
    program.promised_delay_days = 1
    program.save()
    credit(org, customer, program, 5)
    clock.advance(days=2)
    points_convert_promised(org=org, customer=customer, program=program)
    assert PointsLot.objects.get().state == LotState.AVAILABLE
    assert make_customer(org).pk  # unrelated customers do not affect the check
    assert ledger_check(org=org) == []
