"""Reads of the coupons domain; every function takes the caller's org."""
from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from . import errors
from .choices import CouponStatus
from .codes import code_normalise
from .models import Coupon, CouponEvent, CouponRedemption, CouponSeries, CouponUpload

VALIDATION_CODE_LENGTH = 6


def validation_code_for(*, coupon: Coupon) -> str:
    """The coupon's validation code: an HMAC of the coupon under SECRET_KEY (never stored, re-sendable)."""
    message = f"coupon:{coupon.org_id}:{coupon.pk}:{coupon.customer_id}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return str(int(digest[:12], 16) % 10**VALIDATION_CODE_LENGTH).zfill(VALIDATION_CODE_LENGTH)


def series_get(*, org, series_id) -> CouponSeries:
    """One series of the org; SeriesNotFound for a missing, malformed or foreign id."""
    try:
        pk = int(str(series_id).strip())
    except (TypeError, ValueError):
        raise errors.SeriesNotFound(field="seriesId") from None
    series = CouponSeries.objects.for_org(org).filter(pk=pk).first()
    if series is None:
        raise errors.SeriesNotFound(field="seriesId")
    return series


def series_list(*, org, ids: list | None = None) -> QuerySet[CouponSeries]:
    """The org's series (newest first), optionally only the given ids."""
    qs = CouponSeries.objects.for_org(org)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("-id")


def series_live_counts(*, org, series_ids: list[int]) -> dict[int, dict]:
    """Issued and redeemed counts computed from the rows (the admin shows them beside the cached counters)."""
    issued = dict(Coupon.objects.filter(org=org, series_id__in=series_ids, customer__isnull=False)
                  .exclude(status=CouponStatus.REVOKED).values_list("series_id").annotate(n=Count("id")))
    redeemed = dict(CouponRedemption.objects.filter(org=org, series_id__in=series_ids, is_reversed=False)
                    .values_list("series_id").annotate(n=Count("id")))
    return {pk: {"issued": issued.get(pk, 0), "redeemed": redeemed.get(pk, 0)} for pk in series_ids}


def coupons_by_code(*, org, code: str) -> list[Coupon]:
    """Every coupon row carrying the code (one for generated/uploaded codes; holders + generic for a common code)."""
    return list(Coupon.objects.for_org(org).filter(code=code_normalise(code)).select_related("series")
                .order_by("id"))


def coupon_for_customer(*, org, code: str, customer) -> Coupon:
    """The coupon a customer means by a code: theirs, else a generic row anyone may use; CodeInvalid if none."""
    rows = coupons_by_code(org=org, code=code)
    if not rows:
        raise errors.CodeInvalid(field="code")
    if customer is not None:
        own = [c for c in rows if c.customer_id == customer.pk]
        if own:
            return own[-1]
    generic = [c for c in rows if c.customer_id is None]
    return generic[0] if generic else rows[0]


def coupon_get(*, org, coupon_id=None, code: str | None = None) -> Coupon:
    """One coupon by id or by (non-common) code; CouponNotFound otherwise."""
    qs = Coupon.objects.for_org(org).select_related("series", "customer")
    if coupon_id not in (None, ""):
        try:
            coupon = qs.filter(pk=int(str(coupon_id).strip())).first()
        except ValueError:
            coupon = None
    else:
        coupon = qs.filter(code=code_normalise(code)).order_by("customer_id").first()
    if coupon is None:
        raise errors.CouponNotFound(field="code")
    return coupon


def _redemptions_prefetch():
    return Prefetch("redemptions", queryset=CouponRedemption.objects.select_related("store", "till")
                    .order_by("redeemed_at", "id"))


def coupon_list(*, org, customer_ids=None, coupon_ids=None, codes=None, series_id=None, status: str | None = None,
                store=None, now=None) -> QuerySet[Coupon]:
    """Issued coupons (newest first) filtered by holder, id, code, series and status, with their redemptions."""
    qs = Coupon.objects.for_org(org).filter(customer__isnull=False)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
    if coupon_ids is not None:
        qs = qs.filter(pk__in=coupon_ids)
    if codes is not None:
        qs = qs.filter(code__in=[code_normalise(c) for c in codes])
    if series_id not in (None, ""):
        qs = qs.filter(series_id=series_id)
    if status == "redeemed":
        qs = qs.filter(redemption_count__gt=0)
    elif status == "unredeemed":
        qs = qs.filter(redemption_count=0)
    elif status == "expired" and now is not None:
        qs = qs.filter(valid_till__lt=now)
    elif status == "active" and now is not None:
        qs = qs.filter(valid_till__gte=now).exclude(status=CouponStatus.REVOKED)
    if store is not None:
        if connection.features.supports_json_field_contains:
            qs = qs.filter(Q(series__store_ids=[]) | Q(series__store_ids__contains=[store.pk]))
        else:  # SQLite (the demo) has no JSON containment: pick the org's series valid at the store here
            qs = qs.filter(series_id__in=[pk for pk, stores in CouponSeries.objects.for_org(org)
                                          .values_list("id", "store_ids") if not stores or store.pk in stores])
    return (qs.select_related("series", "issued_at_store", "issued_by_till", "customer")
            .prefetch_related(_redemptions_prefetch()).order_by("-id"))


def redemption_list(*, org, customer, start=None, end=None) -> QuerySet[CouponRedemption]:
    """A customer's coupon redemptions, newest first, with coupon, series, store and till joined."""
    qs = CouponRedemption.objects.for_org(org).filter(customer=customer, is_reversed=False)
    if start is not None:
        qs = qs.filter(redeemed_at__gte=start)
    if end is not None:
        qs = qs.filter(redeemed_at__lt=end)
    return qs.select_related("coupon", "series", "store", "till").order_by("-redeemed_at", "-id")


def upload_list(*, org, series, kind: str) -> QuerySet[CouponUpload]:
    return CouponUpload.objects.for_org(org).filter(series=series, kind=kind).order_by("-id")


def event_list(*, org, series) -> QuerySet[CouponEvent]:
    return CouponEvent.objects.for_org(org).filter(series=series).select_related("coupon", "customer", "till")
