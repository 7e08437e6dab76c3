"""Redeeming coupons against bills, checking redeemability, and reversing redemptions (reactivate)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from apps.transactions.models import Bill

from .. import errors
from ..choices import CouponEventType, CouponStatus, DiscountType
from ..events import coupon_event, coupon_redeemed_event
from ..models import UNLIMITED, Coupon, CouponRedemption, CouponSeries
from ..selectors import coupon_for_customer, validation_code_for
from .issue import FRAUD

CENT = Decimal("0.01")


@dataclass
class RedeemContext:
    """What a redemption (or a redeemability check) is asked against."""

    customer: object
    at: object
    store: object = None
    bill_number: str = ""
    bill_amount: Decimal | None = None
    validation_code: str = ""
    bill: Bill | None = None
    lines: list = field(default_factory=list)


@dataclass
class Redeemability:
    coupon: Coupon | None
    error: errors.CouponError | None
    redemptions_by_user: int = 0
    redemptions_left: int = UNLIMITED


def _in_range(series: CouponSeries, at) -> bool:
    window = series.redemption_range or {}
    local = at.astimezone(_org_zone(series))
    dow = (local.isoweekday() % 7) + 1  # the platform counts 1 = Sunday
    return ((not window.get("dom") or local.day in window["dom"]) and (not window.get("dow") or dow in window["dow"])
            and (not window.get("hours") or local.hour in window["hours"]))


def _org_zone(series):
    from apps.points.selectors import org_zone

    return org_zone(series.org)


def _customer_redemptions(*, series, customer):
    return CouponRedemption.objects.filter(series=series, customer=customer, is_reversed=False)


def _line_matches(series, lines) -> list:
    if not series.product_codes and not series.categories:
        return list(lines)
    return [ln for ln in lines if ln.item_code in series.product_codes or ln.category in series.categories]


def _window_refusal(coupon: Coupon, series: CouponSeries, ctx: RedeemContext):
    if series.valid_till < ctx.at:
        return errors.SeriesExpired()
    if coupon.valid_till < ctx.at:
        return errors.CouponExpired()
    if series.redemption_valid_from and series.redemption_valid_from > ctx.at:
        return errors.RedemptionDateInvalid()
    if series.redemption_valid_after_days > 0 and coupon.issued_at and \
            coupon.issued_at + timedelta(days=series.redemption_valid_after_days) > ctx.at:
        return errors.RedemptionDateInvalid()
    if not _in_range(series, ctx.at):
        return errors.RedemptionRangeInvalid()
    return None


def _holder_refusal(coupon: Coupon, series: CouponSeries, ctx: RedeemContext):
    if coupon.status == CouponStatus.REVOKED:
        return errors.CodeInvalid()
    if coupon.customer_id != ctx.customer.pk and not series.any_user:
        return errors.NotIssuedToCustomer()
    if ctx.customer.fraud_status in FRAUD:
        return errors.CustomerFraud()
    return None


def _use_refusal(coupon: Coupon, series: CouponSeries, ctx: RedeemContext, mine) -> errors.CouponError | None:
    count = coupon.redemption_count
    if not series.is_multiple_use_allowed and count >= 1:
        return errors.AlreadyRedeemed()
    if series.is_multiple_use_allowed:
        if series.redemption_per_coupon_max_limit != UNLIMITED and count >= series.redemption_per_coupon_max_limit:
            return errors.CouponRedemptionsExhausted()
        if not series.same_user_multiple_redeem and mine.filter(coupon=coupon).exists():
            return errors.SameCouponMultipleTimes()
    if series.max_redeem != UNLIMITED and series.num_redeemed >= series.max_redeem:
        return errors.SeriesRedemptionsExhausted()
    if series.max_redemptions_in_series_per_user != UNLIMITED and \
            mine.count() >= series.max_redemptions_in_series_per_user:
        return errors.CustomerSeriesRedemptionsExhausted()
    if series.min_days_between_redemption > 0:
        last = mine.order_by("-redeemed_at").values_list("redeemed_at", flat=True).first()
        if last is not None and last + timedelta(days=series.min_days_between_redemption) > ctx.at:
            left = last + timedelta(days=series.min_days_between_redemption) - ctx.at
            return errors.WaitDays(days=max(1, math.ceil(left.total_seconds() / 86400)))
    return None


def _place_refusal(coupon: Coupon, series: CouponSeries, ctx: RedeemContext):
    if series.store_ids or series.zone_ids:
        store = ctx.store
        if store is None or (store.pk not in series.store_ids and store.zone_id not in series.zone_ids):
            return errors.StoreNotAllowed()
    if ctx.bill_amount is not None:
        if ctx.bill_amount < 0 or ctx.bill_amount < series.min_bill_amount or (
                series.max_bill_amount is not None and ctx.bill_amount > series.max_bill_amount):
            return errors.TransactionAmountInvalid()
    if ctx.bill_number and series.mutually_exclusive_series_ids:
        clash = CouponRedemption.objects.filter(org=coupon.org, customer=ctx.customer, bill_number=ctx.bill_number,
                                                is_reversed=False,
                                                series_id__in=series.mutually_exclusive_series_ids).exists()
        if clash:
            return errors.UnableToRedeem(detail=". It cannot be combined with another coupon on this bill")
    if ctx.bill_number:  # the other direction: a coupon on the bill names this series as exclusive
        others = (CouponRedemption.objects.filter(org=coupon.org, customer=ctx.customer, bill_number=ctx.bill_number,
                                                  is_reversed=False).exclude(series=series)
                  .values_list("series__mutually_exclusive_series_ids", flat=True))
        if any(series.pk in (ids or []) for ids in others):
            return errors.UnableToRedeem(detail=". It cannot be combined with another coupon on this bill")
    if (series.product_codes or series.categories) and ctx.lines and not _line_matches(series, ctx.lines):
        return errors.UnableToRedeem(detail=". The bill has no item the coupon applies to")
    return None


def _validation_refusal(coupon: Coupon, series: CouponSeries, ctx: RedeemContext):
    if not series.is_validation_required:
        return None
    if not ctx.validation_code:
        return errors.ValidationCodeRequired()
    if ctx.validation_code.strip() != validation_code_for(coupon=coupon):
        return errors.ValidationCodeInvalid()
    return None


def _cap_refusal(coupon: Coupon, series: CouponSeries, ctx: RedeemContext, mine):
    if series.max_discount_per_customer is None:
        return None
    used = mine.filter(coupon=coupon).aggregate(s=Sum("discount"))["s"] or Decimal(0)
    if used >= series.max_discount_per_customer:
        return errors.UnableToRedeem(detail=". The customer's total discount on this coupon is used up")
    return None


def redeem_refusal(coupon: Coupon, ctx: RedeemContext) -> errors.CouponError | None:
    """The first documented reason this coupon cannot be redeemed in this context (None: it can)."""
    series = coupon.series
    mine = _customer_redemptions(series=series, customer=ctx.customer)
    for check in (_holder_refusal, _window_refusal, _validation_refusal):
        if refusal := check(coupon, series, ctx):
            return refusal
    return (_use_refusal(coupon, series, ctx, mine) or _place_refusal(coupon, series, ctx)
            or _cap_refusal(coupon, series, ctx, mine))


def discount_for(coupon: Coupon, ctx: RedeemContext) -> Decimal:
    """The discount this redemption gives: ABS value or PERC of the bill (or of the matching lines for LINEITEM),
    capped by discountUpto and by what is left of the customer's total-discount cap."""
    series = coupon.series
    base = ctx.bill_amount
    if ctx.lines and (series.discount_on == "LINEITEM" or series.product_codes or series.categories):
        base = sum((ln.amount for ln in _line_matches(series, ctx.lines)), Decimal(0))
    if series.discount_type == DiscountType.ABS:
        value = series.discount_value if base is None else min(series.discount_value, base)
    else:
        value = (base or Decimal(0)) * series.discount_value / 100
        if series.discount_upto > 0:
            value = min(value, series.discount_upto)
    if series.max_discount_per_customer is not None:
        used = _customer_redemptions(series=series, customer=ctx.customer).filter(coupon=coupon) \
            .aggregate(s=Sum("discount"))["s"] or Decimal(0)
        value = min(value, series.max_discount_per_customer - used)
    return max(value, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def _attach_bill(*, org, ctx: RedeemContext) -> None:
    if ctx.bill_number and ctx.store is not None and ctx.bill is None:
        ctx.bill = (Bill.objects.filter(org=org, number=ctx.bill_number, store=ctx.store).order_by("-id").first())
        if ctx.bill is not None:
            ctx.lines = list(ctx.bill.lines.all())


def coupon_redeemability(*, org, code: str, ctx: RedeemContext) -> Redeemability:
    """Whether the customer can redeem the code now, with the documented reason when not; writes nothing."""
    try:
        coupon = coupon_for_customer(org=org, code=code, customer=ctx.customer)
    except errors.CouponError as exc:
        return Redeemability(None, exc)
    _attach_bill(org=org, ctx=ctx)
    series = coupon.series
    by_user = _customer_redemptions(series=series, customer=ctx.customer).filter(coupon=coupon).count()
    left = UNLIMITED
    if not series.is_multiple_use_allowed:
        left = max(0, 1 - coupon.redemption_count)
    elif series.redemption_per_coupon_max_limit != UNLIMITED:
        left = max(0, series.redemption_per_coupon_max_limit - coupon.redemption_count)
    return Redeemability(coupon, redeem_refusal(coupon, ctx), by_user, left)


def _needs_series_lock(series: CouponSeries) -> bool:
    return (series.max_redeem != UNLIMITED or series.max_redemptions_in_series_per_user != UNLIMITED
            or series.min_days_between_redemption > 0 or bool(series.mutually_exclusive_series_ids))


@dataclass
class RedeemResult:
    redemption: CouponRedemption
    replayed: bool


@transaction.atomic
def coupon_redeem(*, org, code: str, ctx: RedeemContext, till=None, details: str = "") -> RedeemResult:
    """Redeem one code for the customer against a bill, under the coupon's row lock (and the series lock when a
    series-wide limit applies). The same coupon, customer and bill number again returns the first redemption."""
    if not ctx.bill_number:
        raise errors.TransactionNumberRequired(field="transactionNumber")
    found = coupon_for_customer(org=org, code=code, customer=ctx.customer)
    if _needs_series_lock(found.series):  # lock order: series, then coupon (as issuance does)
        CouponSeries.objects.select_for_update().filter(pk=found.series_id).first()
    coupon = Coupon.objects.select_for_update().select_related("series").get(pk=found.pk)
    previous = CouponRedemption.objects.filter(coupon=coupon, customer=ctx.customer, bill_number=ctx.bill_number,
                                               is_reversed=False).first()
    if previous is not None:
        return RedeemResult(previous, True)
    _attach_bill(org=org, ctx=ctx)
    if refusal := redeem_refusal(coupon, ctx):
        raise refusal
    redemption = CouponRedemption.objects.create(
        org=org, coupon=coupon, series=coupon.series, customer=ctx.customer, bill_number=ctx.bill_number,
        bill_amount=ctx.bill_amount, bill=ctx.bill, discount=discount_for(coupon, ctx), store=ctx.store, till=till,
        redeemed_at=ctx.at, details=details[:255])
    Coupon.objects.filter(pk=coupon.pk).update(redemption_count=F("redemption_count") + 1)
    CouponSeries.objects.filter(pk=coupon.series_id).update(num_redeemed=F("num_redeemed") + 1,
                                                           latest_redeemed_at=ctx.at)
    coupon_redeemed_event(redemption, till=till)
    return RedeemResult(redemption, False)


@transaction.atomic
def redemptions_reverse(*, org, redemption_ids: list, till=None) -> list[CouponRedemption]:
    """Reactivate: reverse redemptions by id (all or none); each coupon becomes usable again."""
    try:
        ids = sorted({int(str(i).strip()) for i in redemption_ids})
    except (TypeError, ValueError):
        raise errors.RedemptionNotFound(field="redemptionIds") from None
    rows = list(CouponRedemption.objects.for_org(org).filter(pk__in=ids, is_reversed=False)
                .select_related("coupon", "series", "customer").order_by("coupon_id", "id"))
    if not ids or len(rows) != len(ids):
        raise errors.RedemptionNotFound(field="redemptionIds")
    list(Coupon.objects.select_for_update().filter(pk__in={r.coupon_id for r in rows}).order_by("pk"))
    now = timezone.now()
    for row in rows:
        updated = CouponRedemption.objects.filter(pk=row.pk, is_reversed=False).update(is_reversed=True,
                                                                                       reversed_at=now)
        if not updated:
            raise errors.RedemptionNotFound(field="redemptionIds")
        Coupon.objects.filter(pk=row.coupon_id).update(redemption_count=F("redemption_count") - 1)
        CouponSeries.objects.filter(pk=row.series_id).update(num_redeemed=F("num_redeemed") - 1)
        coupon_event(org=org, series=row.series, coupon=row.coupon, customer=row.customer,
                     type=CouponEventType.REACTIVATED, till=till, redemption_id=row.pk, bill_number=row.bill_number)
    return rows
