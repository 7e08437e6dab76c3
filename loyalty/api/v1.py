"""The v1 aliases: the same handlers as v1.1."""
from django.urls import include, path

from .v1_1 import routes

urlpatterns = [path("v1/", include((routes, "v1"), namespace="v1"))]
