"""GET v1.1/customer/recommendations: products to recommend to the customer named by mobile/email/external_id/id."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from apps.customers.api.v1_1.batch import item_status
from apps.customers.api.v1_1.common import IDENTIFIER_PARAMETERS, OBJECT, CustomerV11APIView, query_ref
from apps.customers.api.v1_1.shapes import ref
from apps.customers.selectors import customer_details_prefetch, customer_find
from apps.recommendations import selectors

from .. import shapes

FOUND = (1061, "Customer recommendations fetched successfully")
NOTHING = (1051, "No transactions or recommendations found for the customer")


class RecommendationsQueryV11(serializers.Serializer):
    user_id = serializers.BooleanField(required=False, default=False)
    limit = serializers.IntegerField(required=False, default=10)
    offset = serializers.IntegerField(required=False, default=0)


class CustomerRecommendationsV11(CustomerV11APIView):
    """One customer's recommendations (`user_id=true` adds the customer id), best first."""

    @extend_schema(parameters=[*IDENTIFIER_PARAMETERS, OpenApiParameter("user_id", bool),
                               OpenApiParameter("limit", int, description=f"1..{selectors.MAX_LIMIT}, default 10"),
                               OpenApiParameter("offset", int, description=f"0..{selectors.MAX_OFFSET}, default 0")],
                   responses=OBJECT, operation_id="v11_customer_recommendations", tags=["customer"])
    def get(self, request):
        query = RecommendationsQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        customer = customer_find(org=request.org, identifiers=query_ref(request.query_params))
        items = selectors.customer_recommendations(org=request.org, customer=customer, limit=params["limit"],
                                                   offset=params["offset"])
        customer_details_prefetch([customer])
        named = ref(customer)
        if not params["user_id"]:
            named.pop("user_id")
        code, message = FOUND if items else NOTHING
        body = {"customer": {
            "firstname": customer.first_name, "lastname": customer.last_name, **named,
            "count": str(len(items)),
            "recommendations": {"recommendation": [shapes.item(rec) for rec in items]},
            "item_status": item_status(success=bool(items), code=code, message=message),
        }}
        return Response(self.envelope.success(body, code=200, message="SUCCESS"))
