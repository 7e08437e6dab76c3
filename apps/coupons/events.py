"""Audit rows of the coupons domain, written in the transaction of the change they record."""
from __future__ import annotations

from .choices import CouponEventType
from .models import CouponEvent


def coupon_event(*, org, series, type: str, coupon=None, customer=None, till=None, **parameters) -> CouponEvent:
    """Record one state change of a series or a coupon."""
    return CouponEvent.objects.create(org=org, series=series, coupon=coupon, customer=customer, type=type,
                                      till=till, parameters=parameters)


def coupon_issued_event(coupon, *, till=None) -> CouponEvent:
    return coupon_event(org=coupon.org, series=coupon.series, coupon=coupon, customer=coupon.customer,
                        type=CouponEventType.ISSUED, till=till, code=coupon.code)


def coupon_redeemed_event(redemption, *, till=None) -> CouponEvent:
    return coupon_event(org=redemption.org, series=redemption.series, coupon=redemption.coupon,
                        customer=redemption.customer, type=CouponEventType.REDEEMED, till=till,
                        redemption_id=redemption.pk, bill_number=redemption.bill_number,
                        discount=str(redemption.discount))
