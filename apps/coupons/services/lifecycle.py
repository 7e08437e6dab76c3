"""Revoking, transferring, resending coupons and the expiry reminders."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import errors
from ..choices import CouponEventType, CouponStatus
from ..codes import code_normalise
from ..events import coupon_event
from ..models import Coupon, CouponSeries
from .notify import REMINDER_TEMPLATE, coupon_message_send

REVOKE_MAX_CODES = 50
REVOKE_MAX_PER_CUSTOMER = 100


@dataclass
class RevokeOutcome:
    revoked: list[Coupon] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    redeemed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.revoked) + len(self.not_found) + len(self.redeemed)


@transaction.atomic
def coupons_revoke(*, org, series: CouponSeries | None = None, codes: list[str] | None = None, customer=None,
                   till=None) -> RevokeOutcome:
    """Revoke unredeemed coupons by codes (≤50; the series is needed for more than one) or all of a customer's
    coupons in a series (≤100). Redeemed coupons and unknown codes are reported, not revoked."""
    outcome = RevokeOutcome()
    if not codes and customer is None:
        raise errors.NothingPassed()
    qs = Coupon.objects.for_org(org).select_for_update().exclude(status=CouponStatus.REVOKED)
    if codes:
        wanted = [code_normalise(c) for c in codes]
        if len(wanted) > REVOKE_MAX_CODES:
            raise errors.SeriesInputInvalid(detail=f"at most {REVOKE_MAX_CODES} codes per call", field="couponCodes")
        if len(wanted) > 1 and series is None:
            raise errors.NothingPassed("No coupon series ID is passed", field="couponSeriesId")
        qs = qs.filter(code__in=wanted, customer__isnull=False)
        if customer is not None:
            qs = qs.filter(customer=customer)
    else:
        if series is None:
            raise errors.NothingPassed("No coupon series ID is passed", field="couponSeriesId")
        qs = qs.filter(customer=customer)
        wanted = []
    if series is not None:
        qs = qs.filter(series=series)
    rows = list(qs.select_related("series", "customer").order_by("pk"))
    if customer is not None and not codes and len([r for r in rows if not r.redemption_count]) > REVOKE_MAX_PER_CUSTOMER:
        raise errors.SeriesInputInvalid(detail=f"the customer holds more than {REVOKE_MAX_PER_CUSTOMER} coupons",
                                        field="customer")
    found = {r.code for r in rows}
    outcome.not_found = [c for c in wanted if c not in found]
    now = timezone.now()
    for coupon in rows:
        if coupon.redemption_count:
            outcome.redeemed.append(coupon.code)
            continue
        Coupon.objects.filter(pk=coupon.pk).update(status=CouponStatus.REVOKED, revoked_at=now)
        CouponSeries.objects.filter(pk=coupon.series_id).update(num_issued=F("num_issued") - 1)
        coupon_event(org=org, series=coupon.series, coupon=coupon, customer=coupon.customer,
                     type=CouponEventType.REVOKED, till=till)
        outcome.revoked.append(coupon)
    return outcome


@transaction.atomic
def coupon_transfer(*, org, code: str, from_customer, to_customer, till=None) -> Coupon:
    """Move an unredeemed, unexpired coupon of a transferable series to another customer (beyond the platform)."""
    coupon = (Coupon.objects.for_org(org).select_for_update().filter(code=code_normalise(code), customer=from_customer)
              .exclude(status=CouponStatus.REVOKED).first())
    if coupon is None:
        raise errors.CouponNotFound(field="code")
    series = coupon.series
    if not series.is_transferrable:
        raise errors.TransferNotAllowed(detail="The coupon series does not allow transfers")
    if coupon.is_common:
        raise errors.TransferNotAllowed(detail="A common code cannot be transferred")
    if from_customer.pk == to_customer.pk:
        raise errors.TransferNotAllowed(detail="The coupon already belongs to this customer")
    if coupon.redemption_count:
        raise errors.AlreadyRedeemed()
    if coupon.valid_till < timezone.now() or series.valid_till < timezone.now():
        raise errors.CouponExpired()
    Coupon.objects.filter(pk=coupon.pk).update(customer=to_customer)
    coupon.customer = to_customer
    coupon_event(org=org, series=series, coupon=coupon, customer=to_customer, type=CouponEventType.TRANSFERRED,
                 till=till, from_customer_id=from_customer.pk)
    coupon_message_send(coupon=coupon, purpose="COUPON_ISSUE", dedupe_key=f"coupon:{coupon.pk}:transfer:{to_customer.pk}")
    return coupon


@transaction.atomic
def coupon_resend(*, org, coupon: Coupon, till=None):
    """Send the coupon to its holder again; SendFailed when it cannot be sent (no contact, messages off)."""
    if coupon.customer_id is None or coupon.status == CouponStatus.REVOKED:
        raise errors.CodeInvalid()
    message = coupon_message_send(coupon=coupon, purpose="COUPON_RESEND")
    if message is None:
        raise errors.SendFailed()
    coupon_event(org=org, series=coupon.series, coupon=coupon, customer=coupon.customer, type=CouponEventType.RESENT,
                 till=till, message_id=message.pk)
    return message


def coupon_reminders_send(*, org, now=None, limit: int = 1000) -> int:
    """Remind holders of unredeemed coupons whose expiry falls N days ahead (the series' reminder_days), once per
    coupon; safe to run twice (reminded_at + the message dedupe key). Returns how many were reminded."""
    now = now or timezone.now()
    sent = 0
    series_list = list(CouponSeries.objects.for_org(org).filter(reminder_days__gt=0, valid_till__gte=now))
    for series in series_list:
        horizon = now + timedelta(days=series.reminder_days)
        while True:
            with transaction.atomic():
                batch = list(Coupon.objects.select_for_update(skip_locked=True)
                             .filter(series=series, status=CouponStatus.ISSUED, customer__isnull=False,
                                     redemption_count=0, reminded_at__isnull=True, valid_till__gte=now,
                                     valid_till__lte=horizon)
                             .select_related("series", "customer").order_by("id")[:limit])
                if not batch:
                    break
                for coupon in batch:
                    coupon_message_send(coupon=coupon, purpose="COUPON_REMINDER", template=REMINDER_TEMPLATE,
                                        dedupe_key=f"coupon:{coupon.pk}:reminder")
                Coupon.objects.filter(pk__in=[c.pk for c in batch]).update(reminded_at=now)
                coupon_event(org=org, series=series, type=CouponEventType.REMINDED, count=len(batch))
                sent += len(batch)
    return sent


EXPIRY_MAX_CODES = 100


@dataclass
class ExpiryOutcome:
    updated: list[Coupon] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)  # {couponCode, expiryDate, errorCode, errorMessage}


@transaction.atomic
def coupons_expiry_update(*, org, series: CouponSeries, items: list[tuple[str, object]], customer=None,
                          till=None) -> ExpiryOutcome:
    """Move coupons' expiry (earlier or later, ≤100 per call): never into the past, never beyond the series
    expiry; a common code needs its holder. Each code fails on its own (633, 690, 691, 695)."""
    if len(items) > EXPIRY_MAX_CODES:
        raise errors.SeriesInputInvalid(detail=f"at most {EXPIRY_MAX_CODES} codes per call", field="couponCodes")
    if not items:
        raise errors.NothingPassed("Atleast one coupon code and expiry date info is mandatory.", field="couponCodes")
    outcome, now = ExpiryOutcome(), timezone.now()
    for raw_code, expiry in items:
        code = code_normalise(raw_code)
        qs = Coupon.objects.select_for_update().filter(org=org, series=series, code=code, customer__isnull=False) \
            .exclude(status=CouponStatus.REVOKED)
        if customer is not None:
            qs = qs.filter(customer=customer)
        rows = list(qs.order_by("pk")[:2])
        failure = None
        if not rows:
            failure = (633, "Invalid coupon code.")
        elif rows[0].is_common and customer is None:
            failure = (695, "User Id is mandatory for common coupon to change expiry")
        elif expiry < now:
            failure = (690, "Expiry date is past date")
        elif expiry > series.valid_till:
            failure = (691, "Coupon code expiry date cannot be set beyond series expiry date.")
        if failure:
            outcome.failed.append({"couponCode": code, "expiry": expiry, "errorCode": failure[0],
                                   "errorMessage": failure[1]})
            continue
        coupon = rows[0]
        previous = coupon.valid_till
        Coupon.objects.filter(pk=coupon.pk).update(valid_till=expiry, reminded_at=None)
        coupon.valid_till = expiry
        coupon_event(org=org, series=series, coupon=coupon, customer=coupon.customer,
                     type=CouponEventType.EXPIRY_CHANGED, till=till, previous=previous.isoformat(),
                     expiry=expiry.isoformat())
        outcome.updated.append(coupon)
    return outcome
