"""Every v2 route."""
from django.urls import include, path

from apps.organizations.api.urls import v2_urlpatterns as organizations
from apps.customers.api.urls import v2_urlpatterns as customers
from apps.points.api.urls import v2_urlpatterns as points
from apps.fields.api.urls import v2_urlpatterns as fields
from apps.labels.api.urls import v2_urlpatterns as labels
from apps.referrals.api.urls import v2_urlpatterns as referrals
from apps.user_auth.api.urls import v2_urlpatterns as user_auth
from apps.transactions.api.urls import v2_urlpatterns as transactions
from apps.rules.api.urls import v2_urlpatterns as rules
from apps.tiers.api.urls import v2_urlpatterns as tiers
from apps.coupons.api.urls import v2_urlpatterns as coupons
from apps.cards.api.urls import v2_urlpatterns as cards
from apps.recommendations.api.urls import v2_urlpatterns as recommendations

# Django tries the routes in order: the busiest (bills) first. No other app's route matches a transactions URL, and the
# transactions routes are literal paths, so the order changes no URL's view (tests/test_urls.py).
routes = [*transactions, *organizations, *tiers, *coupons, *cards, *points, *recommendations, *customers, *fields, *labels,
          *referrals, *user_auth, *rules]

urlpatterns = [path("v2/", include((routes, "v2"), namespace="v2"))]
