"""Every v2 route."""
from django.urls import include, path

from apps.organizations.api.urls import v2_urlpatterns as organizations

routes = [*organizations]

urlpatterns = [path("v2/", include((routes, "v2"), namespace="v2"))]
