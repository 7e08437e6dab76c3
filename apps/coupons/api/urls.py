"""Routes of the coupons domain, per API version (v1 reuses the v1.1 list)."""

v11_urlpatterns: list = []
v2_urlpatterns: list = []
# Served under /v1/ only (not /v1.1/).
v1_only_urlpatterns: list = []
# Served at the site root (e.g. coupon/api/v1/upload/file/{couponSeriesId}).
root_urlpatterns: list = []
