"""v2 shapes of the tiers domain: query/body parsers and the answers of tierDetails, the manual adjustment and
the tier history (the platform's slab-history row shape)."""
from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from apps.points.api.common import stamp
from apps.points.api.v2.serializers import LookupQueryV2, ProgramsQueryV2


class TierDetailsQueryV2(ProgramsQueryV2):
    pass


class LookupTierDetailsQueryV2(LookupQueryV2, ProgramsQueryV2):
    pass


class ManualAdjustQueryV2(LookupQueryV2):
    type = serializers.CharField(required=False, allow_blank=True, help_text="CUSTOMER (default)")


class ManualAdjustInputV2(serializers.Serializer):
    programId = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    slabAction = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    toSlabName = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    manualSlabActionValidity = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    manualSlabActionValidityUpto = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    reassessTierOnNextActivity = serializers.BooleanField(required=False, default=False)
    slabChangeReason = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=255)


class HistoryQueryV2(serializers.Serializer):
    programId = serializers.CharField(required=False, allow_blank=True)
    limit = serializers.CharField(required=False, allow_blank=True)
    offset = serializers.CharField(required=False, allow_blank=True)


def _figure(value: Decimal | None):
    return None if value is None else value


def _expiry(membership, org) -> str | None:
    if membership is None or membership.valid_until is None:
        return None
    return f"{membership.valid_until.isoformat()} 23:59:59"


def tier_status_v2(status, *, org) -> dict:
    """One programme of tierDetails: the platform's fields, then our progress and renewal figures."""
    tier, nxt, membership = status.tier, status.next_tier, status.membership
    body = {
        "programId": status.program.pk,
        "currentTierName": tier.name if tier else "",
        "currentTierSerialNumber": tier.serial if tier else -1,
        "tierExpiryDate": _expiry(membership, org),
        "nextTierName": nxt.name if nxt else "",
        "nextTierSerialNumber": nxt.serial if nxt else -1,
    }
    if tier is None:
        return body
    settings = status.settings
    body["progress"] = {
        "criterion": settings.criterion,
        "currentValue": _figure(status.standing.primary if status.standing else None),
        "nextTierThreshold": nxt.threshold if nxt else None,
        "neededForNextTier": status.needed_for_next,
    }
    body["tierSince"] = stamp(membership.since, org) if membership else None
    body["tierSource"] = membership.source if membership else "BASE"
    body["isManual"] = bool(membership and membership.is_manual)
    if status.renewal is not None:
        body["renewal"] = {
            "combine": settings.renewal_combine,
            "anyCount": settings.renewal_any_count if settings.renewal_combine == "ANY" else None,
            "periodStart": stamp(membership.cycle_start, org),
            "renewed": status.renewal.renewed,
            "conditions": [{"name": c["name"], "required": c["required"], "actual": c["actual"],
                            "neededToKeepTier": c["shortfall"], "met": c["met"]} for c in status.renewal.conditions],
        }
    return body


def _store(store) -> dict | None:
    if store is None:
        return None
    return {"id": store.pk, "code": store.code, "name": store.name, "description": getattr(store, "description", ""),
            "type": "STORE", "adminType": "GENERAL", "isOrgUnit": False}


def tier_change_v2(change, *, org) -> dict:
    """One history row, in the field names of the platform's slab history."""
    return {
        "fromSlabNumber": change.from_serial, "toSlabNumber": change.to_serial,
        "from": change.from_name, "to": change.to_name, "changedOn": stamp(change.created_at, org),
        "notes": change.reason, "tillId": change.till_id, "store": _store(change.store),
        "type": change.change_type, "source": change.source, "programId": change.program_id,
        "expiryDate": change.valid_until.isoformat() if change.valid_until else None,
    }


def manual_result_v2(result, *, org) -> dict:
    change = result.change
    expiry = change.valid_until.strftime("%d %b, %Y") if change.valid_until else None
    return {
        "programId": result.program.pk, "entityId": result.customer.pk,
        "sideEffects": [{
            "entityType": "USER", "previousSlabName": change.from_name, "previousSlabNumber": change.from_serial,
            "upgradedSlabName": change.to_name, "upgradedSlabNumber": change.to_serial, "slabExpiryDate": expiry,
            "type": "slab",
        }],
        "warnings": [],
    }
