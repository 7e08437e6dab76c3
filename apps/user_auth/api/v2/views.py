"""v2 user_auth endpoints: register a customer's password, authorize a login, update the password."""
from __future__ import annotations

from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView
from apps.customers.api.v2.serializers import CustomerOutputV2, customer_v2
from apps.customers.selectors import customer_details_prefetch
from apps.user_auth import services

from . import serializers as s

TAGS = ["user authentication"]
_sensitive = method_decorator(sensitive_post_parameters("password"), name="dispatch")


@_sensitive
class UserAuthRegisterV2(V2APIView):
    """POST /v2/user_auth/register: an existing customer gets a password login; answers with the customer."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(request=s.UserAuthInputV2, responses=CustomerOutputV2, tags=TAGS)
    def post(self, request):
        data = s.UserAuthInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        customer = services.user_auth_register(org=request.org, till=getattr(request, "till", None),
                                               **data.to_service_kwargs())
        customer_details_prefetch([customer])
        return Response(customer_v2(customer, org=request.org))


@_sensitive
class UserAuthAuthorizeV2(V2APIView):
    """POST /v2/user_auth/authorize_user: is this the customer's password (throttled per customer)."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(request=s.UserAuthInputV2, responses=s.UserAuthEntityOutputV2, tags=TAGS)
    def post(self, request):
        data = s.UserAuthInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_auth_authorize(org=request.org, till=getattr(request, "till", None),
                                     **data.to_service_kwargs())
        return Response({"entity": True, "warnings": []})


@_sensitive
class UserAuthUpdateV2(V2APIView):
    """POST or PUT /v2/user_auth/update: set a new password for a registered customer."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(request=s.UserAuthInputV2, responses=s.UserAuthEntityOutputV2, tags=TAGS,
                   operation_id="v2_user_auth_update_post")
    def post(self, request):
        data = s.UserAuthInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_auth_password_update(org=request.org, till=getattr(request, "till", None),
                                           **data.to_service_kwargs())
        return Response({"entity": True, "warnings": []})

    @extend_schema(request=s.UserAuthInputV2, responses=s.UserAuthEntityOutputV2, tags=TAGS,
                   operation_id="v2_user_auth_update_put")
    def put(self, request):
        return self.post(request)
