"""Every v1.1 route; v1 serves the same handlers under /v1/."""
from django.urls import include, path

from apps.organizations.api.urls import v11_urlpatterns as organizations
from apps.customers.api.urls import v11_urlpatterns as customers
from apps.fields.api.urls import v11_urlpatterns as fields
from apps.labels.api.urls import v11_urlpatterns as labels
from apps.referrals.api.urls import v11_urlpatterns as referrals
from apps.user_auth.api.urls import v11_urlpatterns as user_auth

routes = [*organizations, *customers, *fields, *labels, *referrals, *user_auth]

urlpatterns = [path("v1.1/", include((routes, "v1.1"), namespace="v1.1"))]
