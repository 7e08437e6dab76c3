from django.apps import AppConfig


class TiersConfig(AppConfig):
    name = "apps.tiers"
    label = "tiers"
    verbose_name = "Tiers"

    def ready(self):
        from apps.organizations.choices import ConfigValueType
        from apps.organizations.configs import ConfigKey, register
        from apps.rules import hooks

        from . import selectors, services, signals  # noqa: F401 - signals: ladder-cache invalidation

        register(ConfigKey(services.CHECK_DAILY_KEY, ConfigValueType.BOOLEAN, "0",
                           "Check tier validity, renewal and downgrade every night (off: on the last day of each "
                           "month)."))
        hooks.register_earn_listener(services.tier_on_earn)
        hooks.register_tier_projector(services.tier_project)
        hooks.register_tier_provider(selectors.customer_tier_for_rules)
        hooks.register_return_listener(services.tier_return_recorded)
        from apps.points.hooks import register_adjust_listener

        register_adjust_listener(services.tier_on_adjust)
