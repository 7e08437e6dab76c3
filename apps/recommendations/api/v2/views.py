"""GET /v2/customers/lookup/recommendations: products to recommend to the customer an identifier names."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView
from apps.customers import errors as customer_errors
from apps.customers.selectors import customer_lookup_by_names
from apps.recommendations import selectors

from .. import shapes
from . import serializers as s

LOOKUP_PARAMS = [OpenApiParameter("source", str, required=True), OpenApiParameter("accountId", str),
                 OpenApiParameter("identifierName", str, required=True),
                 OpenApiParameter("identifierValue", str, required=True),
                 OpenApiParameter("limit", int, description=f"1..{selectors.MAX_LIMIT}, default 10"),
                 OpenApiParameter("offset", int, description=f"0..{selectors.MAX_OFFSET}, default 0")]


class CustomerRecommendationsV2(V2APIView):
    """Items other customers bought together with this customer's items, then the org's top sellers."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=LOOKUP_PARAMS, responses=s.RecommendationsOutputV2, tags=["customers"],
                   operation_id="v2_customers_lookup_recommendations")
    def get(self, request):
        query = s.RecommendationsQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if not params.get("source"):
            raise customer_errors.LookupSourceMissing(field="source")
        customer = customer_lookup_by_names(org=request.org, identifier_names=params.get("identifierName", ""),
                                            identifier_values=params.get("identifierValue", ""),
                                            source=params["source"], account_id=params.get("accountId"))
        items = selectors.customer_recommendations(org=request.org, customer=customer, limit=params["limit"],
                                                   offset=params["offset"])
        return Response({
            "customer": {"id": customer.pk, "source": params["source"].upper(),
                         "accountId": params.get("accountId") or "", "type": customer.loyalty_type},
            "count": len(items),
            "recommendations": [shapes.item(rec) for rec in items],
            "warnings": [],
        })
