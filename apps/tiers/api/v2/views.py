"""v2 tier endpoints: tierDetails (by id or lookup), Manual Tier Adjustment, and our tier history."""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView
from apps.customers import selectors as customers
from apps.points import errors as points_errors
from apps.points.api import errors as points_api_errors
from apps.points.api.common import flag, v2_lookup
from apps.points.selectors import programs_selected
from apps.points.services import program_resolve
from apps.tiers import errors, selectors, services

from . import serializers as s

OBJECT = {200: OpenApiTypes.OBJECT}
TAGS = ["tiers"]


def _valid(serializer, data) -> dict:
    parsed = serializer(data=data)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data


class TierDetailsV2(V2APIView):
    """GET /v2/customers/{id}/tierDetails: current tier, next tier, progress and renewal figures per programme."""

    access_resource = AccessResource.CUSTOMER
    lookup = False
    query = s.TierDetailsQueryV2

    def customer(self, request, customer_id, params):
        if self.lookup:
            return v2_lookup(org=request.org, params=params)
        return customers.customer_get(org=request.org, customer_id=customer_id)

    @extend_schema(parameters=[s.TierDetailsQueryV2], responses=OBJECT, tags=TAGS, operation_id="v2_customer_tier")
    def get(self, request, customer_id=None):
        params = _valid(self.query, request.query_params)
        customer = self.customer(request, customer_id, params)
        entity = str(params.get("entityType") or "CUSTOMER").upper()
        if entity != "CUSTOMER":
            raise points_api_errors.EntityTypeInvalid(field="entityType")
        programs = programs_selected(org=request.org, program_id=params.get("programId") or None,
                                     all_programs=flag(params.get("fetchDataForAllPrograms")))
        now = timezone.now()
        rows = [s.tier_status_v2(selectors.customer_tier_status(org=request.org, customer=customer, program=p,
                                                                now=now), org=request.org) for p in programs]
        return Response({"entityId": customer.pk, "entityType": "CUSTOMER", "programTiers": rows, "warnings": []})


class TierDetailsLookupV2(TierDetailsV2):
    lookup = True
    query = s.LookupTierDetailsQueryV2

    @extend_schema(parameters=[s.LookupTierDetailsQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_lookup_tier")
    def get(self, request, customer_id=None):
        return super().get(request)


class ManualSlabAdjustmentV2(V2APIView):
    """POST /v2/slab/manualSlabAdjustment: upgrade, downgrade, renew or extend a customer's tier by hand."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[s.ManualAdjustQueryV2], request=s.ManualAdjustInputV2, responses=OBJECT, tags=TAGS,
                   operation_id="v2_manual_slab_adjustment")
    def post(self, request):
        params = _valid(s.ManualAdjustQueryV2, request.query_params)
        if str(params.get("type") or "CUSTOMER").upper() != "CUSTOMER":
            raise points_api_errors.EntityTypeInvalid("Only CUSTOMER tiers can be adjusted (no user groups)",
                                                  field="type")
        body = _valid(s.ManualAdjustInputV2, request.data)
        customer = v2_lookup(org=request.org, params=params)
        try:
            program = program_resolve(org=request.org, program_id=body.get("programId") or None)
        except points_errors.ProgramInvalid:
            raise errors.TierProgramInvalid(field="programId") from None
        result = services.tier_manual_adjust(
            org=request.org, customer=customer, program=program, action=str(body.get("slabAction") or "").upper(),
            to_tier_name=body.get("toSlabName") or "",
            validity=str(body.get("manualSlabActionValidity") or "").upper(),
            validity_upto=body.get("manualSlabActionValidityUpto"),
            reassess_on_next_activity=body.get("reassessTierOnNextActivity", False),
            reason=body.get("slabChangeReason") or "", till=getattr(request, "till", None),
            actor=f"till:{request.till.pk}" if getattr(request, "till", None) else "")
        return Response(s.manual_result_v2(result, org=request.org))


class TierHistoryV2(V2APIView):
    """GET /v2/customers/{id}/tierHistory — our addition: every tier change of the customer, newest first."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[s.HistoryQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_tier_history",
                   description="Our addition (not a Capillary endpoint): the customer's tier changes with their "
                               "source, in the row shape of the platform's group slab history.")
    def get(self, request, customer_id=None):
        customer = customers.customer_get(org=request.org, customer_id=customer_id)
        params = _valid(s.HistoryQueryV2, request.query_params)
        program = program_resolve(org=request.org, program_id=params["programId"]) if params.get("programId") else None
        changes = selectors.tier_history(org=request.org, customer=customer, program=program)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(changes, request, view=self)
        return Response({"customerId": customer.pk, "pagination": paginator.pagination_block(),
                         "data": [s.tier_change_v2(c, org=request.org) for c in page], "warnings": []})
