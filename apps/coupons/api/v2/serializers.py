"""v2 coupon shapes: the series body mapped onto service fields, and the documented answer objects."""
from __future__ import annotations

import json

from rest_framework import serializers

from apps.core.errors import InvalidInput

from ...choices import CodeSource, DiscountOn, DiscountType, ExpiryStrategy
from ..common import NO_MAX_BILL, code_case, decimal_of, flag, int_of, iso, moment_of, number

INT_FIELDS = {"maxCreate": "max_create", "maxRedeem": "max_redeem",
              "redemptionPerCouponMaxLimit": "redemption_per_coupon_max_limit",
              "maxRedemptionsInSeriesPerUser": "max_redemptions_in_series_per_user",
              "maxVouchersPerUser": "max_vouchers_per_user", "minDaysBetweenVouchers": "min_days_between_vouchers",
              "minDaysBetweenRedemption": "min_days_between_redemption",
              "redemptionValidAfterDays": "redemption_valid_after_days", "randomCodeLength": "code_length",
              "expiryReminderDays": "reminder_days"}
BOOL_FIELDS = {"sameUserMultipleRedeem": "same_user_multiple_redeem", "isMultipleUseAllowed": "is_multiple_use_allowed",
               "isMultipleVouchersPerUserAllowed": "is_multiple_vouchers_per_user_allowed",
               "isValidationRequired": "is_validation_required", "isTransferrable": "is_transferrable",
               "anyUser": "any_user", "isSMSDisabled": "is_sms_disabled",
               "doNotResendExistingVoucher": "do_not_resend_existing_voucher"}
TEXT_FIELDS = {"description": "description", "discountCode": "discount_code", "info": "info",
               "detailedInfo": "info", "smsTemplate": "sms_template", "clientHandlingType": "client_handling_type",
               "seriesCode": "series_code"}
DECIMAL_FIELDS = {"discountValue": "discount_value", "discountUpto": "discount_upto", "minBillAmount": "min_bill_amount"}
CHOICES = {"discountType": ("discount_type", DiscountType.values), "discountOn": ("discount_on", DiscountOn.values),
           "expiryStrategyType": ("expiry_strategy", ExpiryStrategy.values),
           "codeSource": ("code_source", CodeSource.values)}


def _json_list(value, name: str) -> list:
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            raise InvalidInput(f"Invalid input. {name}: must be a list", field=name) from None
    if not isinstance(value, list):
        raise InvalidInput(f"Invalid input. {name}: must be a list", field=name)
    return value


def series_fields(body: dict, *, org) -> dict:
    """Service fields of a v2 series body (wrapped in CouponSeriesV2 or not); only what the body names."""
    if isinstance(body.get("CouponSeriesV2"), dict):
        body = body["CouponSeriesV2"]
    if not isinstance(body, dict):
        raise InvalidInput("Invalid input. Send the series as a JSON object")
    out: dict = {}
    for key, name in TEXT_FIELDS.items():
        if key in body and body[key] is not None:
            out[name] = str(body[key]).strip()
    for key, name in INT_FIELDS.items():
        if key in body and body[key] not in (None, ""):
            out[name] = int_of(body[key], key)
    for key, name in BOOL_FIELDS.items():
        if key in body and body[key] not in (None, ""):
            out[name] = flag(body[key])
    for key, name in DECIMAL_FIELDS.items():
        if key in body and body[key] not in (None, ""):
            out[name] = decimal_of(body[key], key)
    for key, (name, allowed) in CHOICES.items():
        if key in body and body[key] not in (None, ""):
            value = str(body[key]).strip().upper()
            if value not in allowed:
                raise InvalidInput(f"Invalid input. {key}: one of {', '.join(allowed)}", field=key)
            out[name] = value
    if body.get("maxBillAmount") not in (None, ""):
        amount = decimal_of(body["maxBillAmount"], "maxBillAmount")
        out["max_bill_amount"] = None if amount >= NO_MAX_BILL or amount < 0 else amount
    if body.get("maxDiscountPerCustomer") not in (None, ""):
        amount = decimal_of(body["maxDiscountPerCustomer"], "maxDiscountPerCustomer")
        out["max_discount_per_customer"] = None if amount < 0 else amount
    if body.get("validTillDate") not in (None, ""):
        out["valid_till"] = moment_of(body["validTillDate"], "validTillDate", org)
    if body.get("redemptionValidFrom") not in (None, ""):
        out["redemption_valid_from"] = moment_of(body["redemptionValidFrom"], "redemptionValidFrom", org)
    strategy = out.get("expiry_strategy") or str(body.get("expiryStrategyType") or "").upper()
    for key in ("expiryStrategyValue", "validDaysFromCreation"):
        if strategy == ExpiryStrategy.DAYS and body.get(key) not in (None, ""):
            out["expiry_days"] = int_of(body[key], key)
            break
    if "redemptionRange" in body:
        out["redemption_range"] = body["redemptionRange"] or {}
    if "mutualExclusiveSeriesIds" in body:
        out["mutually_exclusive_series_ids"] = _json_list(body["mutualExclusiveSeriesIds"], "mutualExclusiveSeriesIds")
    _code_fields(body, out)
    _entities(body, out)
    _products(body, out)
    if isinstance(body.get("customPropertyMap"), dict):
        out["custom_properties"] = body["customPropertyMap"]
    return out


