"""v1.1 points shapes: query serializers (shape only; points are checked by the services for 801/878) and builders
of the documented response blocks."""
from __future__ import annotations

from rest_framework import serializers

from ..common import identity

IDENTIFIER_KEYS = ("mobile", "email", "external_id", "id", "user_id", "card_number", "card_external_id")


class _IdentifiedQueryV11(serializers.Serializer):
    mobile = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    external_id = serializers.CharField(required=False, allow_blank=True)
    id = serializers.CharField(required=False, allow_blank=True, help_text="The customer's id (user_id also works)")
    user_id = serializers.CharField(required=False, allow_blank=True)
    card_number = serializers.CharField(required=False, allow_blank=True)
    card_external_id = serializers.CharField(required=False, allow_blank=True)
    program_id = serializers.CharField(required=False, allow_blank=True)
    format = serializers.CharField(required=False, allow_blank=True)


class IsRedeemableQueryV11(_IdentifiedQueryV11):
    points = serializers.CharField(required=False, allow_blank=True)
    issue_otp = serializers.CharField(required=False, allow_blank=True)
    validation_code = serializers.CharField(required=False, allow_blank=True)
    skip_validation = serializers.CharField(required=False, allow_blank=True)
    validation_type = serializers.CharField(required=False, allow_blank=True)
    currency_input = serializers.CharField(required=False, allow_blank=True,
                                           help_text="true: `points` is a currency amount to cover")


class ValidationCodeQueryV11(_IdentifiedQueryV11):
    points = serializers.CharField(required=False, allow_blank=True)


class RedeemQueryV11(serializers.Serializer):
    program_id = serializers.CharField(required=False, allow_blank=True)
    skip_validation = serializers.CharField(required=False, allow_blank=True)
    validation_type = serializers.CharField(required=False, allow_blank=True)
    format = serializers.CharField(required=False, allow_blank=True)


def identifiers_of(data) -> dict:
    return {key: data.get(key) for key in IDENTIFIER_KEYS if data.get(key) not in (None, "")}


def echo(customer, given: dict) -> dict:
    """mobile / email / external_id of the answer: the customer's own, or what the request named when unknown."""
    if customer is None:
        return {"mobile": str(given.get("mobile") or ""), "email": str(given.get("email") or ""),
                "external_id": str(given.get("external_id") or "")}
    found = identity(customer)
    return {"mobile": found["mobile"], "email": found["email"], "external_id": found["externalId"]}


def item_status(*, success: bool, code: int, message: str) -> dict:
    return {"success": "true" if success else "false", "code": code, "message": message}


def redeemed_v11(redemption, *, customer, validation_code: str, program_ratio) -> dict:
    """One redemption in the `responses.points` shape (a replayed request renders the first redemption)."""
    return {
        **echo(customer, {}),
        "user_id": str(customer.pk),
        "redemption_id": redemption.code,
        "points_redeemed": f"{redemption.points.normalize():f}",
        "redemption_purpose": redemption.purpose,
        "redeemed_value": redemption.value,
        "redeemed_local_value": redemption.value,
        "balance": redemption.entry.available_after,
        "side_effects": {"effect": [{
            "id": redemption.pk, "case_value": "true", "num_points": redemption.points,
            "currency_value": redemption.value, "validation_code": validation_code or "",
            "points_redemption_summary_id": str(redemption.pk), "redeemed_on_bill_number": redemption.bill_number,
            "redeemed_on_bill_id": -1, "type": "points"}]},
        "points_currency_ratio": f"{program_ratio.normalize():f}",
        "item_status": item_status(success=True, code=800, message="Points Redeemed"),
    }


def redeem_failed_v11(err, *, customer, given: dict, points) -> dict:
    return {**echo(customer, given.get("customer") if isinstance(given.get("customer"), dict) else {}),
            "user_id": str(customer.pk) if customer is not None else None,
            "points_redeemed": str(points if points is not None else given.get("points_redeemed", "")),
            "redeemed_value": 0, "side_effects": {"effect": []},
            "item_status": item_status(success=False, code=err.code, message=err.message)}
