"""Top-level routes: the admin, the API versions, their OpenAPI schemas and docs."""
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.core.api.handlers import not_found_view
from apps.coupons.api.urls import root_urlpatterns as coupons_root
from apps.core.views import health

API_VERSIONS = {"v1.1": "loyalty.api.v1_1", "v1": "loyalty.api.v1", "v2": "loyalty.api.v2", "v3": "loyalty.api.v3"}

schema_urls = []
for version, module in API_VERSIONS.items():
    schema_urls += [
        path(f"api/schema/{version}/", SpectacularAPIView.as_view(urlconf=module, custom_settings={
            "TITLE": f"Loyalty back office API {version}"}), name=f"schema-{version}"),
        path(f"api/docs/{version}/", SpectacularSwaggerView.as_view(url_name=f"schema-{version}"),
             name=f"docs-{version}"),
        path(f"api/redoc/{version}/", SpectacularRedocView.as_view(url_name=f"schema-{version}"),
             name=f"redoc-{version}"),
    ]

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    path("api/docs/", RedirectView.as_view(url="/api/docs/v2/", permanent=False), name="docs"),
    *schema_urls,
    path("", include("loyalty.api.v1_1")),
    path("", include("loyalty.api.v1")),
    path("", include("loyalty.api.v2")),
    path("", include("loyalty.api.v3")),
    *coupons_root,
    path("till/", include("apps.till.urls")),
    # Unknown API paths answer 404 in their version's envelope, whatever DEBUG says.
    re_path(r"^(?:v1|v1\.1|v2|v3|api_gateway)/", not_found_view),
]

handler404 = "apps.core.api.handlers.not_found_view"
handler500 = "apps.core.api.handlers.server_error_view"
