from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "apps.recommendations"
    label = "recommendations"
    verbose_name = "Product recommendations"

    def ready(self) -> None:
        from apps.organizations.choices import ConfigValueType as T
        from apps.organizations.configs import ConfigKey, register

        register(
            ConfigKey("CONF_RECOMMENDATION_WINDOW_DAYS", T.NUMERIC, "90",
                      "Days of purchase history product recommendations are computed from."),
        )
