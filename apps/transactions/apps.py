from django.apps import AppConfig


class TransactionsConfig(AppConfig):
    name = "apps.transactions"
    label = "transactions"
    verbose_name = "Transactions"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from apps.organizations.choices import ConfigValueType as T
        from apps.organizations.configs import ConfigKey, register

        # CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE (store-scoped) is registered by organizations.
        register(
            ConfigKey("CONF_TRANSACTION_AUTO_REGISTER", T.BOOLEAN, "1",
                      "An unknown customer identifier on a regular bill registers the customer (else 8015)."),
            ConfigKey("CONF_TRANSACTION_REQUIRE_KNOWN_SKU", T.BOOLEAN, "0",
                      "Bills naming an item code missing from the product master are rejected.", store_scoped=True),
            ConfigKey("CONF_TRANSACTION_REQUIRE_KNOWN_TENDER", T.BOOLEAN, "1",
                      "Bills paid with a payment mode the org does not accept are rejected."),
            ConfigKey("CONF_CURRENCY_CONVERSION_ENABLE", T.BOOLEAN, "0",
                      "Bills may be added in a local currency and converted to the base currency."),
            ConfigKey("CONF_CURRENCY_CONVERSION_RATIOS", T.STRING, "",
                      "Base-currency units per unit of each local currency, e.g. 'USD:83.25,AED:22.6'."),
            ConfigKey("CONF_POINTS_RETURN_ENABLED", T.BOOLEAN, "1",
                      "Returns take back the points the returned goods earned."),
            ConfigKey("CONF_ALLOW_NOT_EXISTING_BILL_RETURN", T.BOOLEAN, "0",
                      "A return citing an unknown bill is kept with warning 625 instead of refused."),
            ConfigKey("CONF_ENABLE_SIMULATION_API_MODE", T.BOOLEAN, "1",
                      "POST v2/simulation/transactions is available."),
            ConfigKey("CONF_TRANSACTION_FUTURE_TOLERANCE_MINUTES", T.NUMERIC, "1440",
                      "How far in the future a billing time may be (643 beyond)."),
        )
