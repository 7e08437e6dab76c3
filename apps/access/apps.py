from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "apps.access"
    label = "access"
    verbose_name = "API access"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the credentials-cache invalidation
