"""v1.1 shapes of the organisation and store family (string values, as the legacy API sends them)."""
from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from apps.organizations.choices import EntityType
from apps.organizations.reference import CURRENCIES, utc_offset


def _s(value) -> str:
    return "" if value is None else str(value)


def _dt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def organization_v11(org) -> dict:
    currency = CURRENCIES.get(org.base_currency, (None, org.base_currency, ""))
    return {
        "id": str(org.pk), "name": org.name, "address": org.address, "language": org.default_locale,
        "currency": currency[1], "currency_code": org.base_currency, "timezone": org.timezone,
        "timezone_offset": f"UTC{utc_offset(org.timezone)}", "logo": org.logo_url, "website": org.website,
        "country": org.country, "country_code": org.country_code, "state": org.state, "city": org.city,
        "locality": org.locality, "pincode": org.pincode,
    }


def _locale_blocks(tz: str, currency_code: str, language: str) -> dict:
    currency = CURRENCIES.get(currency_code, (None, currency_code, ""))
    return {
        "timezones": {"base_timezone": {"label": tz, "offset": utc_offset(tz)}},
        "currencies": {"base_currency": {"symbol": currency[2], "label": currency_code}},
        "languages": {"base_language": {"lang": language, "locale": ""}},
    }


def entity_v11(obj, entity_type: str, *, basic: bool = False, exclude_locale: bool = False) -> dict:
    """One org entity (store, till, zone or concept) in organization/entities form."""
    item = {
        "item_status": {"success": "true", "code": 3200, "message": "Entity search successful"},
        "id": str(obj.pk), "is_active": "1" if obj.is_active else "0", "code": obj.code, "name": obj.name,
        "description": obj.description, "last_updated_on": _dt(getattr(obj, "updated_at", None)),
        "custom_fields": {"field": [{"name": k, "value": _s(v)} for k, v in (getattr(obj, "custom_fields", None) or {}).items()]},
        "type": entity_type,
    }
    if entity_type == EntityType.STORE:
        item.update({
            "external_id": obj.external_id, "external_id_1": obj.external_id_1, "external_id_2": obj.external_id_2,
            "mobile": obj.mobile, "land_line": obj.land_line, "email": obj.email, "channel": "instore",
            "address": obj.address, "location": {"latitude": _s(obj.latitude), "longitude": _s(obj.longitude)},
            "parent": {"zone_id": _s(obj.zone_id), "concept_id": _s(obj.concept_id)},
        })
        if not basic:
            item.update(_locale_blocks(obj.effective_timezone, obj.effective_currency, obj.language or obj.org.default_locale))
    elif entity_type in (EntityType.TILL, EntityType.STR_SERVER):
        item["parent"] = {"store_id": str(obj.store_id), "store_code": obj.store.code}
        if not basic:
            item.update(_locale_blocks(obj.store.effective_timezone, obj.store.effective_currency,
                                       obj.store.language or obj.org.default_locale))
    elif entity_type == EntityType.ZONE:
        item["parent"] = {"zone_id": _s(obj.parent_id)} if obj.parent_id else {}
    else:
        item["parent"] = {}
    if exclude_locale:
        item.pop("timezones", None)
    return item


def store_v11(store) -> dict:
    currency_code = store.effective_currency
    numeric, name, symbol = CURRENCIES.get(currency_code, (None, currency_code, ""))
    return {
        "id": str(store.pk), "name": store.name, "code": store.code,
        "location": {"latitude": _s(store.latitude), "longitude": _s(store.longitude)},
        "currency": {"name": name, "symbol": symbol, "iso_code": {"alpha": currency_code, "numeric": _s(numeric)}},
        "language": store.language or store.org.default_locale,
        "time_zone": {"name": store.effective_timezone, "offset": {"std": f"UTC{utc_offset(store.effective_timezone)}",
                                                                  "summer": "NULL"}},
        "mobile": store.mobile, "email": store.email, "land_line": store.land_line,
        "external_id": store.external_id, "external_id_1": store.external_id_1, "external_id_2": store.external_id_2,
        "country_name": store.country, "state_name": store.state, "city_name": store.city, "area_name": store.area,
        "item_status": {"success": "true", "code": "900", "message": "Store details retrieved successfully"},
    }


def staff_v11(user) -> dict:
    from apps.staff.choices import StaffRole

    return {
        "id": str(user.pk), "type": "ASSOCIATE" if user.role == StaffRole.TILL_OPERATOR else "MANAGER",
        "code": user.code or user.username, "firstname": user.first_name, "lastname": user.last_name,
        "mobile": user.mobile, "email": user.email, "store_id": _s(user.store_id),
        "store_code": user.store.code if user.store_id else "",
    }


def custom_field_v11(field) -> dict:
    return {
        "name": field.name, "label": field.label, "type": field.type, "datatype": field.datatype,
        "default": field.default_value, "phase": str(field.phase), "position": str(field.position),
        "rule": "", "regex": field.regex, "error": field.error_message,
        "options": ",".join(str(o) for o in field.options), "scope": field.scope,
        "is_mandatory": "1" if field.is_mandatory else "0", "is_disabled": "1" if field.is_disabled else "0",
    }


def tender_v11(mode, *, with_attributes: bool) -> dict:
    item = {"name": mode.name, "canonical_name": mode.canonical_name, "description": mode.description}
    if with_attributes:
        item["attributes"] = {"attribute": [{"name": k, "value": _s(v)} for k, v in mode.attributes.items()]}
    return item


class EntitiesQueryV11(serializers.Serializer):
    type = serializers.CharField(required=False, allow_blank=True)
    id = serializers.CharField(required=False, allow_blank=True)
    parent_identifier_type = serializers.ChoiceField(
        required=False, choices=["STORE_CODE", "STORE_ID", "STORE_EXTERNAL_ID", "CONCEPT_CODE", "CONCEPT_ID",
                                 "ZONE_CODE", "ZONE_ID"])
    parent_identifier_value = serializers.CharField(required=False)
    active_only = serializers.BooleanField(required=False, default=False)
    details = serializers.ChoiceField(required=False, choices=["basic", "extended"])
    exclude_locale = serializers.BooleanField(required=False, default=False)
    start_id = serializers.IntegerField(required=False, min_value=0)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=500)
    modified_since = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
