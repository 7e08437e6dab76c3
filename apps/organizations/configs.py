"""Registry of the configuration keys an org (or a store) can set, with types and defaults.

Domain apps register their own keys from AppConfig.ready(); unknown keys are refused on write.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .choices import ConfigValueType


@dataclass(frozen=True)
class ConfigKey:
    key: str
    value_type: str
    default: str
    description: str
    module: str = "LOYALTY"
    store_scoped: bool = False  # may a store override it?
    choices: tuple[str, ...] = ()
    # Extra rule of the owning domain, called with the normalised value; raises a DomainError with its own code.
    validate: Callable[[str], None] | None = None


CONFIG_KEYS: dict[str, ConfigKey] = {}


def register(*keys: ConfigKey) -> None:
    for key in keys:
        CONFIG_KEYS[key.key] = key


def validator_add(key: str, validate: Callable[[str], None]) -> None:
    """Attach a domain's own check to a key registered elsewhere (e.g. cards on CONF_MAX_CARDS_PER_ORG)."""
    CONFIG_KEYS[key] = replace(CONFIG_KEYS[key], validate=validate)


def coerce(key: ConfigKey, raw) -> str:
    """Validate and normalise a value for a key; raises ValueError with a message for the client."""
    text = str(raw).strip() if raw is not None else ""
    if key.value_type == ConfigValueType.BOOLEAN:
        lowered = text.lower()
        if lowered in ("1", "true", "yes"):
            return "1"
        if lowered in ("0", "false", "no"):
            return "0"
        raise ValueError(f"Invalid value {text!r} for organization config '{key.key}': expected 0/1 or true/false")
    if key.value_type == ConfigValueType.NUMERIC:
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"Invalid value {text!r} for organization config '{key.key}': expected an integer") from None
        return str(number)
    if key.choices and text not in key.choices:
        raise ValueError(f"Invalid value {text!r} for organization config '{key.key}': one of {', '.join(key.choices)}")
    return text


N, B, S = ConfigValueType.NUMERIC, ConfigValueType.BOOLEAN, ConfigValueType.STRING
register(
    ConfigKey("API_RATE_LIMIT_PER_MINUTE", N, "0", "Requests a minute per API credential (0: platform default).", "API"),
    ConfigKey("BASIC_AUTH_ENABLED", B, "1", "Accept HTTP Basic till credentials on the API.", "API"),
    ConfigKey("CONF_USERS_IS_EMAIL_REQUIRED", B, "0", "Email is mandatory at registration."),
    ConfigKey("CONF_USERS_IS_EMAIL_UNIQUE", B, "1", "An email identifies one customer only."),
    ConfigKey("CONF_USERS_IS_MOBILE_REQUIRED", B, "1", "Mobile is mandatory at registration."),
    ConfigKey("CONF_LOYALTY_IS_BILL_NUMBER_REQUIRED", B, "1", "Bills must carry a bill number."),
    ConfigKey("CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE", B, "1", "A bill number may be used once per store and day.",
              store_scoped=True),
    ConfigKey("CONF_MAX_CARDS_PER_ORG", N, "1", "Active cards a customer may hold."),
    ConfigKey("IS_DIRECT_REPLAY_ENABLED", B, "0", "Replay rejected transactions without review."),
    ConfigKey("STORE_ASSOCIATE_LOGIN_ENABLED", B, "0", "Staff log in at the till with a personal PIN.", "STORE",
              store_scoped=True),
    ConfigKey("STORE_SERVER_PREFIX", S, "", "Prefix of the store server's bill numbers.", "STORE", store_scoped=True),
    ConfigKey("MIN_SMS_HOUR", N, "0", "Earliest hour SMS may be sent.", "COMMUNICATION"),
    ConfigKey("MAX_SMS_HOUR", N, "24", "Latest hour SMS may be sent.", "COMMUNICATION"),
)
