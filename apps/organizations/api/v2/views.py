"""v2 organisation endpoints: tills, config key values, programmes, stores, locations."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.envelopes import V2Envelope
from apps.core.api.normalise import to_domain_errors
from apps.core.api.views import V2APIView, paginate
from apps.core.errors import BatchLimitExceeded, InvalidInput
from apps.organizations import errors, selectors, services
from apps.points.selectors import program_list

from . import serializers as s

BULK_LIMIT = 100


class TillV2(V2APIView):
    """GET /v2/organization/till?code=|name=|tillId= and /v2/organization/till/{tillId}."""

    access_resource = AccessResource.ORGANIZATION

    @extend_schema(parameters=[s.TillQueryV2], responses=s.TillOutputV2, tags=["organization"],
                   operation_id="v2_organization_till_get")
    def get(self, request, till_id=None):
        query = s.TillQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        till = selectors.till_get(org=request.org, till_id=till_id or params.get("tillId"),
                                  code=params.get("code"), name=params.get("name"))
        return Response(s.TillOutputV2(till).data)


class TillByIdV2(TillV2):
    """GET /v2/organization/till/{tillId}."""

    @extend_schema(responses=s.TillOutputV2, tags=["organization"], operation_id="v2_organization_till_get_by_id")
    def get(self, request, till_id=None):
        return super().get(request, till_id=till_id)


class ActiveTillV2(V2APIView):
    access_resource = AccessResource.ORGANIZATION

    @extend_schema(parameters=[s.TillQueryV2], responses=s.ActiveTillOutputV2, tags=["organization"])
    def get(self, request):
        query = s.TillQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if not params.get("code") and not params.get("tillId"):
            raise errors.TillIdentifierMissing("Either code or tillId is mandatory")
        till = selectors.till_get(org=request.org, till_id=params.get("tillId"), code=params.get("code"),
                                  active_only=True)
        return Response(s.ActiveTillOutputV2(till).data)


class ConfigKeyValueV2(V2APIView):
    access_resource = AccessResource.ORGANIZATION

    @extend_schema(parameters=[s.ConfigKeyValueQueryV2], responses=s.ConfigKeyValueOutputV2, tags=["organization"])
    def get(self, request):
        query = s.ConfigKeyValueQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        name = query.validated_data["name"]
        value = selectors.org_config_value(org=request.org, key=name)
        if value is None:
            raise errors.ConfigKeyNotFound(key=name)
        return Response({"id": 0, "entityId": request.org.pk, "keyName": name, "value": value, "scope": "ORG",
                         "warnings": []})


class ProgramsV2(V2APIView):
    access_resource = AccessResource.POINTS

    @extend_schema(responses=s.ProgramListOutputV2, tags=["organization"])
    def get(self, request):
        programs = program_list(org=request.org)[:100]
        return Response({"data": s.ProgramOutputV2(programs, many=True).data, "warnings": [], "errors": []})


class OrgEntityStoreV2(V2APIView):
    """POST /v2/orgEntity/store: add one store."""

    access_resource = AccessResource.ORGANIZATION

    @extend_schema(request=s.StoreInputV2, responses={200: s.CreatedOutputV2}, tags=["organization"])
    def post(self, request):
        data = s.StoreInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        store = services.store_create(org=request.org, **data.to_service_kwargs())
        return Response({"createdId": store.pk, "warnings": []})


class OrgEntityStoreBulkV2(V2APIView):
    """POST /v2/orgEntity/store/bulk: each store succeeds or fails on its own."""

    access_resource = AccessResource.ORGANIZATION

    @extend_schema(request=s.StoreInputV2(many=True), responses=inline_serializer("StoreBulkOutputV2", {
        "response": serializers.ListField(child=serializers.DictField()), "totalCount": serializers.IntegerField(),
        "failureCount": serializers.IntegerField()}), tags=["organization"])
    def post(self, request):
        items = request.data
        if not isinstance(items, list) or not items:
            raise InvalidInput("Invalid input. The body must be a non-empty JSON array of stores")
        if len(items) > BULK_LIMIT:
            raise BatchLimitExceeded(maximum=BULK_LIMIT)
        results, failures = [], 0
        for item in items:
            data = s.StoreInputV2(data=item if isinstance(item, dict) else {})
            try:
                if not isinstance(item, dict):
                    raise InvalidInput("Invalid input. Each item must be a JSON object")
                data.is_valid(raise_exception=True)
                store = services.store_create(org=request.org, **data.to_service_kwargs())
            except Exception as exc:  # per-item failure: reported, the others go on
                errs = to_domain_errors(exc)
                if errs is None:
                    raise
                failures += 1
                results.append({"entityId": -1, "result": None,
                                "errors": [V2Envelope.error_item(e) for e in errs], "warnings": []})
                continue
            results.append({"entityId": store.pk, "result": s.StoreOutputV2(store).data, "errors": [], "warnings": []})
        return Response({"response": results, "totalCount": len(items), "failureCount": failures})


class LocationsV2(V2APIView):
    """GET /v2/locations (paged, ?locationCodes=a,b) and POST /v2/locations."""

    access_resource = AccessResource.ORGANIZATION

    @extend_schema(parameters=[OpenApiParameter("locationCodes", str, description="Comma-separated codes")],
                   responses=s.LocationOutputV2(many=True), tags=["locations"])
    def get(self, request):
        raw = request.query_params.getlist("locationCodes")
        codes = [c.strip() for part in raw for c in part.split(",") if c.strip()]
        paginator, data = paginate(self, selectors.location_list(org=request.org, codes=codes or None),
                                   s.LocationOutputV2)
        return paginator.get_paginated_response(data)

    @extend_schema(request=s.LocationInputV2, responses={200: s.LocationCreatedOutputV2}, tags=["locations"])
    def post(self, request):
        data = s.LocationInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        location = services.location_create(org=request.org, code=d["locationCode"], label=d["locationLabel"],
                                            tags=d["tags"])
        return Response({"createdId": location.pk, "location": s.LocationOutputV2(location).data, "warnings": []})


class OrganizationConfigsV2(V2APIView):
    """POST /v2/organization/configs {keyName, value, scope}: set an org config (e.g. CONF_MAX_CARDS_PER_ORG)."""

    access_resource = AccessResource.ORGANIZATION

    @extend_schema(request=s.OrgConfigSetInputV2, responses=s.OrgConfigSetOutputV2, tags=["organization"],
                   operation_id="v2_organization_configs_set")
    def post(self, request):
        data = s.OrgConfigSetInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        scope = str(d.get("scope") or "ORG").strip().upper()
        if scope != "ORG":
            raise InvalidInput("Invalid input. scope: only ORG is supported", field="scope")
        config = services.org_config_set(org=request.org, key=d["keyName"].strip(), value=d["value"])
        return Response({"id": config.pk, "entityId": request.org.pk, "keyName": config.key, "value": config.value,
                         "scope": "ORG", "warnings": []})
