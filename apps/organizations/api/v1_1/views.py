"""v1.1 (and v1) organisation and store endpoints: thin adapters over the organisation selectors."""
from __future__ import annotations

import zoneinfo

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V11APIView
from apps.core.errors import InvalidInput
from apps.organizations import errors, selectors
from apps.organizations.choices import CustomFieldScope, EntityType
from apps.organizations.reference import utc_offset
from apps.staff.selectors import staff_list

from . import serializers as s

OBJECT = {200: OpenApiTypes.OBJECT}


def _ok(view, payload: dict, **extra) -> Response:
    return Response(view.envelope.success(payload, **extra))


class OrganizationGetV11(V11APIView):
    access_resource = AccessResource.ORGANIZATION

    @extend_schema(responses=OBJECT, operation_id="v11_organization_get", tags=["organization"])
    def get(self, request):
        return _ok(self, {"organization": s.organization_v11(request.org)})


class OrganizationEntitiesV11(V11APIView):
    access_resource = AccessResource.ORGANIZATION

    @extend_schema(parameters=[s.EntitiesQueryV11], responses=OBJECT, operation_id="v11_organization_entities",
                   tags=["organization"])
    def get(self, request):
        query = s.EntitiesQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        entity_type = (params.get("type") or "").upper()
        if not entity_type:
            raise errors.EntityTypeMissing()
        if entity_type not in EntityType.values:
            raise errors.EntityTypeInvalid()
        ids = None
        if params.get("id"):
            try:
                ids = [int(part) for part in params["id"].split(",") if part.strip()]
            except ValueError:
                raise InvalidInput("Invalid value in entity 'id' parameter", field="id") from None
        rows, total = selectors.entity_list(
            org=request.org, entity_type=entity_type, ids=ids, parent_type=params.get("parent_identifier_type"),
            parent_value=params.get("parent_identifier_value"), active_only=params["active_only"],
            start_id=params.get("start_id"), modified_since=params.get("modified_since"), limit=params["limit"],
        )
        if ids and not rows:
            raise errors.EntityNotFound(name="id", value=params["id"])
        basic = params.get("details") == "basic"
        entities = [s.entity_v11(row, entity_type, basic=basic, exclude_locale=params["exclude_locale"]) for row in rows]
        return Response({"response": {
            "pagination": {"limit": str(params["limit"]), "offset": str(params.get("start_id") or 0), "total": total},
            "status": self.envelope.status(success=True, code=200, message="SUCCESS"),
            "organization": {"entities": {"entity": entities}},
        }})


class OrganizationConfigsV11(V11APIView):
    access_resource = AccessResource.ORGANIZATION

    @extend_schema(responses=OBJECT, operation_id="v11_organization_configs", tags=["organization"])
    def get(self, request):
        configs = [{"key": row["key"], "scopes": row["scope"], "value_type": row["value_type"],
                    "modules": row["module"], "entity_id": str(request.org.pk), "value": row["value"]}
                   for row in selectors.org_config_list(org=request.org)]
        return _ok(self, {"organization": {"configs": {"config": configs}}})


class OrganizationCustomFieldsV11(V11APIView):
    access_resource = AccessResource.ORGANIZATION_DATA_FIELDS

    @extend_schema(parameters=[OpenApiParameter("scope", str, enum=CustomFieldScope.values)], responses=OBJECT,
                   operation_id="v11_organization_customfields", tags=["organization"])
    def get(self, request):
        scope = request.query_params.get("scope") or request.query_params.get("Scope") or None
        if scope is not None and scope not in CustomFieldScope.values:
            raise InvalidInput(f"Invalid input. scope: must be one of {', '.join(CustomFieldScope.values)}", field="scope")
        fields = list(selectors.custom_field_list(org=request.org, scope=scope))
        if scope and not fields:
            raise errors.CustomFieldsNotFoundForScope()
        return _ok(self, {"organization": {"custom_fields": {"field": [s.custom_field_v11(f) for f in fields]}}})


