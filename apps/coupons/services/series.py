"""Creating and changing coupon series."""
from __future__ import annotations

import json
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.organizations.models import Store, Zone

from .. import errors
from ..choices import CodeSource, CouponEventType, CouponStatus, DiscountType, ExpiryStrategy
from ..codes import MAX_LENGTH, MIN_LENGTH, code_normalise
from ..events import coupon_event
from ..models import Coupon, CouponSeries

LIMIT_FIELDS = ("max_create", "max_redeem", "redemption_per_coupon_max_limit", "max_redemptions_in_series_per_user",
                "max_vouchers_per_user", "min_days_between_vouchers", "min_days_between_redemption",
                "redemption_valid_after_days", "reminder_days")
RANGE_BOUNDS = {"dom": (1, 31), "dow": (1, 7), "hours": (0, 23)}
EDITABLE = {f.name for f in CouponSeries._meta.get_fields() if getattr(f, "concrete", False)} - {
    "id", "org", "num_issued", "num_redeemed", "latest_issued_at", "latest_redeemed_at", "created_at", "updated_at"}


def _bad(detail: str, field: str | None = None):
    return errors.SeriesInputInvalid(detail=detail, field=field)


def redemption_range_parse(raw) -> dict:
    """`{"dom": [...], "dow": [...], "hours": [...]}` (a JSON string or an object); -1 (or absent) means any."""
    if raw in (None, "", {}):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise _bad("redemptionRange must be a JSON object", "redemptionRange") from None
    if not isinstance(raw, dict) or set(raw) - set(RANGE_BOUNDS):
        raise _bad("redemptionRange takes dom, dow and hours", "redemptionRange")
    cleaned = {}
    for key, (low, high) in RANGE_BOUNDS.items():
        values = raw.get(key, [])
        if not isinstance(values, list):
            raise _bad(f"redemptionRange.{key} must be a list", "redemptionRange")
        try:
            numbers = sorted({int(str(v).strip()) for v in values})
        except ValueError:
            raise _bad(f"redemptionRange.{key} must hold numbers", "redemptionRange") from None
        if not numbers or numbers == [-1]:
            continue
        if any(n < low or n > high for n in numbers):
            raise _bad(f"redemptionRange.{key} values must be {low} to {high}", "redemptionRange")
        cleaned[key] = numbers
    return cleaned


def _ids_of(org, model, ids, name: str) -> list[int]:
    try:
        wanted = sorted({int(i) for i in ids or [] if int(i) != -1})
    except (TypeError, ValueError):
        raise _bad(f"{name} must be a list of ids", name) from None
    found = set(model.objects.for_org(org).filter(pk__in=wanted).values_list("pk", flat=True))
    if missing := [i for i in wanted if i not in found]:
        raise _bad(f"{name}: unknown id {missing[0]}", name)
    return wanted


