"""Routes of the organisation family, per API version (v1 reuses the v1.1 list)."""
from django.urls import path, re_path

from .v1_1 import views as v11
from .v2 import views as v2

JSON = r"(?:\.json)?$"

v11_urlpatterns = [
    re_path(r"^organization/get" + JSON, v11.OrganizationGetV11.as_view()),
    re_path(r"^organization/entities" + JSON, v11.OrganizationEntitiesV11.as_view()),
    re_path(r"^organization/configs" + JSON, v11.OrganizationConfigsV11.as_view()),
    re_path(r"^organization/customfields" + JSON, v11.OrganizationCustomFieldsV11.as_view()),
    re_path(r"^organization/tenders" + JSON, v11.OrganizationTendersV11.as_view()),
    re_path(r"^store/get" + JSON, v11.StoreGetV11.as_view()),
    re_path(r"^store/staff" + JSON, v11.StoreStaffV11.as_view()),
    re_path(r"^store/login" + JSON, v11.StoreLoginV11.as_view()),
    re_path(r"^store/configurations" + JSON, v11.StoreConfigurationsV11.as_view()),
]

v2_urlpatterns = [
    path("organization/till", v2.TillV2.as_view()),
    path("organization/till/<int:till_id>", v2.TillByIdV2.as_view()),
    path("organization/activeTill", v2.ActiveTillV2.as_view()),
    path("organization/configkeyvalue", v2.ConfigKeyValueV2.as_view()),
    path("organization/configs", v2.OrganizationConfigsV2.as_view()),
    path("organization/programs", v2.ProgramsV2.as_view()),
    path("orgEntity/store", v2.OrgEntityStoreV2.as_view()),
    path("orgEntity/store/bulk", v2.OrgEntityStoreBulkV2.as_view()),
    path("locations", v2.LocationsV2.as_view()),
]
