"""Routes of the customer domain, per API version (v1 reuses the v1.1 list)."""
from django.urls import path

from .v2 import views as v2

v11_urlpatterns: list = []

v2_urlpatterns = [
    path("customers", v2.CustomersV2.as_view()),
    path("customers/lookup", v2.CustomerLookupV2.as_view()),
    path("customers/lookup/customerDetails", v2.CustomerLookupDetailsV2.as_view()),
    path("customers/lookup/subscriptions", v2.LookupSubscriptionsV2.as_view()),
    path("customers/lookup/status", v2.LookupStatusV2.as_view()),
    path("customers/lookup/setImage", v2.LookupSetImageV2.as_view()),
    path("customers/search", v2.CustomerSearchV2.as_view()),
    path("customers/<int:customer_id>", v2.CustomerV2.as_view()),
    path("customers/<int:customer_id>/changeIdentifier", v2.ChangeIdentifierV2.as_view()),
    path("customers/<int:customer_id>/subscriptions", v2.SubscriptionsV2.as_view()),
    path("customers/<int:customer_id>/setImage", v2.SetImageV2.as_view()),
    path("customers/<int:customer_id>/deleteImage", v2.DeleteImageV2.as_view()),
    path("customers/<int:customer_id>/images/<int:image_id>", v2.ImageFileV2.as_view(), name="customer-image-file"),
    path("customers/<int:customer_id>/statusLog", v2.StatusLogV2.as_view()),
    path("customers/<int:customer_id>/subscriptionStatusChangeLog", v2.SubscriptionLogV2.as_view()),
    path("<int:customer_id>/changeIdentifier", v2.ChangeIdentifierRootV2.as_view()),
    path("integrations/customer/upsert/bulk", v2.CustomerBulkUpsertV2.as_view()),
]