def _code_fields(body: dict, out: dict) -> None:
    if "couponPrefix" in body:
        out["code_prefix"] = str(body["couponPrefix"] or "") if flag(body.get("isPrefixEnabled"), True) else ""
    if "couponSuffix" in body:
        out["code_suffix"] = str(body["couponSuffix"] or "") if flag(body.get("isSuffixEnabled"), True) else ""
    generic = body.get("genericCode") or body.get("commonCode")
    if generic:
        out["common_code"] = str(generic)
        out.setdefault("code_source", CodeSource.COMMON)


def _entities(body: dict, out: dict) -> None:
    stores, zones = list(_json_list(body.get("storeIds", []), "storeIds")), list(
        _json_list(body.get("zoneIds", []), "zoneIds"))
    for item in _json_list(body.get("redemptionOrgEntityDetails", []), "redemptionOrgEntityDetails"):
        if not isinstance(item, dict):
            raise InvalidInput("Invalid input. redemptionOrgEntityDetails: give objects", field="redemptionOrgEntityDetails")
        kind = str(item.get("redemptionOrgEntityType") or "").upper()
        target = {"STORE": stores, "ZONE": zones}.get(kind)
        if target is None:
            raise InvalidInput("Invalid input. redemptionOrgEntityType: STORE or ZONE",
                               field="redemptionOrgEntityDetails")
        target.append(item.get("orgEntityId"))
    if any(k in body for k in ("storeIds", "zoneIds", "redemptionOrgEntityDetails")):
        out["store_ids"], out["zone_ids"] = stores, zones


def _products(body: dict, out: dict) -> None:
    if "productInfo" not in body:
        return
    products, categories = [], []
    for item in _json_list(body.get("productInfo") or [], "productInfo"):
        if not isinstance(item, dict):
            raise InvalidInput("Invalid input. productInfo: give objects", field="productInfo")
        kind = str(item.get("productType") or "").upper()
        target = {"SKU": products, "PRODUCT": products, "CATEGORY": categories}.get(kind)
        if target is None:
            raise InvalidInput("Invalid input. productType: SKU or CATEGORY", field="productInfo")
        target.extend(str(i) for i in _json_list(item.get("productIds") or [], "productIds"))
    out["product_codes"], out["categories"] = products, categories


