from django.apps import AppConfig


class FieldsConfig(AppConfig):
    name = "apps.fields"
    label = "fields"
    verbose_name = "Extended and custom fields"

    def ready(self):
        from . import signals  # noqa: F401 - connects the extended-field cache invalidation
        from apps.organizations.choices import ConfigValueType
        from apps.organizations.configs import ConfigKey, register

        register(ConfigKey("PRODUCT_CONF_ORG_AUDITABLE_CUSTOM_FIELDS_LIMIT", ConfigValueType.NUMERIC, "5",
                           "Most custom fields an org may mark for audit trail.", "ORG"))
