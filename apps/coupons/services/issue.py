"""Issuing coupons to one customer: one series, or several series at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.customers.choices import FraudStatus

from .. import errors
from ..choices import CodeSource, CouponStatus, ExpiryStrategy
from ..codes import code_generate
from ..events import coupon_issued_event
from ..models import UNLIMITED, Coupon, CouponSeries
from .notify import coupon_message_send

FRAUD = (FraudStatus.MARKED, FraudStatus.CONFIRMED, FraudStatus.RECONFIRMED)
GENERATION_ATTEMPTS = 20


@dataclass
class IssueResult:
    coupon: Coupon
    created: bool  # False: the customer's existing coupon of the series was returned (multiple vouchers off)


def coupon_expiry(*, series: CouponSeries, issued_at):
    """Per-coupon expiry: the series expiry, or N days from issue, never beyond the series expiry."""
    if series.expiry_strategy == ExpiryStrategy.DAYS:
        return min(issued_at + timedelta(days=series.expiry_days), series.valid_till)
    return series.valid_till


def series_lock(*, org, series_id) -> CouponSeries:
    """The series row under FOR UPDATE (issue limits and counters change only under it); SeriesInvalid if foreign."""
    series = CouponSeries.objects.select_for_update().filter(org=org, pk=series_id).first()
    if series is None:
        raise errors.SeriesInvalid(field="seriesId")
    return series


def issue_refusal(*, series: CouponSeries, customer, now, held: list[Coupon]) -> errors.CouponError | None:
    """Why this customer cannot get another coupon of the series now (None: they can)."""
    if customer.fraud_status in FRAUD:
        return errors.CustomerFraud()
    if series.valid_till < now:
        return errors.SeriesExpired("Coupon Series has expired")
    if series.max_create != UNLIMITED and series.num_issued >= series.max_create:
        return errors.UnableToIssue(detail=". Maximum coupons for this series are already issued")
    live = [c for c in held if c.status != CouponStatus.REVOKED]
    if series.max_vouchers_per_user != UNLIMITED and len(live) >= series.max_vouchers_per_user:
        return errors.UnableToIssue(detail=". Maximum coupons per customer reached")
    if series.min_days_between_vouchers > 0 and held:
        latest = max(c.issued_at for c in held if c.issued_at)
        if latest + timedelta(days=series.min_days_between_vouchers) > now:
            return errors.UnableToIssue(detail=f". Minimum {series.min_days_between_vouchers} days between coupons")
    return None


def _new_code(*, series: CouponSeries, build) -> Coupon:
    """Insert a coupon with a fresh random code, drawing again on the (rare) collision."""
    for _ in range(GENERATION_ATTEMPTS):
        coupon = build(code_generate(length=series.code_length, prefix=series.code_prefix, suffix=series.code_suffix))
        try:
            with transaction.atomic():
                coupon.save()
            return coupon
        except IntegrityError:
            continue
    raise errors.UnableToIssue(detail=". Could not draw a free code; lengthen the series' codes")


def _take_uploaded(*, series: CouponSeries) -> Coupon:
    coupon = (Coupon.objects.select_for_update(skip_locked=True)
              .filter(series=series, status=CouponStatus.AVAILABLE, customer__isnull=True, is_common=False)
              .order_by("id").first())
    if coupon is None:
        raise errors.UnableToIssue(detail=". No uploaded codes are left in this series")
    return coupon


@transaction.atomic
def coupon_issue(*, org, series_id, customer, till=None, store=None, transaction_number: str = "",
                 notify: bool = True, now=None) -> IssueResult:
    """Issue a coupon of the series to the customer (limits checked under the series lock).

    When the series does not allow several coupons per customer and the customer holds one already, that coupon
    is returned (and resent unless the series says not to).
    """
    now = now or timezone.now()
    series = series_lock(org=org, series_id=series_id)
    held = list(Coupon.objects.filter(series=series, customer=customer).order_by("id"))
    live = [c for c in held if c.status == CouponStatus.ISSUED]
    if live and not series.is_multiple_vouchers_per_user_allowed and series.valid_till >= now:
        existing = live[-1]
        if notify and not series.do_not_resend_existing_voucher:
            coupon_message_send(coupon=existing, purpose="COUPON_RESEND")
        return IssueResult(existing, False)
    if refusal := issue_refusal(series=series, customer=customer, now=now, held=held):
        raise refusal
    expiry = coupon_expiry(series=series, issued_at=now)
    fields = {"org": org, "series": series, "customer": customer, "status": CouponStatus.ISSUED, "issued_at": now,
              "valid_till": expiry, "issued_by_till": till, "issued_at_store": store or getattr(till, "store", None),
              "transaction_number": transaction_number or ""}
    if series.code_source == CodeSource.COMMON:
        if held:  # one row per holder of a common code: a revoked one comes back
            coupon = held[-1]
            for key, value in fields.items():
                setattr(coupon, key, value)
            coupon.revoked_at, coupon.redemption_count = None, 0
            coupon.save()
        else:
            coupon = Coupon.objects.create(code=series.common_code, is_common=True, **fields)
    elif series.code_source == CodeSource.UPLOADED:
        coupon = _take_uploaded(series=series)
        for key, value in fields.items():
            setattr(coupon, key, value)
        coupon.valid_till = min(coupon.valid_till, expiry) if coupon.valid_till else expiry
        coupon.save()
    else:
        coupon = _new_code(series=series, build=lambda code: Coupon(code=code, **fields))
    CouponSeries.objects.filter(pk=series.pk).update(num_issued=F("num_issued") + 1, latest_issued_at=now)
    coupon_issued_event(coupon, till=till)
    if notify:
        coupon_message_send(coupon=coupon, purpose="COUPON_ISSUE", dedupe_key=f"coupon:{coupon.pk}:issue:{now.timestamp()}")
    return IssueResult(coupon, True)