def _clean(org, series: CouponSeries, *, exclude_pk=None) -> None:
    for name in LIMIT_FIELDS:
        value = getattr(series, name)
        if not isinstance(value, int) or value < -1:
            raise _bad(f"{name} must be -1 (unlimited) or a whole number", name)
    if not (series.description or "").strip():
        raise _bad("description is required", "description")
    if series.valid_till is None:
        raise _bad("validTillDate is required", "validTillDate")
    if series.discount_value is None or series.discount_value < 0:
        raise _bad("discountValue must be zero or more", "discountValue")
    if series.discount_type == DiscountType.PERC and series.discount_value > 100:
        raise _bad("a percentage discount cannot exceed 100", "discountValue")
    if series.discount_upto is None or series.discount_upto < 0:
        raise _bad("discountUpto must be zero or more", "discountUpto")
    if series.expiry_strategy == ExpiryStrategy.DAYS and series.expiry_days < 1:
        raise _bad("expiryStrategyValue must be at least 1 day", "expiryStrategyValue")
    if series.max_bill_amount is not None and series.max_bill_amount < series.min_bill_amount:
        raise _bad("maxBillAmount must not be below minBillAmount", "maxBillAmount")
    series.redemption_range = redemption_range_parse(series.redemption_range)
    series.store_ids = _ids_of(org, Store, series.store_ids, "storeIds")
    series.zone_ids = _ids_of(org, Zone, series.zone_ids, "zoneIds")
    exclusive = _ids_of(org, CouponSeries, series.mutually_exclusive_series_ids, "mutualExclusiveSeriesIds")
    series.mutually_exclusive_series_ids = [i for i in exclusive if i != exclude_pk]
    series.product_codes = [str(c).strip() for c in series.product_codes or [] if str(c).strip()]
    series.categories = [str(c).strip() for c in series.categories or [] if str(c).strip()]
    series.code_prefix = code_normalise(series.code_prefix)
    series.code_suffix = code_normalise(series.code_suffix)
    if series.code_source == CodeSource.GENERATED and not MIN_LENGTH <= series.code_length <= MAX_LENGTH:
        raise _bad(f"randomCodeLength must be {MIN_LENGTH} to {MAX_LENGTH}", "randomCodeLength")
    if series.code_source == CodeSource.COMMON:
        series.common_code = code_normalise(series.common_code)
        if not series.common_code:
            raise _bad("a common-code series needs its code", "commonCode")
        taken = Coupon.objects.for_org(org).filter(code=series.common_code).exclude(series_id=series.pk).exists()
        if taken:
            raise _bad("this common code is already used in the org", "commonCode")
    try:
        series.full_clean(exclude=["org", "series_code"])
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise _bad(f"{name}: {messages[0]}", name) from None


def _series_code(org) -> str:
    while True:
        code = secrets.token_hex(10).upper()
        if not CouponSeries.objects.for_org(org).filter(series_code=code).exists():
            return code


@transaction.atomic
def series_create(*, org, data: dict, till=None) -> CouponSeries:
    """Create a series from model-field values (unknown keys refused); a common code gets its generic row."""
    if unknown := sorted(set(data) - EDITABLE):
        raise _bad(f"unknown setting {unknown[0]}", unknown[0])
    series = CouponSeries(org=org, **data)
    _clean(org, series)
    series.series_code = series.series_code or _series_code(org)
    series.save()
    if series.code_source == CodeSource.COMMON:
        Coupon.objects.create(org=org, series=series, code=series.common_code, is_common=True, customer=None,
                              status=CouponStatus.AVAILABLE, valid_till=series.valid_till)
    coupon_event(org=org, series=series, type=CouponEventType.SERIES_CREATED, till=till)
    return series


@transaction.atomic
def series_update(*, org, series: CouponSeries, data: dict, till=None) -> CouponSeries:
    """Change settings of a series; the code source of a series with coupons is fixed; a shortened series
    expiry shortens the coupons that outlived it."""
    if unknown := sorted(set(data) - EDITABLE):
        raise _bad(f"unknown setting {unknown[0]}", unknown[0])
    series = CouponSeries.objects.select_for_update().get(pk=series.pk, org=org)
    before = {k: getattr(series, k) for k in data}
    if "code_source" in data and data["code_source"] != series.code_source and series.num_issued:
        raise _bad("the code source of a series with issued coupons cannot change", "codeSource")
    for key, value in data.items():
        setattr(series, key, value)
    _clean(org, series, exclude_pk=series.pk)
    series.save()
    # The series expiry caps every coupon's expiry.
    Coupon.objects.filter(series=series, valid_till__gt=series.valid_till).update(valid_till=series.valid_till)
    if series.code_source == CodeSource.COMMON:
        Coupon.objects.filter(series=series, is_common=True).update(code=series.common_code)
    changed = sorted(k for k in data if before[k] != getattr(series, k))
    coupon_event(org=org, series=series, type=CouponEventType.SERIES_UPDATED, till=till, changed=changed)
    return series


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def series_settings_check(*, org, series: CouponSeries) -> None:
    """Validate an unsaved series' settings as series_create / series_update would (no writes); the admin form
    calls it so the service call in save_model succeeds."""
    _clean(org, series, exclude_pk=series.pk)
