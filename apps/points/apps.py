from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "apps.points"
    label = "points"
    verbose_name = "Points and programmes"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the programme-cache invalidation
