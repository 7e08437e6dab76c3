"""v2 shapes of extended fields and custom fields (camelCase; 0/1 flags on custom fields, as the platform sends)."""
from __future__ import annotations

import json
from decimal import Decimal

from rest_framework import serializers

from apps.fields.choices import CustomFieldWidget, ExtendedFieldDataType
from apps.fields.scopes import scope_api
from apps.organizations.choices import CustomFieldType
from apps.organizations.models import CustomField

CUSTOM_DATA_TYPES = [value for value, _label in CustomField.DATA_TYPES]

# -- extended fields ---------------------------------------------------------------------------------------------


class ExtendedFieldOutputV2(serializers.Serializer):
    """One item of GET v2/extendedFields (the platform's documented keys)."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    createdBy = serializers.SerializerMethodField()
    createdOn = serializers.SerializerMethodField()
    modifiedBy = serializers.SerializerMethodField()
    modifiedOn = serializers.SerializerMethodField()
    label = serializers.CharField()
    entityType = serializers.CharField(source="entity")
    dataType = serializers.CharField(source="data_type")
    parentId = serializers.SerializerMethodField()

    def get_createdBy(self, obj) -> int:
        return -1

    def get_modifiedBy(self, obj) -> int:
        return -1

    def get_createdOn(self, obj) -> str:
        return obj.created_at.date().isoformat()

    def get_modifiedOn(self, obj) -> str:
        return obj.updated_at.date().isoformat()

    def get_parentId(self, obj) -> int:
        return obj.parent_id if obj.parent_id is not None else -1


class ExtendedFieldConfigOutputV2(ExtendedFieldOutputV2):
    """An extended field with its configuration (org path, entity path and the configure answer)."""

    extendedFieldId = serializers.IntegerField(source="pk")
    parentName = serializers.SerializerMethodField()
    possibleValues = serializers.ListField(source="enum_values", child=serializers.CharField())
    defaultValue = serializers.CharField(source="default_value")
    regex = serializers.CharField()
    maxLength = serializers.IntegerField(source="max_length")
    minValue = serializers.SerializerMethodField()
    maxValue = serializers.SerializerMethodField()
    mandatory = serializers.BooleanField(source="is_mandatory")
    isActive = serializers.BooleanField(source="is_active")
    hideDisplay = serializers.BooleanField(source="is_hidden")
    updatable = serializers.BooleanField(source="is_updatable")
    isPiiData = serializers.BooleanField(source="is_pii_data")
    isPsiData = serializers.BooleanField(source="is_psi_data")
    position = serializers.IntegerField()

    def get_parentName(self, obj) -> str | None:
        return obj.parent.name if obj.parent_id is not None else None

    def get_minValue(self, obj) -> str | None:
        return _plain(obj.min_value)

    def get_maxValue(self, obj) -> str | None:
        return _plain(obj.max_value)


def _plain(number: Decimal | None) -> str | None:
    return None if number is None else format(number.normalize(), "f")


class ExtendedFieldQueryV2(serializers.Serializer):
    entityType = serializers.CharField(required=False, help_text="CUSTOMER, REGULAR_TRANSACTION, REGULAR_LINEITEM, ...")


class ExtendedFieldGroupedOutputV2(serializers.Serializer):
    entity = serializers.DictField(child=ExtendedFieldOutputV2(many=True))
    warnings = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())
    success = serializers.BooleanField()


class ExtendedFieldConfigGroupedOutputV2(ExtendedFieldGroupedOutputV2):
    entity = serializers.DictField(child=ExtendedFieldConfigOutputV2(many=True))


class ExtendedFieldEntityOutputV2(ExtendedFieldGroupedOutputV2):
    entity = ExtendedFieldConfigOutputV2(many=True)


class ExtendedFieldMetaItemV2(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    entityType = serializers.CharField()
    dataType = serializers.CharField()
    possibleValues = serializers.ListField(child=serializers.CharField())
    enabled = serializers.BooleanField()


class ExtendedFieldMetaOutputV2(ExtendedFieldGroupedOutputV2):
    entity = serializers.DictField(child=ExtendedFieldMetaItemV2(many=True))
    dataTypes = serializers.ListField(child=serializers.CharField())


class ExtendedFieldConfigureInputV2(serializers.Serializer):
    """POST v2/org/extendedFields: create the (entityType, name) field or change its settings."""

    entityType = serializers.CharField()
    name = serializers.CharField(max_length=64)
    label = serializers.CharField(max_length=100, required=False)
    dataType = serializers.ChoiceField(choices=ExtendedFieldDataType.values, required=False)
    possibleValues = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                           max_length=200)
    defaultValue = serializers.CharField(max_length=250, required=False, allow_blank=True)
    regex = serializers.CharField(max_length=250, required=False, allow_blank=True)
    maxLength = serializers.IntegerField(min_value=1, max_value=10000, required=False)
    minValue = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    maxValue = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    parentName = serializers.CharField(max_length=64, required=False, allow_null=True)
    mandatory = serializers.BooleanField(required=False)
    isActive = serializers.BooleanField(required=False)
    hideDisplay = serializers.BooleanField(required=False)
    updatable = serializers.BooleanField(required=False)
    isPiiData = serializers.BooleanField(required=False)
    isPsiData = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)

    FIELD_MAP = {
        "label": "label", "dataType": "data_type", "possibleValues": "enum_values", "defaultValue": "default_value",
        "regex": "regex", "maxLength": "max_length", "minValue": "min_value", "maxValue": "max_value",
        "mandatory": "is_mandatory", "isActive": "is_active", "hideDisplay": "is_hidden", "updatable": "is_updatable",
        "isPiiData": "is_pii_data", "isPsiData": "is_psi_data", "position": "position",
    }

    def to_service_kwargs(self) -> dict:
        data = self.validated_data
        kwargs = {"entity": data["entityType"], "name": data["name"]}
        kwargs.update({attr: data[key] for key, attr in self.FIELD_MAP.items() if key in data})
        if "parentName" in data:
            kwargs["parent_name"] = data["parentName"] or None
        return kwargs


# -- custom fields -----------------------------------------------------------------------------------------------

_FLAGS = {
    "isDisabled": "is_disabled", "isCompulsory": "is_mandatory", "disableAtServer": "disable_at_server",
    "isUpdatable": "is_updatable", "enableAuditTrail": "enable_audit_trail", "isPiiData": "is_pii_data",
    "isPsiData": "is_psi_data",
}
_WIDGET_TO_TYPE = {
    CustomFieldWidget.DATEPICKER: CustomFieldType.DATE, CustomFieldWidget.SELECT: CustomFieldType.SELECT,
    CustomFieldWidget.RADIO: CustomFieldType.SELECT, CustomFieldWidget.CHECKBOX: CustomFieldType.CHECKBOX,
}
_TYPE_TO_WIDGET = {
    CustomFieldType.DATE: CustomFieldWidget.DATEPICKER, CustomFieldType.SELECT: CustomFieldWidget.SELECT,
    CustomFieldType.MULTISELECT: CustomFieldWidget.SELECT, CustomFieldType.CHECKBOX: CustomFieldWidget.CHECKBOX,
}


def custom_field_v2(field, *, with_id: bool = True) -> dict:
    """A custom field as v2/org/customFields and v2/customFields show it."""
    item = {"orgId": field.org_id}
    if with_id:
        item["id"] = field.pk
    item.update({
        "name": field.name, "type": field.widget or _TYPE_TO_WIDGET.get(field.type, CustomFieldWidget.TEXT),
        "dataType": field.datatype, "label": field.label, "scope": scope_api(field.scope),
        "defaultValue": field.default_value, "phase": str(field.phase), "position": field.position,
        "rule": field.rule, "serverRule": field.server_rule, "regex": field.regex, "error": field.error_message,
    })
    item.update({key: int(getattr(field, attr)) for key, attr in _FLAGS.items()})
    item.update({"helptext": field.help_text, "attrs": field.attrs})
    return item


def custom_field_organization_v2(field) -> dict:
    """A custom field as v2/organization/customFields shows it (lower-case scope, options, fewer flags)."""
    item = custom_field_v2(field, with_id=False)
    for key in ("orgId", "serverRule", "enableAuditTrail", "isPiiData", "isPsiData", "helptext", "attrs"):
        item.pop(key)
    item["scope"] = item["scope"].lower()
    item["options"] = json.dumps(field.options) if field.options else ""
    return item


class FlagField(serializers.Field):
    """A 0/1 flag as the platform sends it; true/false accepted too."""

    default_error_messages = {"invalid": "Must be 0 or 1."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if str(data).strip().lower() in ("1", "true"):
            return True
        if str(data).strip().lower() in ("0", "false"):
            return False
        self.fail("invalid")

    def to_representation(self, value):
        return int(bool(value))


class CustomFieldInputV2(serializers.Serializer):
    """One item of POST v2/customFields `customFields` (shape only; names and limits are checked by the service)."""

    name = serializers.CharField(allow_blank=True, required=False, allow_null=True)
    type = serializers.ChoiceField(choices=CustomFieldWidget.values, required=False, default=CustomFieldWidget.TEXT)
    dataType = serializers.CharField(required=False, default="String")
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)
    scope = serializers.CharField(required=False, allow_blank=True)
    defaultValue = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    phase = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=1)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)
    rule = serializers.CharField(required=False, allow_blank=True, default="")
    serverRule = serializers.CharField(required=False, allow_blank=True, default="")
    regex = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    error = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    helptext = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    attrs = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    isDisabled = FlagField(required=False, default=False)
    isCompulsory = FlagField(required=False, default=False)
    disableAtServer = FlagField(required=False, default=False)
    isUpdatable = FlagField(required=False, default=True)
    enableAuditTrail = FlagField(required=False, default=False)
    isPiiData = FlagField(required=False, default=False)
    isPsiData = FlagField(required=False, default=False)

    def validate_dataType(self, value):
        by_key = {v.casefold(): v for v in CUSTOM_DATA_TYPES}
        try:
            return by_key[value.strip().casefold()]
        except KeyError:
            raise serializers.ValidationError(f"must be one of {', '.join(CUSTOM_DATA_TYPES)}") from None

    def to_service_item(self) -> dict:
        d = self.validated_data
        item = {
            "name": d.get("name") or "", "label": d.get("label") or "", "widget": d["type"],
            "type": _WIDGET_TO_TYPE.get(d["type"], CustomFieldType.TEXT), "data_type": d["dataType"],
            "default_value": d["defaultValue"], "phase": d["phase"], "position": d["position"], "rule": d["rule"],
            "server_rule": d["serverRule"], "regex": d["regex"], "error_message": d["error"],
            "help_text": d["helptext"], "attrs": d["attrs"],
        }
        item.update({attr: d[key] for key, attr in _FLAGS.items()})
        return item


class CustomFieldsCreateInputV2(serializers.Serializer):
    scope = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    customFields = serializers.ListField(child=serializers.DictField(), required=False, allow_null=True,
                                         allow_empty=True, max_length=100)


class CustomFieldsQueryV2(serializers.Serializer):
    scope = serializers.CharField(required=False, help_text="LOYALTY_REGISTRATION, STORE_CUSTOM_FIELDS, ... (any case)")


class CustomFieldItemV2(serializers.Serializer):
    orgId = serializers.IntegerField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()
    dataType = serializers.CharField()
    label = serializers.CharField()
    scope = serializers.CharField()
    defaultValue = serializers.CharField()
    phase = serializers.CharField()
    position = serializers.IntegerField()
    rule = serializers.CharField()
    serverRule = serializers.CharField()
    regex = serializers.CharField()
    error = serializers.CharField()
    isDisabled = serializers.IntegerField()
    isCompulsory = serializers.IntegerField()
    disableAtServer = serializers.IntegerField()
    isUpdatable = serializers.IntegerField()
    enableAuditTrail = serializers.IntegerField()
    isPiiData = serializers.IntegerField()
    isPsiData = serializers.IntegerField()
    helptext = serializers.CharField()
    attrs = serializers.CharField()


class CustomFieldListOutputV2(serializers.Serializer):
    entity = CustomFieldItemV2(many=True)
    warnings = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())
    success = serializers.BooleanField()


class CustomFieldCreatedItemV2(CustomFieldItemV2):
    value = serializers.CharField()


class CustomFieldCreatedOutputV2(CustomFieldListOutputV2):
    entity = CustomFieldCreatedItemV2(many=True)


class OrganizationCustomFieldItemV2(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    dataType = serializers.CharField()
    label = serializers.CharField()
    scope = serializers.CharField()
    defaultValue = serializers.CharField()
    phase = serializers.CharField()
    position = serializers.IntegerField()
    rule = serializers.CharField()
    regex = serializers.CharField()
    error = serializers.CharField()
    options = serializers.CharField()
    isDisabled = serializers.IntegerField()
    isCompulsory = serializers.IntegerField()
    disableAtServer = serializers.IntegerField()
    isUpdatable = serializers.IntegerField()


class OrganizationCustomFieldsOutputV2(serializers.Serializer):
    data = OrganizationCustomFieldItemV2(many=True)
    warnings = serializers.ListField(child=serializers.DictField())
