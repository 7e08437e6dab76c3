"""v2 extended-field and custom-field endpoints (access resource "Organization Data Fields")."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView
from apps.fields import selectors, services
from apps.fields.choices import ExtendedFieldDataType, ExtendedFieldEntity

from . import serializers as s

TAGS = ["custom fields"]


def _ok(payload: dict) -> dict:
    return {**payload, "warnings": [], "errors": [], "success": True}


def _entity_param(request) -> str | None:
    query = s.ExtendedFieldQueryV2(data=request.query_params)
    query.is_valid(raise_exception=True)
    raw = query.validated_data.get("entityType")
    return services.extended_field_entity(raw) if raw else None


def _grouped(fields, serializer_class) -> dict:
    groups: dict[str, list] = {}
    for field in fields:
        groups.setdefault(field.entity, []).append(field)
    return {entity: serializer_class(groups[entity], many=True).data
            for entity in ExtendedFieldEntity.values if entity in groups}


class ExtendedFieldsV2(V2APIView):
    """GET v2/extendedFields: the org's active extended fields, grouped by entity type."""

    access_resource = AccessResource.ORGANIZATION_DATA_FIELDS

    @extend_schema(parameters=[s.ExtendedFieldQueryV2], responses=s.ExtendedFieldGroupedOutputV2, tags=TAGS,
                   operation_id="v2_extended_fields_get")
    def get(self, request):
        fields = selectors.extended_field_list(org=request.org, entity=_entity_param(request), active_only=True)
        return Response(_ok({"entity": _grouped(fields, s.ExtendedFieldOutputV2)}))


class OrgExtendedFieldsV2(V2APIView):
    """GET v2/org/extendedFields (every field with its configuration) and POST (configure one field)."""

    access_resource = AccessResource.ORGANIZATION_DATA_FIELDS

    @extend_schema(parameters=[s.ExtendedFieldQueryV2], responses=s.ExtendedFieldConfigGroupedOutputV2, tags=TAGS,
                   operation_id="v2_org_extended_fields_get")
    def get(self, request):
        fields = selectors.extended_field_list(org=request.org, entity=_entity_param(request))
        return Response(_ok({"entity": _grouped(fields, s.ExtendedFieldConfigOutputV2)}))

    @extend_schema(request=s.ExtendedFieldConfigureInputV2, responses={200: s.ExtendedFieldConfigOutputV2},
                   tags=TAGS, operation_id="v2_org_extended_fields_configure")
    def post(self, request):
        data = s.ExtendedFieldConfigureInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        field, _created = services.extended_field_configure(org=request.org, **data.to_service_kwargs())
        field = selectors.extended_field_get(org=request.org, field_id=field.pk)
        return Response({**s.ExtendedFieldConfigOutputV2(field).data, "warnings": []})


class OrgExtendedFieldsMetaV2(V2APIView):
    """GET v2/org/extendedFieldsMeta: the platform's standard fields per entity, and whether the org enabled each."""

    access_resource = AccessResource.ORGANIZATION_DATA_FIELDS

    @extend_schema(parameters=[s.ExtendedFieldQueryV2], responses=s.ExtendedFieldMetaOutputV2, tags=TAGS,
                   operation_id="v2_org_extended_fields_meta")
    def get(self, request):
        groups: dict[str, list] = {}
        for standard, enabled in selectors.extended_field_meta(org=request.org, entity=_entity_param(request)):
            groups.setdefault(standard.entity, []).append({
                "name": standard.name, "label": standard.label, "entityType": standard.entity,
                "dataType": standard.data_type, "possibleValues": list(standard.enum_values), "enabled": enabled})
        return Response(_ok({"entity": groups, "dataTypes": ExtendedFieldDataType.values}))


class EntityExtendedFieldsV2(V2APIView):
    """GET v2/entity/extendedFields: the org's extended fields with their configuration, as one list."""

    access_resource = AccessResource.ORGANIZATION_DATA_FIELDS

    @extend_schema(parameters=[s.ExtendedFieldQueryV2], responses=s.ExtendedFieldEntityOutputV2, tags=TAGS,
                   operation_id="v2_entity_extended_fields_get")
    def get(self, request):
        fields = selectors.extended_field_list(org=request.org, entity=_entity_param(request))
        return Response(_ok({"entity": s.ExtendedFieldConfigOutputV2(fields, many=True).data}))


def _scope_param(request) -> str | None:
    query = s.CustomFieldsQueryV2(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("scope") or None


class OrgCustomFieldsV2(V2APIView):
    """GET v2/org/customFields?scope=: the org's custom fields, optionally of one scope."""

    access_resource = AccessResource.ORGANIZATION_DATA_FIELDS

    @extend_schema(parameters=[s.CustomFieldsQueryV2], responses=s.CustomFieldListOutputV2, tags=TAGS,
                   operation_id="v2_org_custom_fields_get")
    def get(self, request):
        fields = selectors.custom_fields_of_scope(org=request.org, scope=_scope_param(request))
        return Response(_ok({"entity": [s.custom_field_v2(f) for f in fields]}))


class CustomFieldsV2(OrgCustomFieldsV2):
    """GET v2/customFields (every custom field of the org) and POST v2/customFields (create, all or none)."""

    @extend_schema(parameters=[s.CustomFieldsQueryV2], responses=s.CustomFieldListOutputV2, tags=TAGS,
                   operation_id="v2_custom_fields_get")
    def get(self, request):
        return super().get(request)

    @extend_schema(request=s.CustomFieldsCreateInputV2, responses={200: s.CustomFieldCreatedOutputV2}, tags=TAGS,
                   operation_id="v2_custom_fields_create")
    def post(self, request):
        body = s.CustomFieldsCreateInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        raw_items = body.validated_data.get("customFields") or []
        items = []
        for raw in raw_items:
            item = s.CustomFieldInputV2(data=raw)
            item.is_valid(raise_exception=True)
            items.append(item)
        scope = body.validated_data.get("scope") or (items[0].validated_data.get("scope") if items else "") or ""
        created = services.custom_fields_create(org=request.org, scope=scope,
                                                fields=[item.to_service_item() for item in items])
        return Response(_ok({"entity": [{**s.custom_field_v2(f), "value": ""} for f in created]}))


class OrganizationCustomFieldsV2(V2APIView):
    """GET v2/organization/customFields?scope=: the org's custom fields in the Organization API's shape."""

    access_resource = AccessResource.ORGANIZATION_DATA_FIELDS

    @extend_schema(parameters=[s.CustomFieldsQueryV2], responses=s.OrganizationCustomFieldsOutputV2,
                   tags=["organization"], operation_id="v2_organization_custom_fields_get")
    def get(self, request):
        fields = selectors.custom_fields_of_scope(org=request.org, scope=_scope_param(request))
        return Response({"data": [s.custom_field_organization_v2(f) for f in fields], "warnings": []})
