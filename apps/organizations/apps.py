from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "apps.organizations"
    label = "organizations"
    verbose_name = "Organisations and stores"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the master-data cache invalidation
