"""What every v1.1 customer view shares: the base view (v1.1 error codes), finding the customer a request names."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from apps.access.choices import AccessResource
from apps.core.api.views import V11APIView
from apps.core.errors import DomainError
from apps.customers import errors
from apps.customers.errors import as_v11

from .batch import comma_values
from .serializers import LOOKUP_KEYS

OBJECT = {200: OpenApiTypes.OBJECT}
# Identifiers a GET may name customers by; `user_id` is a flag there (user_id=true), not an identifier.
QUERY_KEYS = tuple(key for key in LOOKUP_KEYS if key != "user_id")
IDENTIFIER_PARAMETERS = [OpenApiParameter(key, str, description="Customer identifier") for key in QUERY_KEYS]
LIST_IDENTIFIER_PARAMETERS = [OpenApiParameter(key, str, description="Comma-separated customer identifiers")
                              for key in QUERY_KEYS]


class CustomerV11APIView(V11APIView):
    """v1.1 customer views: customer errors answer with their v1.1 codes (816, 1001, 1014 ...)."""

    access_resource = AccessResource.CUSTOMER

    def handle_exception(self, exc):
        if isinstance(exc, DomainError):
            exc = as_v11(exc)
        return super().handle_exception(exc)


def query_ref(params) -> dict:
    """The identifiers a single-customer GET names its customer by (see selectors.customer_find)."""
    return {key: params[key] for key in QUERY_KEYS if params.get(key)}


def query_values(params) -> tuple[str, list[str]]:
    """(identifier name, values) of a GET naming several customers, e.g. `mobile=9198...,9198...`."""
    for key in QUERY_KEYS:
        values = comma_values(params.get(key))
        if values:
            return key, values
    raise errors.LookupIdentifierMissing()
