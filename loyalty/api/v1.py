"""The v1 aliases: the same handlers as v1.1, plus the few paths only v1 has."""
from django.urls import include, path

from apps.coupons.api.urls import v1_only_urlpatterns as coupons_v1_only

from .v1_1 import routes

urlpatterns = [path("v1/", include(([*coupons_v1_only, *routes], "v1"), namespace="v1"))]
