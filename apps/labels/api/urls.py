"""Routes of the customer-label domain, per API version (v1 reuses the v1.1 list)."""
from django.urls import path

from .v2 import views as v2

v11_urlpatterns: list = []

v2_urlpatterns = [
    path("organization/labels", v2.OrgLabelsV2.as_view()),
    path("organization/label", v2.OrgLabelAddV2.as_view()),
    path("customers/labels/search", v2.CustomerLabelSearchV2.as_view()),
    path("customers/<int:customer_id>/changeLabels", v2.CustomerChangeLabelsV2.as_view()),
    path("customers/<int:customer_id>/labels", v2.CustomerLabelsV2.as_view()),
]