def series_v2(series, *, org=None) -> dict:
    """The documented series object."""
    entities = [{"redemptionOrgEntityType": "STORE", "orgEntityId": i} for i in series.store_ids] + [
        {"redemptionOrgEntityType": "ZONE", "orgEntityId": i} for i in series.zone_ids]
    rng = series.redemption_range or {}
    return {
        "id": series.pk, "orgId": series.org_id, "description": series.description,
        "discountCode": series.discount_code or "NO_VALUE", "seriesCode": series.series_code,
        "info": series.info or series.description, "validTillDate": iso(series.valid_till),
        "validDaysFromCreation": series.expiry_days,
        "expiryStrategyType": series.expiry_strategy,
        "expiryStrategyValue": series.expiry_days if series.expiry_strategy == ExpiryStrategy.DAYS else 1,
        "discountType": series.discount_type, "discountValue": number(series.discount_value),
        "discountUpto": number(series.discount_upto), "discountOn": series.discount_on,
        "maxCreate": series.max_create, "maxRedeem": series.max_redeem,
        "redemptionPerCouponMaxLimit": series.redemption_per_coupon_max_limit,
        "maxRedemptionsInSeriesPerUser": series.max_redemptions_in_series_per_user,
        "sameUserMultipleRedeem": series.same_user_multiple_redeem,
        "isMultipleUseAllowed": series.is_multiple_use_allowed,
        "isMultipleVouchersPerUserAllowed": series.is_multiple_vouchers_per_user_allowed,
        "maxVouchersPerUser": series.max_vouchers_per_user, "minDaysBetweenVouchers": series.min_days_between_vouchers,
        "minDaysBetweenRedemption": series.min_days_between_redemption,
        "redemptionValidFrom": iso(series.redemption_valid_from),
        "redemptionValidAfterDays": series.redemption_valid_after_days,
        "redemptionRange": json.dumps({k: rng.get(k) or ["-1"] for k in ("dom", "dow", "hours")}),
        "minBillAmount": number(series.min_bill_amount),
        "maxBillAmount": number(series.max_bill_amount) if series.max_bill_amount is not None else int(NO_MAX_BILL),
        "maxDiscountPerCustomer": number(series.max_discount_per_customer),
        "storeIdsJson": json.dumps(series.store_ids or [-1]), "redeemAtStore": json.dumps(series.store_ids or [-1]),
        "redemptionOrgEntityDetails": entities,
        "productInfo": ([{"productType": "SKU", "productIds": series.product_codes}] if series.product_codes else [])
        + ([{"productType": "CATEGORY", "productIds": series.categories}] if series.categories else []),
        "mutualExclusiveSeriesIds": json.dumps(series.mutually_exclusive_series_ids),
        "isValidationRequired": series.is_validation_required, "isTransferrable": series.is_transferrable,
        "anyUser": series.any_user, "codeSource": series.code_source,
        "randomCodeLength": series.code_length, "alphaNumeric": True,
        "couponPrefix": series.code_prefix, "isPrefixEnabled": bool(series.code_prefix),
        "couponSuffix": series.code_suffix, "isSuffixEnabled": bool(series.code_suffix),
        "genericCode": series.common_code, "smsTemplate": series.sms_template, "isSMSDisabled": series.is_sms_disabled,
        "doNotResendExistingVoucher": series.do_not_resend_existing_voucher,
        "expiryReminderDays": series.reminder_days, "clientHandlingType": series.client_handling_type,
        "customPropertyMap": series.custom_properties, "numIssued": series.num_issued,
        "numRedeemed": series.num_redeemed, "numTotal": -1,
        "latestIssualTime": int(series.latest_issued_at.timestamp() * 1000) if series.latest_issued_at else None,
        "latestRedemptionTime": int(series.latest_redeemed_at.timestamp() * 1000) if series.latest_redeemed_at else None,
        "createdOn": iso(series.created_at), "seriesType": "LOYALTY", "ownedBy": "LOYALTY", "campaignId": -1,
    }


def coupon_v2(coupon, *, case: str | None = None) -> dict:
    """The short coupon object of issue / get answers."""
    series = coupon.series
    return {
        "code": code_case(coupon.code, case), "seriesId": series.pk, "description": series.description,
        "discountCode": series.discount_code or "NO_VALUE", "validTill": iso(coupon.valid_till),
        "discountType": series.discount_type, "discountValue": number(series.discount_value),
        "discountUpto": number(series.discount_upto), "discountOn": series.discount_on,
        "detailedInfo": series.info or series.description, "redemptionCount": coupon.redemption_count,
        "id": coupon.pk, "issuedTo": coupon.customer_id, "status": coupon.status,
    }


def status_block(*, code: int, message: str, success: bool) -> dict:
    return {"statusCode": {"status": success, "message": message, "code": code}, "warnings": [],
            "warningsAsStatusCode": [], "message": message, "code": code, "success": success}


def redemption_item_v2(*, code: str, coupon=None, redemption=None, error=None, case=None) -> dict:
    """One item of the v2 redeem answer: the redemption id and the 700 status, or the 7xx failure."""
    series = coupon.series if coupon is not None else None
    item = {"id": redemption.pk if redemption else 0, "currencyInput": False, "localToBaseCurrencyExchangeRate": 0,
            "warnings": [], "appendedErrorMessage": error.message if error else "", "code": code_case(code, case)}
    if series is not None:
        item.update(discountCode=series.discount_code or "NO_VALUE", seriesCode=series.pk,
                    isAbsolute=series.discount_type == DiscountType.ABS, couponValue=number(series.discount_value),
                    discountType=series.discount_type, discountValue=number(series.discount_value),
                    discountUpto=number(series.discount_upto))
    if redemption is not None:
        item["discount"] = number(redemption.discount)
    item["redemptionStatus"] = status_block(
        code=error.code if error else 700, message=error.message if error else "Coupon processing successful",
        success=error is None)
    return item


