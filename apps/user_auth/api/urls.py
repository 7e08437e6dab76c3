"""Routes of customer user authentication, per API version (v1 reuses the v1.1 list)."""
from django.urls import path

from .v2 import views as v2

v11_urlpatterns: list = []

v2_urlpatterns = [
    path("user_auth/register", v2.UserAuthRegisterV2.as_view()),
    path("user_auth/authorize_user", v2.UserAuthAuthorizeV2.as_view()),
    path("user_auth/update", v2.UserAuthUpdateV2.as_view()),
]
