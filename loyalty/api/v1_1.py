"""Every v1.1 route; v1 serves the same handlers under /v1/."""
from django.urls import include, path

from apps.organizations.api.urls import v11_urlpatterns as organizations

routes = [*organizations]

urlpatterns = [path("v1.1/", include((routes, "v1.1"), namespace="v1.1"))]
