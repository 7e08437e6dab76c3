"""Two tills redeeming one single-use code at once: one wins, the others get 711; a series-wide limit holds
under concurrent redemptions and issuance. Real row locks, so PostgreSQL only."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection  # noqa: F401 (connection: skipif)
from django.utils import timezone

from apps.coupons import errors
from apps.coupons.models import Coupon, CouponRedemption, CouponSeries
from apps.coupons.services import RedeemContext, coupon_issue, coupon_redeem, series_create
from apps.customers.models import Customer
from tests.factories.organizations import OrganizationFactory
from tests.helpers.concurrency import run_concurrently

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row-lock behaviour is tested on PostgreSQL"),
]


def _series(org, **extra):
    return series_create(org=org, data={"description": "Flat 100", "discount_value": Decimal("100"),
                                        "valid_till": timezone.now() + timedelta(days=30), **extra})


def test_two_tills_redeeming_one_single_use_code_one_wins_the_other_gets_711():
    # given
    org = OrganizationFactory()
    customer = Customer.objects.create(org=org, first_name="Asha")
    coupon = coupon_issue(org=org, series_id=_series(org).pk, customer=customer, notify=False).coupon

    def till(n):
        ctx = RedeemContext(customer=customer, at=timezone.now(), bill_number=f"TILL{n}-BILL",
                            bill_amount=Decimal("500"))
        return coupon_redeem(org=org, code=coupon.code, ctx=ctx)

    # when
    results = run_concurrently([lambda n=n: till(n) for n in range(8)])
    # then
    wins = [r for r in results if not isinstance(r, Exception)]
    refusals = [r for r in results if isinstance(r, errors.AlreadyRedeemed)]
    assert len(wins) == 1 and len(refusals) == 7, results
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1
    assert Coupon.objects.get(pk=coupon.pk).redemption_count == 1


def test_the_same_bill_retried_concurrently_answers_one_redemption():
    org = OrganizationFactory()
    customer = Customer.objects.create(org=org, first_name="Asha")
    coupon = coupon_issue(org=org, series_id=_series(org).pk, customer=customer, notify=False).coupon
    ctx = lambda: RedeemContext(customer=customer, at=timezone.now(), bill_number="B1")  # noqa: E731
    results = run_concurrently([lambda: coupon_redeem(org=org, code=coupon.code, ctx=ctx()) for _ in range(6)])
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.redemption.pk for r in results}) == 1
    assert sum(1 for r in results if not r.replayed) == 1


def test_series_max_redeem_holds_under_concurrent_redemptions():
    org = OrganizationFactory()
    series = _series(org, max_redeem=3)
    people = [Customer.objects.create(org=org, first_name=f"C{i}") for i in range(10)]
    coupons = [coupon_issue(org=org, series_id=series.pk, customer=p, notify=False).coupon for p in people]
    results = run_concurrently([
        (lambda c=c, p=p: coupon_redeem(org=org, code=c.code, ctx=RedeemContext(customer=p, at=timezone.now(),
                                                                                bill_number=f"B{p.pk}")))
        for c, p in zip(coupons, people)])
    assert sum(1 for r in results if not isinstance(r, Exception)) == 3, results
    assert all(isinstance(r, errors.SeriesRedemptionsExhausted) for r in results if isinstance(r, Exception))
    assert CouponSeries.objects.get(pk=series.pk).num_redeemed == 3


def test_max_create_holds_under_concurrent_issuance():
    org = OrganizationFactory()
    series = _series(org, max_create=4)
    people = [Customer.objects.create(org=org, first_name=f"C{i}") for i in range(10)]
    results = run_concurrently([(lambda p=p: coupon_issue(org=org, series_id=series.pk, customer=p, notify=False))
                                for p in people])
    assert sum(1 for r in results if not isinstance(r, Exception)) == 4, results
    assert Coupon.objects.filter(series=series).count() == 4
    assert CouponSeries.objects.get(pk=series.pk).num_issued == 4
