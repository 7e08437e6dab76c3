"""Routes of the tiers domain, per API version (v1 reuses the v1.1 list).

These v2 routes are placed before the customers app's; the lookup route precedes the `{customer_id}` one.
"""
from django.urls import path

from .v2 import views as v2

v11_urlpatterns: list = []
v2_urlpatterns = [
    path("customers/lookup/tierDetails", v2.TierDetailsLookupV2.as_view()),
    path("customers/<str:customer_id>/tierDetails", v2.TierDetailsV2.as_view()),
    path("customers/<str:customer_id>/tierHistory", v2.TierHistoryV2.as_view()),
    path("slab/manualSlabAdjustment", v2.ManualSlabAdjustmentV2.as_view()),
]
