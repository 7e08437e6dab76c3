"""Routes of the fields domain, per API version (v1 reuses the v1.1 list)."""
from django.urls import path

from .v2 import views as v2

v11_urlpatterns: list = []

v2_urlpatterns = [
    path("extendedFields", v2.ExtendedFieldsV2.as_view()),
    path("org/extendedFields", v2.OrgExtendedFieldsV2.as_view()),
    path("org/extendedFieldsMeta", v2.OrgExtendedFieldsMetaV2.as_view()),
    path("entity/extendedFields", v2.EntityExtendedFieldsV2.as_view()),
    path("org/customFields", v2.OrgCustomFieldsV2.as_view()),
    path("customFields", v2.CustomFieldsV2.as_view()),
    path("organization/customFields", v2.OrganizationCustomFieldsV2.as_view()),
]
