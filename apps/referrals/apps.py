from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "apps.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from apps.organizations.choices import ConfigValueType as T
        from apps.organizations.configs import ConfigKey, register

        register(
            ConfigKey("REFERRAL_MAX_INVITES_PER_DAY", T.NUMERIC, "50",
                      "Invitations one customer may send in 24 hours (0: no invitations)."),
            ConfigKey("REFERRAL_ALLOW_EXISTING_CUSTOMERS", T.BOOLEAN, "0",
                      "Customers of the org may be invited as referees."),
        )
