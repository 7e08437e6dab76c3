from django.apps import AppConfig


class UserAuthConfig(AppConfig):
    name = "apps.user_auth"
    label = "user_auth"
    verbose_name = "Customer authentication"
