"""v2 card shapes: field names as in the platform's samples. Inputs only check shape; the services check values
(so a bad value answers the platform's 30xx/7xx code rather than a generic one)."""
from __future__ import annotations

from rest_framework import serializers

from apps.cards.choices import CardStatus

ANY = dict(required=False, allow_null=True)


class CardStatusInfoInputV2(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=255)


class CardGenerateInputV2(serializers.Serializer):
    seriesId = serializers.JSONField(**ANY)
    seriesID = serializers.JSONField(**ANY)
    count = serializers.JSONField(**ANY)
    statusLabel = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=255)

    def series_id(self):
        d = self.validated_data
        return d.get("seriesId") if d.get("seriesId") not in (None, "") else d.get("seriesID")


class CardInputV2(serializers.Serializer):
    seriesId = serializers.JSONField(**ANY)
    seriesCode = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    cardNumber = serializers.CharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=True)
    cardExternalId = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    statusLabel = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    statusInfo = CardStatusInfoInputV2(**ANY)
    customFields = serializers.JSONField(**ANY)
    extendedFields = serializers.JSONField(**ANY)
    mappedEntity = serializers.JSONField(**ANY)

    def reason(self) -> str:
        return ((self.validated_data.get("statusInfo") or {}).get("reason") or "").strip()

    def common(self) -> dict:
        d = self.validated_data
        return {"status_label": d.get("statusLabel"), "reason": self.reason(),
                "custom_fields": d.get("customFields"), "extended_fields": d.get("extendedFields"),
                "mapped_entity": d.get("mappedEntity")}


class CardSeriesGenerationConfigInputV2(serializers.Serializer):
    prefix = serializers.CharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False)
    suffix = serializers.CharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False)
    offset = serializers.JSONField(**ANY)
    length = serializers.JSONField(**ANY)
    method = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    type = serializers.CharField(required=False, allow_blank=True, allow_null=True)  # the PUT sample's spelling


class CardSeriesInputV2(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    name = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    type = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    expiryDays = serializers.JSONField(**ANY)
    maxActiveCardsPerCustomer = serializers.JSONField(**ANY)
    cardGenerationConfiguration = CardSeriesGenerationConfigInputV2(**ANY)
    cardGenerationEnabled = serializers.BooleanField(required=False, allow_null=True)
    isActive = serializers.BooleanField(required=False, allow_null=True)
    isDefault = serializers.BooleanField(required=False, allow_null=True)
    trigger = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    def create_kwargs(self) -> dict:
        d = self.validated_data
        config = d.get("cardGenerationConfiguration") or {}
        out = {"code": d.get("code"), "type": d.get("type"), "name": d.get("name") or "",
               "expiry_days": d.get("expiryDays"), "max_active_cards_per_customer": d.get("maxActiveCardsPerCustomer"),
               "prefix": config.get("prefix") or "", "suffix": config.get("suffix") or "",
               "length": config.get("length"), "offset": config.get("offset"),
               "method": config.get("method") or config.get("type"), "trigger": d.get("trigger")}
        for key, name in (("generation_enabled", "cardGenerationEnabled"), ("is_active", "isActive"),
                          ("is_default", "isDefault")):
            if d.get(name) is not None:
                out[key] = d[name]
        return out

    def update_kwargs(self) -> dict:
        d = self.validated_data
        return {"name": d.get("name"), "expiry_days": d.get("expiryDays"),
                "max_active_cards_per_customer": d.get("maxActiveCardsPerCustomer"),
                "generation_enabled": d.get("cardGenerationEnabled"), "is_active": d.get("isActive"),
                "is_default": d.get("isDefault")}


class CardEntityOutputV2(serializers.Serializer):
    entity = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField())


class CardGenerateOutputV2(serializers.Serializer):
    data = serializers.ListField(child=serializers.CharField())
    generationLogId = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())


class CardOutputV2(serializers.Serializer):
    cardId = serializers.IntegerField()
    cardNumber = serializers.CharField()
    seriesId = serializers.IntegerField()
    customerId = serializers.IntegerField()
    statusLabel = serializers.ChoiceField(choices=CardStatus.choices)
    statusInfo = serializers.DictField()
    warnings = serializers.ListField(child=serializers.DictField())


class CardListOutputV2(serializers.Serializer):
    data = serializers.ListField(child=serializers.DictField())
    warnings = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())