class OrganizationTendersV11(V11APIView):
    access_resource = AccessResource.ORGANIZATION

    @extend_schema(parameters=[OpenApiParameter("attribute_name", str), OpenApiParameter("attribute", bool)],
                   responses=OBJECT, operation_id="v11_organization_tenders", tags=["organization"])
    def get(self, request):
        with_attributes = str(request.query_params.get("attribute", "")).lower() in ("1", "true")
        modes = list(selectors.payment_mode_list(org=request.org,
                                                 attribute_name=request.query_params.get("attribute_name")))
        tenders = [s.tender_v11(m, with_attributes=with_attributes) for m in modes]
        return _ok(self, {"organization": {"tenders": {"count": str(len(tenders)), "tender": tenders}}})


class StoreGetV11(V11APIView):
    access_resource = AccessResource.STORE

    @extend_schema(parameters=[OpenApiParameter("id", int), OpenApiParameter("external_id", str)], responses=OBJECT,
                   operation_id="v11_store_get", tags=["store"])
    def get(self, request):
        store = selectors.store_get(org=request.org, store_id=request.query_params.get("id"),
                                    external_id=request.query_params.get("external_id"))
        return _ok(self, {"stores": {"store": s.store_v11(store)}})


class StoreStaffV11(V11APIView):
    access_resource = AccessResource.STORE

    @extend_schema(parameters=[OpenApiParameter("type", str, enum=["ASSOCIATE", "MANAGER"]),
                               OpenApiParameter("type_value", str, enum=["ASSOCIATE", "MANAGER"])],
                   responses=OBJECT, operation_id="v11_store_staff", tags=["store"])
    def get(self, request):
        staff_type = request.query_params.get("type") or request.query_params.get("type_value")
        if staff_type and staff_type.upper() not in ("ASSOCIATE", "MANAGER"):
            raise InvalidInput("Invalid input. type: must be ASSOCIATE or MANAGER", field="type")
        users = staff_list(org=request.org, staff_type=staff_type)[:500]
        return _ok(self, {"store": {"staff": {"user": [s.staff_v11(u) for u in users]}}})


class StoreLoginV11(V11APIView):
    access_resource = AccessResource.STORE

    @extend_schema(responses=OBJECT, operation_id="v11_store_login", tags=["store"])
    def get(self, request):
        from apps.organizations.selectors import org_config_flag, org_config_value

        till = request.till
        user = {
            "username": till.username, "first_name": till.name, "last_name": "", "org_name": request.org.name,
            "user_id": str(till.pk), "type": till.type, "org_id": str(request.org.pk),
            "store_id": str(till.store_id), "store_code": till.store.code,
            "server_time": timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(request.org.timezone))
            .isoformat(timespec="seconds"),
            "store_server_prefix": org_config_value(org=request.org, key="STORE_SERVER_PREFIX", store=till.store) or "",
            "associate_login_enabled": "true" if org_config_flag(org=request.org, key="STORE_ASSOCIATE_LOGIN_ENABLED",
                                                                 store=till.store) else "false",
        }
        return _ok(self, {"store": {"user": user}})


class StoreConfigurationsV11(V11APIView):
    access_resource = AccessResource.STORE

    @extend_schema(responses=OBJECT, operation_id="v11_store_configurations", tags=["store"])
    def get(self, request):
        store = request.till.store
        rows = selectors.store_config_list(org=request.org, store=store)
        values = {row["key"]: row["value"] for row in rows}
        configurations = {
            "last_modified_time": {"configurations": s._dt(store.updated_at)},
            "store_server_prefix": values.get("STORE_SERVER_PREFIX", ""),
            "time_zone_offset": utc_offset(store.effective_timezone),
            "configs": {"config": [{"key": r["key"], "value": r["value"], "value_type": r["value_type"],
                                    "scope": r["scope"]} for r in rows]},
        }
        return _ok(self, {"store": {"configurations": configurations}})
