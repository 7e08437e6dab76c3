"""Routes of the coupons domain, per API version (v1 reuses the v1.1 list).

The v2 customer routes come before the customers app's in loyalty/api/v2.py; `customers/coupons` precedes
`customers/<id>/coupons` so "coupons" is never read as an id.
"""
from django.urls import path, re_path

from . import uploads as up
from .v1_1 import views as v11
from .v2 import views as v2

JSON = r"(?:\.json)?$"

v11_urlpatterns = [
    re_path(r"^coupon/issue" + JSON, v11.IssueV11.as_view()),
    re_path(r"^coupon/resend" + JSON, v11.ResendV11.as_view()),
    re_path(r"^coupon/redeem" + JSON, v11.RedeemV11.as_view()),
    re_path(r"^coupon/get" + JSON, v11.CouponGetV11.as_view()),
    re_path(r"^coupon/isredeemable" + JSON, v11.IsRedeemableV11.as_view()),
    re_path(r"^coupon/series" + JSON, v11.SeriesV11.as_view()),
    re_path(r"^customer/coupons" + JSON, v11.CustomerCouponsV11.as_view()),
    re_path(r"^customer/redemptions" + JSON, v11.CustomerRedemptionsV11.as_view()),
]

v2_urlpatterns = [
    path("coupon/series", v2.SeriesV2.as_view()),
    path("coupon/series/<str:series_id>", v2.SeriesDetailV2.as_view()),
    path("coupon/issue", v2.IssueV2.as_view()),
    path("coupon/issue/multiple", v2.IssueMultipleV2.as_view()),
    path("coupon/bulk/issue", v2.BulkIssueV2.as_view()),
    path("coupon/redeem", v2.RedeemV2.as_view()),
    path("coupon/bulk/redeem", v2.BulkRedeemV2.as_view()),
    path("coupon/is_redeemable", v2.IsRedeemableV2.as_view()),
    path("coupon/reactivate", v2.ReactivateV2.as_view()),
    path("coupon/revoke", v2.RevokeV2.as_view()),
    path("coupon/transfer", v2.TransferV2.as_view()),
    path("coupon/bulk/expiry", v2.ExpiryV2.as_view()),
    path("coupon", v2.CouponsV2.as_view()),
    path("upload/getUploadRedeemedCouponStatus/<str:series_id>", v2.RedeemedUploadStatusV2.as_view()),
    path("customers/coupons", v2.CustomerCouponsBasicV2.as_view()),
    path("customers/<str:customer_id>/coupons", v2.CustomerCouponsV2.as_view()),
]

# Served under /v1/ only (not /v1.1/).
v1_only_urlpatterns = [
    path("upload/getUploadStatus/", up.UploadStatusV1.as_view()),
    path("upload/getUploadRedeemedCouponStatus", up.RedeemedUploadV1.as_view()),
]

# Served at the site root (the platform's coupon-upload host).
root_urlpatterns = [
    path("coupon/api/v1/upload/file/<str:series_id>", up.UploadCodesV1.as_view()),
    path("coupon/api/v1/upload/getUploadStatus/<str:series_id>", up.UploadStatusRootV1.as_view()),
    path("coupon/api/v1/upload/redeemFile/<str:series_id>", up.RedeemedUploadRootV1.as_view()),
    path("coupon/api/v1/upload/getUploadRedeemedCouponStatus/<str:series_id>", up.RedeemedStatusRootV1.as_view()),
]
