from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "apps.cards"
    label = "cards"
    verbose_name = "Cards"

    def ready(self) -> None:
        from apps.customers.hooks import identifier_listener_register
        from apps.organizations.choices import ConfigValueType as T
        from apps.organizations.configs import ConfigKey, register, validator_add

        from .listeners import CardIdentifierListener

        # CONF_MAX_CARDS_PER_ORG (active cards per customer) is registered by the organisation registry.
        register(
            ConfigKey("CONF_CARDS_ISSUE_UNKNOWN", T.BOOLEAN, "0",
                      "Linking a card number the org does not know creates it in the default card series "
                      "(otherwise refused with 3010 once the org has card series)."),
        )
        identifier_listener_register(CardIdentifierListener())
        from .selectors import ORG_LIMIT_KEY
        from .services import active_limit_validate

        validator_add(ORG_LIMIT_KEY, active_limit_validate)
