"""Every v1.1 route; v1 serves the same handlers under /v1/."""
from django.urls import include, path

from apps.organizations.api.urls import v11_urlpatterns as organizations
from apps.customers.api.urls import v11_urlpatterns as customers
from apps.customers.api.v1_1.urls import urlpatterns as customers_v11
from apps.points.api.urls import v11_urlpatterns as points
from apps.fields.api.urls import v11_urlpatterns as fields
from apps.labels.api.urls import v11_urlpatterns as labels
from apps.referrals.api.urls import v11_urlpatterns as referrals
from apps.user_auth.api.urls import v11_urlpatterns as user_auth
from apps.transactions.api.urls import v11_urlpatterns as transactions
from apps.rules.api.urls import v11_urlpatterns as rules
from apps.tiers.api.urls import v11_urlpatterns as tiers
from apps.coupons.api.urls import v11_urlpatterns as coupons
from apps.cards.api.urls import v11_urlpatterns as cards
from apps.recommendations.api.urls import v11_urlpatterns as recommendations

# The busiest routes (bills) first, as in v2.
routes = [*transactions, *organizations, *tiers, *coupons, *cards, *customers, *customers_v11, *fields, *labels,
          *referrals, *user_auth, *rules, *recommendations, *points]

urlpatterns = [path("v1.1/", include((routes, "v1.1"), namespace="v1.1"))]
