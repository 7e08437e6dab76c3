from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "apps.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from apps.organizations.choices import ConfigValueType as T
        from apps.organizations.configs import ConfigKey, register

        # CONF_USERS_IS_EMAIL_REQUIRED and CONF_USERS_IS_MOBILE_REQUIRED are registered by organizations.
        register(
            ConfigKey("CONF_USERS_IS_EXTERNAL_ID_REQUIRED", T.BOOLEAN, "0", "External id is mandatory at registration."),
            ConfigKey("CONF_ALLOW_MOBILE_UPDATE", T.BOOLEAN, "1", "A customer's mobile number may be changed."),
            ConfigKey("CONF_ALLOW_EMAIL_UPDATE", T.BOOLEAN, "1", "A customer's email may be changed."),
            ConfigKey("CONF_LOYALTY_ALLOW_EXTERNAL_ID_UPDATE", T.BOOLEAN, "1",
                      "A customer's external id may be changed."),
            ConfigKey("CONF_CUSTOMER_IMAGE_MAX_BYTES", T.NUMERIC, "5242880", "Largest customer image accepted, in bytes."),
            ConfigKey("CONF_CUSTOMER_IMAGE_MAX_COUNT", T.NUMERIC, "5", "Images a customer may have."),
        )
