from django.apps import AppConfig


class UserAuthConfig(AppConfig):
    name = "apps.user_auth"
    label = "user_auth"
    verbose_name = "Customer user authentication"

    def ready(self) -> None:
        from apps.organizations.choices import ConfigValueType as T
        from apps.organizations.configs import ConfigKey, register

        # The platform's auth-engine names. CONF_ENABLE_ACCOUNT_LOCKING defaults to on here (the platform ships it
        # off): without it, failed passwords are still throttled, but only for the rest of the attempt interval.
        register(
            ConfigKey("CONF_MAX_PASSWORD_RETRY_COUNT", T.NUMERIC, "5",
                      "Wrong customer passwords allowed within CONF_INCORRECT_ATTEMPT_INTERVAL before refusing."),
            ConfigKey("CONF_INCORRECT_ATTEMPT_INTERVAL", T.NUMERIC, "30",
                      "Minutes after the first wrong password in which failures are counted together."),
            ConfigKey("CONF_ENABLE_ACCOUNT_LOCKING", T.BOOLEAN, "1",
                      "Lock a customer's login for CONF_LOCK_PERIOD_IN_MINUTES after too many wrong passwords."),
            ConfigKey("CONF_LOCK_PERIOD_IN_MINUTES", T.NUMERIC, "30",
                      "Minutes a customer's login stays locked (at most 43200)."),
        )
