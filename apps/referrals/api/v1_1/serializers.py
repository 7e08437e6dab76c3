"""v1.1 referral shapes: the legacy `root.customer[]` body and the `response.customer(s)` answers."""
from __future__ import annotations

from rest_framework import serializers

from apps.customers.choices import IdentifierType

from ..shapes import identifier_values, legacy_datetime, till_block

IDENTIFIER_KEYS = ("id", "user_id", "mobile", "email", "external_id")


class ReferralListQueryV11(serializers.Serializer):
    mobile = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    external_id = serializers.CharField(required=False)
    id = serializers.CharField(required=False)
    user_id = serializers.CharField(required=False)
    campaign_token = serializers.CharField(required=False, max_length=64)
    start_date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    end_date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    store_code = serializers.CharField(required=False, max_length=100,
                                       help_text="A store code, or `all` (the default)")
    only_referral_code = serializers.BooleanField(required=False, default=False)


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def customer_items(body) -> list[dict]:
    """The `root.customer` entries of a refer body (an object or a list)."""
    root = body.get("root", body) if isinstance(body, dict) else {}
    return [item for item in _as_list(root.get("customer") if isinstance(root, dict) else None)
            if isinstance(item, dict)]


def referral_type_blocks(item: dict) -> tuple[str, list[dict]]:
    """(campaign_token, [{type, referral: [...]}]) of one customer entry."""
    referrals = item.get("referrals") if isinstance(item.get("referrals"), dict) else {}
    blocks = []
    for block in _as_list(referrals.get("referral_type")):
        if isinstance(block, dict):
            blocks.append({"type": block.get("type"),
                           "referral": [r for r in _as_list(block.get("referral")) if isinstance(r, dict)]})
    return str(referrals.get("campaign_token") or ""), blocks


def service_items(block: dict) -> list[dict]:
    return [{"type": block["type"], "identifier": r.get("identifier"), "name": r.get("name"),
             "invited_on": r.get("invited_on"), "id": r.get("id")} for r in block["referral"]]


def status_v11(*, success: bool, code: int, message: str) -> dict:
    return {"success": "true" if success else "false", "code": code, "message": message}


def person_v11(customer) -> dict:
    ids = identifier_values(customer)
    return {"email": ids[IdentifierType.EMAIL], "mobile": ids[IdentifierType.MOBILE],
            "external_id": ids[IdentifierType.EXTERNAL_ID], "id": str(customer.pk),
            "firstname": customer.first_name, "lastname": customer.last_name}


def invite_outcome_v11(outcome, *, org) -> dict:
    item, referral = outcome.item, outcome.referral
    body = {"id": str(item.get("id") or ""), "name": item.get("name") or "", "identifier": item.get("identifier"),
            "invited_on": item.get("invited_on")}
    if referral is not None:
        body.update({"identifier": referral.identifier, "invited_on": legacy_datetime(referral.invited_on, org),
                     "status": status_v11(success=True, code=1000, message="Refer was successful")})
    else:
        body["status"] = status_v11(success=False, code=outcome.error.code, message=outcome.error.message)
    return body


def invitees_v11(referrals, *, org) -> dict:
    """Invitations grouped by type, in the order the types first appear."""
    groups: dict[str, list] = {}
    for r in referrals:
        groups.setdefault(r.channel, []).append({
            "identifier": r.identifier, "name": r.name, "invited_on": legacy_datetime(r.invited_on, org),
            "till": till_block(r.till), "status": r.status, "campaign_token": r.campaign_token})
    return {"referral_type": [{"type": kind, "invitee": rows} for kind, rows in groups.items()]}


def referees_v11(rows, *, org) -> dict:
    out = []
    for row in rows:
        ids = identifier_values(row.referee)
        out.append({"event_type": row.event_type, "user_id": row.referee_id, "firstname": row.referee.first_name,
                    "lastname": row.referee.last_name, "mobile": ids[IdentifierType.MOBILE],
                    "email": ids[IdentifierType.EMAIL], "external_id": ids[IdentifierType.EXTERNAL_ID],
                    "added_on": legacy_datetime(row.added_on, org)})
    return {"referee": out}
