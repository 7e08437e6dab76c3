"""Routes of the tiers domain, per API version (v1 reuses the v1.1 list)."""

v11_urlpatterns: list = []
v2_urlpatterns: list = []
