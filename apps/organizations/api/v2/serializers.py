"""v2 shapes of the organisation family (camelCase, flat objects with "warnings")."""
from __future__ import annotations

from rest_framework import serializers

from apps.organizations.choices import AdminType
from apps.organizations.reference import currency_numeric


class WarningSerializer(serializers.Serializer):
    status = serializers.BooleanField()
    code = serializers.IntegerField()
    message = serializers.CharField()


class TillOutputV2(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    description = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    referenceId = serializers.SerializerMethodField()
    adminType = serializers.CharField(source="admin_type")
    isActive = serializers.BooleanField(source="is_active")
    isOuEnabled = serializers.SerializerMethodField()
    storeId = serializers.IntegerField(source="store_id")
    timeZone = serializers.CharField(source="store.effective_timezone")
    timeZoneId = serializers.SerializerMethodField()
    currencyId = serializers.SerializerMethodField()
    languageId = serializers.SerializerMethodField()
    customField = serializers.SerializerMethodField()
    default = serializers.BooleanField(source="is_default")
    warnings = serializers.SerializerMethodField()

    def get_referenceId(self, obj) -> int:
        return -1

    def get_isOuEnabled(self, obj) -> bool:
        return False

    def get_timeZoneId(self, obj) -> int:
        return -1

    def get_currencyId(self, obj) -> int:
        return currency_numeric(obj.store.effective_currency) or -1

    def get_languageId(self, obj) -> int:
        return -1

    def get_customField(self, obj) -> list[dict]:
        return [{"name": k, "value": v} for k, v in (obj.custom_fields or {}).items()]

    def get_warnings(self, obj) -> list[dict]:
        return []


class ActiveTillOutputV2(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    warnings = serializers.SerializerMethodField()

    def get_warnings(self, obj) -> list[dict]:
        return []


class TillQueryV2(serializers.Serializer):
    code = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    tillId = serializers.IntegerField(required=False, min_value=1)


class ConfigKeyValueQueryV2(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class ConfigKeyValueOutputV2(serializers.Serializer):
    id = serializers.IntegerField()
    entityId = serializers.IntegerField()
    keyName = serializers.CharField()
    value = serializers.CharField(allow_blank=True)
    scope = serializers.CharField()
    warnings = serializers.ListField(child=serializers.DictField())


class ProgramOutputV2(serializers.Serializer):
    programId = serializers.IntegerField(source="pk")
    programName = serializers.CharField(source="name")
    pointsToCurrencyRatio = serializers.DecimalField(source="point_value", max_digits=20, decimal_places=10,
                                                     coerce_to_string=False)
    programDescription = serializers.CharField(source="description")
    partnerPrograms = serializers.SerializerMethodField()
    default = serializers.BooleanField(source="is_default")

    def get_partnerPrograms(self, obj) -> list[dict]:
        return []  # partner programmes arrive with the partner-program domain


class ProgramListOutputV2(serializers.Serializer):
    data = ProgramOutputV2(many=True)
    warnings = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())


def _admin_type(value: str) -> str:
    upper = (value or "").strip().upper()
    if upper not in AdminType.values:
        raise serializers.ValidationError("Must be GENERAL or ADMIN.")
    return upper


class StoreInputV2(serializers.Serializer):
    """POST /v2/orgEntity/store: accepts the documented body, including blank ids sent as ""."""

    code = serializers.RegexField(r"^[a-z][a-z0-9._-]{0,49}$", max_length=50,
                                  error_messages={"invalid": "Must start with a lowercase letter and use only lowercase "
                                                             "letters, digits, '.', '_' or '-' (max 50)."})
    name = serializers.RegexField(r"^[\w ]{1,100}$", max_length=100,
                                  error_messages={"invalid": "Use letters, digits, '_' and spaces only (max 100)."})
    description = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=["STORE"], required=False, default="STORE")
    adminType = serializers.CharField(required=False, default="GENERAL")
    isActive = serializers.BooleanField(required=False, default=True)
    timeZoneId = serializers.JSONField(required=False)
    currencyId = serializers.JSONField(required=False)
    languageId = serializers.JSONField(required=False)
    timeZone = serializers.CharField(required=False, allow_blank=True, max_length=64)
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)
    parentZoneId = serializers.IntegerField(required=False, allow_null=True)
    parentConceptId = serializers.IntegerField(required=False, allow_null=True)
    externalIds = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=3,
                                        default=list)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    mobile = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    landline = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    latitude = serializers.CharField(required=False, allow_blank=True, max_length=20)
    longitude = serializers.CharField(required=False, allow_blank=True, max_length=20)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    cityId = serializers.IntegerField(required=False)
    areaId = serializers.IntegerField(required=False)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    area = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    customFields = serializers.JSONField(required=False)

    def validate_adminType(self, value):
        return _admin_type(value)

    def validate_customFields(self, value):
        if value in (None, ""):
            return {}
        if isinstance(value, list):  # the table says array: accept [{"name","value"}] too
            try:
                return {str(item["name"]): item.get("value") for item in value}
            except (TypeError, KeyError):
                raise serializers.ValidationError("Must be an object of name: value or a list of {name, value}.") from None
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be an object of name: value.")
        return {str(k): v for k, v in value.items()}

    def to_service_kwargs(self) -> dict:
        d = self.validated_data
        return {
            "code": d["code"], "name": d["name"], "description": d["description"], "admin_type": d["adminType"],
            "is_active": d["isActive"], "zone_id": d.get("parentZoneId"), "concept_id": d.get("parentConceptId"),
            "external_ids": d["externalIds"], "email": d["email"], "mobile": d["mobile"], "land_line": d["landline"],
            "latitude": d.get("latitude"), "longitude": d.get("longitude"), "address": d["address"],
            "city": d["city"], "area": d["area"], "custom_fields": d.get("customFields") or {},
            "timezone": d.get("timeZone", ""), "currency": (d.get("currency") or "").upper(),
            "language": d.get("language", ""),
        }


