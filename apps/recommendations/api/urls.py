"""Routes of the recommendation endpoints, per API version (v1 reuses the v1.1 list)."""
from django.urls import path, re_path

from .v1_1 import views as v11
from .v2 import views as v2

v11_urlpatterns = [
    re_path(r"^customer/recommendations(?:\.json)?$", v11.CustomerRecommendationsV11.as_view()),
]

v2_urlpatterns = [
    path("customers/lookup/recommendations", v2.CustomerRecommendationsV2.as_view()),
]
