from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "apps.labels"
    label = "labels"
    verbose_name = "Customer labels"

    def ready(self) -> None:
        from apps.organizations.choices import ConfigValueType as T
        from apps.organizations.configs import ConfigKey, register

        register(
            ConfigKey("ORG_MAX_LABEL_COUNT", T.NUMERIC, "100",
                      "Customer labels the org may define (0: adding labels is refused until it is set)."),
        )
