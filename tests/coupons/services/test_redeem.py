"""Redeeming: every redemption limit and window, discounts, bills, idempotent retries and reactivation."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.coupons import errors
from apps.coupons.models import Coupon, CouponRedemption, CouponSeries
from apps.coupons.selectors import validation_code_for
from apps.points.selectors import org_zone
from apps.coupons.services import (RedeemContext, coupon_issue, coupon_redeem, coupon_redeemability,
                                   redemptions_reverse)
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import StoreFactory, ZoneFactory
from tests.factories.transactions import BillFactory, BillLineFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from ..conftest import make_series

pytestmark = pytest.mark.django_db
D = Decimal


def issue(org, customer, **series_settings):
    series = make_series(org, **series_settings)
    return coupon_issue(org=org, series_id=series.pk, customer=customer).coupon


def redeem(org, coupon_or_code, customer, bill="B1", amount="1000", at=None, store=None, **extra):
    code = getattr(coupon_or_code, "code", coupon_or_code)
    ctx = RedeemContext(customer=customer, at=at or timezone.now(), store=store, bill_number=bill,
                        bill_amount=None if amount is None else D(amount), **extra)
    return coupon_redeem(org=org, code=code, ctx=ctx)


def refused(org, coupon, customer, error, **kwargs):
    before = db_snapshot()
    with pytest.raises(error) as exc:
        redeem(org, coupon, customer, **kwargs)
    assert_nothing_written(before)
    return exc.value


def test_redeem_records_the_bill_and_the_discount_and_moves_counters(org, customer):
    # given
    coupon = issue(org, customer, discount_type="PERC", discount_value=D("10"), discount_upto=D("50"))
    # when
    result = redeem(org, coupon, customer, bill="B-100", amount="400")
    # then
    redemption = result.redemption
    assert (redemption.bill_number, redemption.bill_amount, redemption.discount) == ("B-100", D("400"), D("40.00"))
    coupon.refresh_from_db()
    assert coupon.redemption_count == 1
    assert CouponSeries.objects.get(pk=coupon.series_id).num_redeemed == 1


def test_percentage_discount_is_capped_by_discount_upto(org, customer):
    coupon = issue(org, customer, discount_type="PERC", discount_value=D("10"), discount_upto=D("50"))
    assert redeem(org, coupon, customer, amount="2000").redemption.discount == D("50.00")


def test_absolute_discount_never_exceeds_the_bill(org, customer):
    coupon = issue(org, customer, discount_value=D("500"))
    assert redeem(org, coupon, customer, amount="120").redemption.discount == D("120.00")


def test_a_stored_bill_is_linked_and_lineitem_discount_uses_matching_lines(org, customer, till):
    bill = BillFactory(org=org, store=till.store, customer=customer, number="B-77", amount=D("1500"))
    BillLineFactory(org=org, bill=bill, item_code="SKU1", category="Shoes", amount=D("1000"))
    BillLineFactory(org=org, bill=bill, item_code="SKU2", category="Socks", amount=D("500"))
    coupon = issue(org, customer, discount_type="PERC", discount_value=D("10"), discount_on="LINEITEM",
                   categories=["Shoes"])
    redemption = redeem(org, coupon, customer, bill="B-77", amount="1500", store=till.store).redemption
    assert redemption.bill_id == bill.pk and redemption.discount == D("100.00")


def test_product_restriction_refuses_a_bill_without_matching_items(org, customer, till):
    bill = BillFactory(org=org, store=till.store, customer=customer, number="B-78")
    BillLineFactory(org=org, bill=bill, item_code="SKU2", category="Socks", amount=D("500"))
    coupon = issue(org, customer, product_codes=["SKU1"])
    assert refused(org, coupon, customer, errors.UnableToRedeem, bill="B-78", store=till.store).code == 709


def test_retry_with_the_same_bill_returns_the_first_redemption(org, customer):
    coupon = issue(org, customer)
    first = redeem(org, coupon, customer, bill="B1")
    second = redeem(org, coupon, customer, bill="B1")
    assert second.replayed and second.redemption.pk == first.redemption.pk
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1


def test_single_use_coupon_on_another_bill_is_711(org, customer):
    coupon = issue(org, customer)
    redeem(org, coupon, customer, bill="B1")
    assert refused(org, coupon, customer, errors.AlreadyRedeemed, bill="B2").code == 711


def test_unknown_code_is_702_and_someone_elses_is_703(org, customer, other_customer):
    coupon = issue(org, customer)
    assert refused(org, "NOPE1234", customer, errors.CodeInvalid).code == 702
    assert refused(org, coupon, other_customer, errors.NotIssuedToCustomer).code == 703


def test_any_user_coupon_can_be_redeemed_by_someone_else(org, customer, other_customer):
    coupon = issue(org, customer, any_user=True)
    assert redeem(org, coupon, other_customer).redemption.customer == other_customer


def test_common_code_any_user_redeems_against_the_generic_row(org, customer):
    series = make_series(org, code_source="COMMON", common_code="FLAT50", any_user=True, is_multiple_use_allowed=True)
    result = redeem(org, "flat50", customer)
    assert result.redemption.coupon.customer_id is None and result.redemption.series == series


def test_expired_coupon_is_713_and_expired_series_712(org, customer):
    coupon = issue(org, customer)
    Coupon.objects.filter(pk=coupon.pk).update(valid_till=timezone.now() - timedelta(minutes=1))
    assert refused(org, coupon, customer, errors.CouponExpired).code == 713
    CouponSeries.objects.filter(pk=coupon.series_id).update(valid_till=timezone.now() - timedelta(minutes=1))
    assert refused(org, coupon, customer, errors.SeriesExpired).code == 712


def test_redemption_valid_from_and_after_days(org, customer):
    coupon = issue(org, customer, redemption_valid_from=timezone.now() + timedelta(days=2))
    assert refused(org, coupon, customer, errors.RedemptionDateInvalid).code == 739
    assert redeem(org, coupon, customer, at=timezone.now() + timedelta(days=3))
    later = issue(org, customer, redemption_valid_after_days=5)
    refused(org, later, customer, errors.RedemptionDateInvalid)
    assert redeem(org, later, customer, at=timezone.now() + timedelta(days=6))


def test_days_of_month_days_of_week_and_hours(org, customer):
    # 2026-12-06 is a Sunday (dow 1 on the platform), 10:30 in the org's zone.
    sunday_10 = datetime(2026, 12, 6, 10, 30, tzinfo=org_zone(org))
    coupon = issue(org, customer, redemption_range={"dow": [2, 3, 4, 5, 6]}, valid_till=sunday_10 + timedelta(days=30))
    assert refused(org, coupon, customer, errors.RedemptionRangeInvalid, at=sunday_10).code == 729
    hours = issue(org, customer, redemption_range={"hours": [9]}, valid_till=sunday_10 + timedelta(days=30))
    refused(org, hours, customer, errors.RedemptionRangeInvalid, at=sunday_10)
    dom = issue(org, customer, redemption_range={"dom": [6], "dow": [1], "hours": [10]},
                valid_till=sunday_10 + timedelta(days=30))
    Coupon.objects.filter(pk=dom.pk).update(issued_at=sunday_10 - timedelta(days=1))
    assert redeem(org, dom, customer, at=sunday_10)


def test_multi_use_coupon_with_per_coupon_limit_728(org, customer):
    coupon = issue(org, customer, is_multiple_use_allowed=True, same_user_multiple_redeem=True,
                   redemption_per_coupon_max_limit=2)
    redeem(org, coupon, customer, bill="B1")
    redeem(org, coupon, customer, bill="B2")
    assert refused(org, coupon, customer, errors.CouponRedemptionsExhausted, bill="B3").code == 728


def test_multi_use_coupon_same_user_twice_is_716_unless_allowed(org, customer, other_customer):
    coupon = issue(org, customer, is_multiple_use_allowed=True, any_user=True)
    redeem(org, coupon, customer, bill="B1")
    assert refused(org, coupon, customer, errors.SameCouponMultipleTimes, bill="B2").code == 716
    assert redeem(org, coupon, other_customer, bill="B3")


def test_series_max_redeem_714(org, customer, other_customer):
    series = make_series(org, max_redeem=1)
    a = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    b = coupon_issue(org=org, series_id=series.pk, customer=other_customer).coupon
    redeem(org, a, customer)
    assert refused(org, b, other_customer, errors.SeriesRedemptionsExhausted).code == 714


def test_max_redemptions_in_series_per_user_736(org, customer):
    series = make_series(org, max_redemptions_in_series_per_user=1, is_multiple_vouchers_per_user_allowed=True)
    a = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    b = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    redeem(org, a, customer, bill="B1")
    assert refused(org, b, customer, errors.CustomerSeriesRedemptionsExhausted, bill="B2").code == 736


def test_min_days_between_redemptions_738_says_how_long(org, customer):
    series = make_series(org, min_days_between_redemption=3, is_multiple_vouchers_per_user_allowed=True)
    a = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    b = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    redeem(org, a, customer, bill="B1")
    err = refused(org, b, customer, errors.WaitDays, bill="B2", at=timezone.now() + timedelta(days=1))
    assert err.code == 738 and "2 days" in err.message
    assert redeem(org, b, customer, bill="B3", at=timezone.now() + timedelta(days=4))


def test_min_and_max_bill_amount_733(org, customer):
    coupon = issue(org, customer, min_bill_amount=D("500"), max_bill_amount=D("5000"))
    assert refused(org, coupon, customer, errors.TransactionAmountInvalid, amount="499").code == 733
    refused(org, coupon, customer, errors.TransactionAmountInvalid, amount="5000.01")
    assert redeem(org, coupon, customer, amount="500")


def test_stores_and_zones_735(org, customer):
    zone = ZoneFactory(org=org)
    allowed, zoned, other = StoreFactory(org=org), StoreFactory(org=org, zone=zone), StoreFactory(org=org)
    coupon = issue(org, customer, store_ids=[allowed.pk], zone_ids=[zone.pk], is_multiple_use_allowed=True,
                   same_user_multiple_redeem=True)
    assert refused(org, coupon, customer, errors.StoreNotAllowed, store=other).code == 735
    refused(org, coupon, customer, errors.StoreNotAllowed, store=None)
    assert redeem(org, coupon, customer, bill="B1", store=allowed)
    assert redeem(org, coupon, customer, bill="B2", store=zoned)


def test_mutually_exclusive_series_cannot_share_a_bill(org, customer):
    first = make_series(org)
    second = make_series(org, mutually_exclusive_series_ids=[first.pk])
    a = coupon_issue(org=org, series_id=first.pk, customer=customer).coupon
    b = coupon_issue(org=org, series_id=second.pk, customer=customer).coupon
    redeem(org, a, customer, bill="B1")
    assert refused(org, b, customer, errors.UnableToRedeem, bill="B1").code == 709
    assert redeem(org, b, customer, bill="B2")


def test_exclusivity_holds_in_the_other_direction(org, customer):
    first = make_series(org)
    second = make_series(org, mutually_exclusive_series_ids=[first.pk])
    a = coupon_issue(org=org, series_id=first.pk, customer=customer).coupon
    b = coupon_issue(org=org, series_id=second.pk, customer=customer).coupon
    redeem(org, b, customer, bill="B1")
    refused(org, a, customer, errors.UnableToRedeem, bill="B1")


def test_validation_code_required_725_and_wrong_705(org, customer):
    coupon = issue(org, customer, is_validation_required=True)
    assert refused(org, coupon, customer, errors.ValidationCodeRequired).code == 725
    assert refused(org, coupon, customer, errors.ValidationCodeInvalid, validation_code="000000").code == 705
    assert redeem(org, coupon, customer, validation_code=validation_code_for(coupon=coupon))


def test_transaction_number_is_required_718(org, customer):
    coupon = issue(org, customer)
    assert refused(org, coupon, customer, errors.TransactionNumberRequired, bill="").code == 718


def test_per_customer_total_discount_cap_on_a_multi_use_coupon(org, customer):
    coupon = issue(org, customer, is_multiple_use_allowed=True, same_user_multiple_redeem=True,
                   discount_value=D("100"), max_discount_per_customer=D("250"))
    discounts = [redeem(org, coupon, customer, bill=f"B{i}").redemption.discount for i in range(3)]
    assert discounts == [D("100.00"), D("100.00"), D("50.00")]
    refused(org, coupon, customer, errors.UnableToRedeem, bill="B9")


def test_revoked_coupon_is_invalid(org, customer):
    from apps.coupons.services import coupons_revoke

    coupon = issue(org, customer)
    coupons_revoke(org=org, codes=[coupon.code], customer=customer)
    refused(org, coupon, customer, errors.CodeInvalid)


def test_reactivate_makes_the_coupon_usable_again(org, customer):
    coupon = issue(org, customer)
    first = redeem(org, coupon, customer, bill="B1").redemption
    redemptions_reverse(org=org, redemption_ids=[first.pk])
    coupon.refresh_from_db()
    assert coupon.redemption_count == 0 and CouponSeries.objects.get(pk=coupon.series_id).num_redeemed == 0
    second = redeem(org, coupon, customer, bill="B1").redemption
    assert second.pk != first.pk


def test_reactivate_of_an_unknown_or_foreign_redemption_writes_nothing(org, other_org, customer):
    foreign_customer = CustomerFactory(org=other_org)
    foreign = redeem(other_org, issue(other_org, foreign_customer), foreign_customer).redemption
    mine = redeem(org, issue(org, customer), customer).redemption
    before = db_snapshot()
    with pytest.raises(errors.RedemptionNotFound):
        redemptions_reverse(org=org, redemption_ids=[mine.pk, foreign.pk])
    assert_nothing_written(before)


def test_redeemability_reports_the_reason_without_writing(org, customer):
    coupon = issue(org, customer)
    redeem(org, coupon, customer)
    before = db_snapshot()
    check = coupon_redeemability(org=org, code=coupon.code,
                                 ctx=RedeemContext(customer=customer, at=timezone.now()))
    assert check.error.code == 711 and check.redemptions_left == 0
    assert_nothing_written(before)