class CardEntityListOutputV2(serializers.Serializer):
    entity = serializers.ListField(child=serializers.DictField())
    warnings = serializers.ListField(child=serializers.DictField())


class CardBulkOutputV2(serializers.Serializer):
    response = serializers.ListField(child=serializers.DictField())
    totalCount = serializers.IntegerField()
    failureCount = serializers.IntegerField()


# -- output shapes (plain functions over rows) -----------------------------------------------------------------
def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def _actor(row) -> int:
    return row.till_id or row.user_id or 0


def status_info_v2(card, row) -> dict:
    if row is None:
        return {"reason": "", "actions": [], "entityId": card.pk, "isActive": True, "label": card.status_label,
                "status": card.status, "entityType": "CARD"}
    return {"id": row.pk, "reason": row.reason, "createdBy": _actor(row), "actions": [],
            "autoUpdateTime": row.created_at.date().isoformat(), "createdOn": _iso(row.created_at),
            "entityId": card.pk, "orgId": row.org_id, "entityType": "CARD", "isActive": True,
            "label": row.label, "status": row.status, "prevLabel": row.previous_label or None,
            "prevStatus": row.previous_status or None}


def status_label_info_v2(card) -> dict:
    return {"label": card.status_label or card.status, "status": card.status, "type": "CARD", "orgId": card.org_id,
            "isActive": True, "default": True, "actions": {}, "description": "default"}


def mapped_entity_v2(card) -> dict | None:
    till = card.mapped_till
    return {"type": "TILL", "value": till.code, "id": till.pk} if till else None


def card_v2(card, row, *, org_limit: int = 0) -> dict:
    series = card.series
    till = card.mapped_till
    return {
        "cardId": card.pk, "id": card.pk, "cardNumber": card.number, "cardExternalId": card.external_id or None,
        "seriesId": series.pk, "seriesCode": series.code, "seriesName": series.name, "type": series.type,
        "orgId": card.org_id, "customerId": card.customer_id or 0,
        "createdDate": card.created_at.date().isoformat(), "issuedDate": _iso(card.issued_at),
        "expiryDays": series.expiry_days or 0, "expiryDate": _iso(card.expires_at),
        "maxActiveCards": series.max_active_cards_per_customer or org_limit,
        "entityCode": till.code if till else None, "entityId": till.pk if till else None,
        "mappedEntity": mapped_entity_v2(card),
        "customFields": card.custom_fields, "extendedFields": card.extended_fields,
        "statusLabel": card.status_label or card.status, "statusLabelInfo": status_label_info_v2(card),
        "statusInfo": status_info_v2(card, row),
        "activeAndDigital": card.is_active_and_digital,
        "transactionNotAllowed": card.status != CardStatus.ACTIVE,
    }


def status_log_v2(row, *, current: bool) -> dict:
    return {"id": row.pk, "reason": row.reason, "createdBy": _actor(row), "actions": [],
            "autoUpdateTime": row.created_at.date().isoformat(), "createdOn": _iso(row.created_at),
            "entityId": row.card_id, "isActive": current, "label": row.label, "status": row.status,
            "prevLabel": row.previous_label or None, "prevStatus": row.previous_status or None,
            "customerId": row.customer_id or 0}


def generation_log_v2(log) -> dict:
    return {"id": log.pk, "orgId": log.org_id, "seriesId": log.series_id, "seriesName": log.series.name,
            "seriesCode": log.series.code, "count": log.count, "generated": log.generated,
            "statusLabel": log.status_label, "createdBy": log.created_by_till_id or log.created_by_user_id or 0,
            "date": _iso(log.created_at), "finishedOn": _iso(log.finished_at), "description": log.description,
            "fileHandle": str(log.file_handle), "jobRunId": log.job_run_id}


def series_v2(series) -> dict:
    return {"id": series.pk, "orgId": series.org_id, "code": series.code, "name": series.name, "type": series.type,
            "expiryDays": series.expiry_days, "maxActiveCardsPerCustomer": series.max_active_cards_per_customer,
            "cardGenerationConfiguration": {"prefix": series.prefix, "suffix": series.suffix, "offset": series.offset,
                                            "length": series.length, "method": series.method},
            "cardGenerationEnabled": series.generation_enabled, "isActive": series.is_active,
            "isDefault": series.is_default, "trigger": series.trigger, "createdOn": _iso(series.created_at)}