class StoreOutputV2(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    description = serializers.CharField()
    name = serializers.CharField()
    type = serializers.SerializerMethodField()
    adminType = serializers.CharField(source="admin_type")
    isActive = serializers.BooleanField(source="is_active")
    timeZoneId = serializers.SerializerMethodField()
    currencyId = serializers.SerializerMethodField()
    languageId = serializers.SerializerMethodField()
    parentZoneId = serializers.SerializerMethodField()
    parentConceptId = serializers.SerializerMethodField()
    externalIds = serializers.SerializerMethodField()
    email = serializers.CharField()
    mobile = serializers.CharField()
    landline = serializers.CharField(source="land_line")
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    address = serializers.CharField()
    customFields = serializers.JSONField(source="custom_fields")

    def get_type(self, obj) -> str:
        return "STORE"

    def get_timeZoneId(self, obj) -> int:
        return -1

    def get_currencyId(self, obj) -> int:
        return currency_numeric(obj.currency) or -1 if obj.currency else -1

    def get_languageId(self, obj) -> int:
        return -1

    def get_parentZoneId(self, obj) -> int:
        return obj.zone_id or -1

    def get_parentConceptId(self, obj) -> int:
        return obj.concept_id or -1

    def get_externalIds(self, obj) -> list[str]:
        return [i for i in (obj.external_id, obj.external_id_1, obj.external_id_2) if i]

    def get_latitude(self, obj) -> str:
        return "" if obj.latitude is None else str(obj.latitude)

    def get_longitude(self, obj) -> str:
        return "" if obj.longitude is None else str(obj.longitude)


class CreatedOutputV2(serializers.Serializer):
    createdId = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField())


class LocationInputV2(serializers.Serializer):
    locationCode = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", max_length=64)
    locationLabel = serializers.CharField(max_length=200)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list,
                                 max_length=50)


class LocationOutputV2(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    locationCode = serializers.CharField(source="code")
    locationLabel = serializers.CharField(source="label")
    tags = serializers.ListField(child=serializers.CharField())
    createdOn = serializers.DateTimeField(source="created_at")


class LocationCreatedOutputV2(serializers.Serializer):
    createdId = serializers.IntegerField()
    location = LocationOutputV2()
    warnings = serializers.ListField(child=serializers.DictField())


class OrgConfigSetInputV2(serializers.Serializer):
    keyName = serializers.CharField()
    value = serializers.JSONField()
    scope = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class OrgConfigSetOutputV2(serializers.Serializer):
    id = serializers.IntegerField()
    entityId = serializers.IntegerField()
    keyName = serializers.CharField()
    value = serializers.CharField()
    warnings = serializers.ListField(child=serializers.DictField())