def coupon_detailed_v2(coupon, *, case=None) -> dict:
    """One coupon of GET /v2/customers/{id}/coupons: with its series and redemptions."""
    series = coupon.series
    redemptions = [r for r in coupon.redemptions.all()]
    live = [r for r in redemptions if not r.is_reversed]
    return {
        "id": coupon.pk, "seriesId": series.pk, "series": series_v2(series), "code": code_case(coupon.code, case),
        "description": series.description, "createdDate": iso(coupon.issued_at or coupon.created_at),
        "validTill": iso(coupon.valid_till), "isRedeemed": bool(live), "issuedTo": coupon.customer_id,
        "issuedBy": coupon.issued_by_till_id, "orgId": coupon.org_id,
        "issuedAt": _store(coupon.issued_at_store), "couponDiscountType": series.discount_type,
        "issuedOn": iso(coupon.issued_at), "activeFrom": iso(coupon.issued_at),
        "redemptionsLeft": redemptions_left(coupon), "status": coupon.status,
        "redemptionInfo": [_redemption_brief(r) for r in live],
        "discountValue": number(series.discount_value), "discountUpto": number(series.discount_upto),
        "redeemed": bool(live), "seriesName": series.description, "trimmedCode": coupon.code,
    }


def coupon_basic_v2(coupon, *, case=None) -> dict:
    """One coupon of GET /v2/customers/coupons."""
    series = coupon.series
    redemptions = list(coupon.redemptions.all())
    return {
        "code": code_case(coupon.code, case), "seriesId": series.pk, "description": series.description,
        "validTill": iso(coupon.valid_till), "discountType": series.discount_type,
        "discountValue": number(series.discount_value), "discountUpto": number(series.discount_upto),
        "redemptionCount": coupon.redemption_count, "redemptionsLeft": redemptions_left(coupon), "id": coupon.pk,
        "createdDate": iso(coupon.issued_at or coupon.created_at),
        "transactionNumber": coupon.transaction_number or "0", "issuedAt": _store(coupon.issued_at_store, short=True),
        "redemptions": [_redemption_brief(r) for r in redemptions if not r.is_reversed],
        "reversedRedemptions": [_redemption_brief(r) for r in redemptions if r.is_reversed],
        "validTillDateTime": iso(coupon.valid_till),
    }


def redemptions_left(coupon) -> int:
    series = coupon.series
    if not series.is_multiple_use_allowed:
        return max(0, 1 - coupon.redemption_count)
    if series.redemption_per_coupon_max_limit == -1:
        return -1
    return max(0, series.redemption_per_coupon_max_limit - coupon.redemption_count)


def _store(store, *, short: bool = False) -> dict | None:
    if store is None:
        return None
    if short:
        return {"code": store.code, "name": store.name}
    return {"id": store.pk, "code": store.code, "description": store.description, "name": store.name,
            "type": "STORE"}


def _redemption_brief(r) -> dict:
    return {"id": r.pk, "date": iso(r.redeemed_at), "transactionNumber": r.bill_number,
            "discount": number(r.discount), "redeemedAt": _store(r.store, short=True)}


class CouponRedeemInputV2(serializers.Serializer):
    billAmount = serializers.CharField(required=False, allow_blank=True)
    transactionNumber = serializers.CharField(required=False, allow_blank=True, max_length=64)
    user = serializers.DictField(required=False)
    customer = serializers.DictField(required=False)
    redemptionTime = serializers.CharField(required=False, allow_blank=True)
    redemptionRequestList = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=100)


class CouponIssueInputV2(serializers.Serializer):
    seriesId = serializers.CharField()
    customer = serializers.DictField()


class CouponBulkIssueInputV2(serializers.Serializer):
    seriesIds = serializers.ListField(child=serializers.CharField(), allow_empty=False, max_length=500)
    customer = serializers.DictField()
    metadata = serializers.DictField(required=False)


class CouponReactivateInputV2(serializers.Serializer):
    redemptionIds = serializers.ListField(child=serializers.CharField(), allow_empty=False, max_length=100)


class CouponRevokeInputV2(serializers.Serializer):
    couponSeriesId = serializers.CharField(required=False, allow_blank=True)
    customer = serializers.DictField(required=False)
    couponCodes = serializers.ListField(child=serializers.CharField(), required=False)


class CouponTransferInputV2(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    fromCustomer = serializers.DictField()
    toCustomer = serializers.DictField()
