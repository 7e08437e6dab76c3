"""Issuing coupons: code sources, expiry, and every issuance limit."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.communications.models import Message
from apps.coupons import errors
from apps.coupons.codes import ALPHABET
from apps.coupons.models import Coupon, CouponSeries
from apps.coupons.services import coupon_issue, series_create, series_update
from tests.factories.customers import CustomerFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from ..conftest import make_series

pytestmark = pytest.mark.django_db


def test_generated_code_has_length_prefix_suffix_and_no_ambiguous_characters(org, customer):
    # given
    series = make_series(org, code_length=10, code_prefix="dw-", code_suffix="-x")
    # when
    coupon = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    # then
    assert re.fullmatch(rf"DW-[{ALPHABET}]{{10}}-X", coupon.code)
    assert not set(coupon.code[3:13]) & set("01OIL")
    series.refresh_from_db()
    assert series.num_issued == 1 and series.latest_issued_at is not None


def test_issue_queues_the_coupon_message_to_the_customer(org, customer):
    series = make_series(org, sms_template="Hi {{first_name}}, use {{voucher}}")
    coupon = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    message = Message.objects.get(org=org, customer=customer, purpose="COUPON_ISSUE")
    assert message.body == f"Hi {customer.first_name}, use {coupon.code}"


def test_common_code_gives_every_customer_the_same_code(org, customer, other_customer):
    series = make_series(org, code_source="COMMON", common_code="sale20")
    first = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    second = coupon_issue(org=org, series_id=series.pk, customer=other_customer).coupon
    assert first.code == second.code == "SALE20" and first.pk != second.pk
    assert Coupon.objects.filter(series=series, customer__isnull=True, is_common=True).count() == 1


def test_common_code_cannot_reuse_a_code_of_the_org(org, customer):
    make_series(org, code_source="COMMON", common_code="SALE20")
    with pytest.raises(errors.SeriesInputInvalid):
        make_series(org, code_source="COMMON", common_code="sale20")


def test_uploaded_codes_are_handed_out_in_order_and_run_out(org, customer, other_customer):
    series = make_series(org, code_source="UPLOADED")
    for code in ("VENDOR1", "VENDOR2"):
        Coupon.objects.create(org=org, series=series, code=code, status="AVAILABLE", valid_till=series.valid_till)
    assert coupon_issue(org=org, series_id=series.pk, customer=customer).coupon.code == "VENDOR1"
    assert coupon_issue(org=org, series_id=series.pk, customer=other_customer).coupon.code == "VENDOR2"
    with pytest.raises(errors.UnableToIssue):
        coupon_issue(org=org, series_id=series.pk, customer=CustomerFactory(org=org))


def test_days_expiry_is_capped_by_the_series_expiry(org, customer, other_customer):
    now = timezone.now()
    series = make_series(org, expiry_strategy="DAYS", expiry_days=30, valid_till=now + timedelta(days=10))
    coupon = coupon_issue(org=org, series_id=series.pk, customer=customer, now=now).coupon
    assert coupon.valid_till == series.valid_till
    long_series = make_series(org, expiry_strategy="DAYS", expiry_days=5, valid_till=now + timedelta(days=10))
    coupon = coupon_issue(org=org, series_id=long_series.pk, customer=other_customer, now=now).coupon
    assert coupon.valid_till == now + timedelta(days=5)


def test_shortening_the_series_expiry_shortens_its_coupons(org, customer):
    series = make_series(org, expiry_strategy="DAYS", expiry_days=30)
    coupon = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    new_end = timezone.now() + timedelta(days=3)
    series_update(org=org, series=series, data={"valid_till": new_end})
    coupon.refresh_from_db()
    assert coupon.valid_till == new_end


def test_max_create_is_enforced(org, customer, other_customer):
    series = make_series(org, max_create=1)
    coupon_issue(org=org, series_id=series.pk, customer=customer)
    with pytest.raises(errors.UnableToIssue) as exc:
        coupon_issue(org=org, series_id=series.pk, customer=other_customer)
    assert exc.value.code == 722


def test_single_voucher_series_returns_the_existing_coupon(org, customer):
    series = make_series(org)
    first = coupon_issue(org=org, series_id=series.pk, customer=customer)
    again = coupon_issue(org=org, series_id=series.pk, customer=customer)
    assert again.coupon.pk == first.coupon.pk and again.created is False
    assert Coupon.objects.filter(series=series, customer=customer).count() == 1


def test_max_vouchers_per_user(org, customer):
    series = make_series(org, is_multiple_vouchers_per_user_allowed=True, max_vouchers_per_user=2)
    coupon_issue(org=org, series_id=series.pk, customer=customer)
    coupon_issue(org=org, series_id=series.pk, customer=customer)
    with pytest.raises(errors.UnableToIssue):
        coupon_issue(org=org, series_id=series.pk, customer=customer)


def test_min_days_between_vouchers(org, customer):
    series = make_series(org, is_multiple_vouchers_per_user_allowed=True, min_days_between_vouchers=7)
    now = timezone.now()
    coupon_issue(org=org, series_id=series.pk, customer=customer, now=now - timedelta(days=8))
    coupon_issue(org=org, series_id=series.pk, customer=customer, now=now)
    with pytest.raises(errors.UnableToIssue):
        coupon_issue(org=org, series_id=series.pk, customer=customer, now=now + timedelta(days=6))


def test_expired_series_refuses_and_writes_nothing(org, customer):
    series = make_series(org)
    CouponSeries.objects.filter(pk=series.pk).update(valid_till=timezone.now() - timedelta(days=1))
    before = db_snapshot()
    with pytest.raises(errors.SeriesExpired) as exc:
        coupon_issue(org=org, series_id=series.pk, customer=customer)
    assert exc.value.code == 712
    assert_nothing_written(before)


def test_unknown_or_foreign_series_is_707(org, other_org, customer):
    foreign = make_series(other_org)
    for series_id in (foreign.pk, 999999):
        with pytest.raises(errors.SeriesInvalid) as exc:
            coupon_issue(org=org, series_id=series_id, customer=customer)
        assert exc.value.code == 707


def test_fraud_customer_cannot_get_a_coupon(org, customer, series):
    customer.fraud_status = "MARKED"
    customer.save()
    with pytest.raises(errors.CustomerFraud):
        coupon_issue(org=org, series_id=series.pk, customer=customer)


@pytest.mark.parametrize("data, field", [
    ({"max_create": -2}, "max_create"),
    ({"discount_type": "PERC", "discount_value": 150}, "discountValue"),
    ({"redemption_range": '{"dom": [32]}'}, "redemptionRange"),
    ({"store_ids": [999999]}, "storeIds"),
    ({"code_length": 2}, "randomCodeLength"),
    ({"description": ""}, "description"),
])
def test_bad_series_settings_are_refused_and_nothing_written(org, data, field):
    before = db_snapshot()
    with pytest.raises(errors.SeriesInputInvalid) as exc:
        make_series(org, **data)
    assert exc.value.field == field
    assert_nothing_written(before)


def test_series_code_is_generated_unique_per_org(org):
    a, b = make_series(org), make_series(org)
    assert a.series_code and a.series_code != b.series_code


def test_redemption_range_is_parsed_from_the_platform_string(org):
    series = series_create(org=org, data={"description": "x", "valid_till": timezone.now() + timedelta(days=1),
                                          "redemption_range": '{"dom":["-1"],"dow":[1,7],"hours":["-1"]}'})
    assert series.redemption_range == {"dow": [1, 7]}
