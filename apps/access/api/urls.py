from django.urls import path

from .views import OAuthTokenGenerateV3

v3_urlpatterns = [
    path("oauth/token/generate", OAuthTokenGenerateV3.as_view()),
]
