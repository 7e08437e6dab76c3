"""Every v3 and api_gateway route."""
from django.urls import include, path

from apps.access.api.urls import v3_urlpatterns as access

routes = [*access]
gateway_routes: list = []

urlpatterns = [
    path("v3/", include((routes, "v3"), namespace="v3")),
    path("api_gateway/", include((gateway_routes, "api_gateway"), namespace="api_gateway")),
]
