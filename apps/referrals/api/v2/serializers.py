"""v2 referral shapes: field names as in the platform's samples."""
from __future__ import annotations

from rest_framework import serializers

from apps.core.api.envelopes import V2Envelope
from apps.customers.api.v2.serializers import customer_v2
from apps.customers.choices import IdentifierType

from ..shapes import identifier_values, legacy_datetime, till_block


class ReferralInviteeInputV2(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=150)
    identifier = serializers.CharField(allow_blank=True)
    invitedOn = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    id = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class ReferralTypeInputV2(serializers.Serializer):
    type = serializers.CharField(allow_blank=True)
    referral = ReferralInviteeInputV2(many=True)


class CustomerReferralInputV2(serializers.Serializer):
    customer = serializers.DictField(required=False, help_text="Ignored: the referrer is the customer in the path")
    campaignToken = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=64)
    referrals = ReferralTypeInputV2(many=True)


class ReferralsInputV2(serializers.Serializer):
    customerReferrals = CustomerReferralInputV2(many=True, allow_empty=False)


class ReferralValidateQueryV2(serializers.Serializer):
    code = serializers.CharField(max_length=64)


class ReferralListQueryV2(serializers.Serializer):
    campaignToken = serializers.CharField(required=False, max_length=64)


class ReferralLookupQueryV2(ReferralListQueryV2):
    source = serializers.CharField(required=False, allow_blank=True)
    accountId = serializers.CharField(required=False, allow_blank=True)
    identifierName = serializers.CharField()
    identifierValue = serializers.CharField()


def service_items(block: dict) -> list[dict]:
    """One `referrals[]` entry of the body as service invitee dicts."""
    return [{"type": block["type"], "identifier": item.get("identifier"), "name": item.get("name"),
             "invited_on": item.get("invitedOn"), "id": item.get("id")} for item in block["referral"]]


def referrer_v2(customer) -> dict:
    ids = identifier_values(customer)
    return {"id": customer.pk, "mobile": ids[IdentifierType.MOBILE] or "", "email": ids[IdentifierType.EMAIL] or "",
            "externalId": ids[IdentifierType.EXTERNAL_ID] or ""}


def invite_outcome_v2(outcome, *, org) -> dict:
    item, referral = outcome.item, outcome.referral
    body = {"name": item.get("name") or "", "identifier": item.get("identifier"), "invitedOn": item.get("invited_on")}
    if referral is not None:
        body.update({"id": referral.pk, "identifier": referral.identifier,
                     "invitedOn": legacy_datetime(referral.invited_on, org), "status": referral.status})
    body["errors"] = [V2Envelope.error_item(outcome.error)] if outcome.error is not None else []
    return body


def invitee_v2(referral, *, org) -> dict:
    return {"type": referral.channel, "identifier": referral.identifier, "name": referral.name,
            "invitedOn": legacy_datetime(referral.invited_on, org), "till": till_block(referral.till),
            "status": referral.status, "campaignToken": referral.campaign_token}


def referee_v2(row, *, org) -> dict:
    ids = identifier_values(row.referee)
    body = {"eventType": row.event_type, "userId": row.referee_id, "firstName": row.referee.first_name,
            "lastName": row.referee.last_name, "addedOn": legacy_datetime(row.added_on, org)}
    for key, kind in (("email", IdentifierType.EMAIL), ("mobile", IdentifierType.MOBILE),
                      ("externalId", IdentifierType.EXTERNAL_ID)):
        if ids[kind]:
            body[key] = ids[kind]
    return body


def referral_block_v2(customer, *, org, code: str, invitees, referees, stats: dict) -> dict:
    """One `data[]` item of GET referrals: the customer, their code, invitees, referees and counts."""
    return {"customer": {"id": customer.pk, "profiles": customer_v2(customer, org=org)["profiles"]},
            "referralCode": code,
            "invitees": [invitee_v2(r, org=org) for r in invitees],
            "referee": [referee_v2(r, org=org) for r in referees],
            "incentives": [],
            "stats": stats}


class _Messages(serializers.Serializer):
    warnings = serializers.ListField(child=serializers.DictField())


class ReferralsOutputV2(_Messages):
    customerReferrals = serializers.ListField(child=serializers.DictField())


class ReferralListOutputV2(_Messages):
    pagination = serializers.DictField()
    data = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())


class ReferralValidateOutputV2(_Messages):
    valid = serializers.BooleanField()
    referrer = serializers.IntegerField(allow_null=True)
