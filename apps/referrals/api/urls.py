"""Routes of the referral domain, per API version (v1 reuses the v1.1 list)."""
from django.urls import path, re_path

from .v1_1 import views as v11
from .v2 import views as v2

JSON = r"(?:\.json)?$"

v11_urlpatterns = [
    re_path(r"^customer/referrals" + JSON, v11.CustomerReferralsV11.as_view()),
]

v2_urlpatterns = [
    path("customers/lookup/referrals", v2.CustomerLookupReferralsV2.as_view()),
    path("customers/<int:customer_id>/referrals", v2.CustomerReferralsV2.as_view()),
    path("validate", v2.ReferralValidateV2.as_view()),
    path("referral/validate", v2.ReferralValidateLegacyV2.as_view()),
]
