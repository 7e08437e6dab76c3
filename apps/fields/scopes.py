"""Custom-field scope names: the org's own (v1.1, lower case) and the v2 API's upper-case names."""
from __future__ import annotations

from apps.organizations.choices import CustomFieldScope

from . import errors
from .choices import CustomFieldApiScope as A

API_TO_INTERNAL: dict[str, str] = {
    A.LOYALTY_REGISTRATION: CustomFieldScope.LOYALTY_REGISTRATION,
    A.LOYALTY_TRANSACTION: CustomFieldScope.LOYALTY_TRANSACTION,
    A.CUSTOMER_FEEDBACK: CustomFieldScope.CUSTOMER_FEEDBACK,
    A.CUSTOMER_PREFERENCES: CustomFieldScope.CUSTOMER_PREFERENCES,
    A.STORE_CUSTOM_FIELDS: CustomFieldScope.STORE,
    A.ZONE_CUSTOM_FIELDS: CustomFieldScope.ZONE,
    A.TILL_CUSTOM_FIELDS: CustomFieldScope.TILL,
}
INTERNAL_TO_API: dict[str, str] = {internal: api for api, internal in API_TO_INTERNAL.items()}


def scope_internal(scope: str) -> str:
    """The org scope for a v2 ("STORE_CUSTOM_FIELDS", any case) or org ("store") scope name; 1018 otherwise."""
    text = (scope or "").strip()
    if text in CustomFieldScope.values:
        return text
    internal = API_TO_INTERNAL.get(text.upper())
    if internal is None:
        raise errors.CustomFieldScopeInvalid(field="scope")
    return internal


def scope_api(internal: str) -> str:
    """The v2 name of an org scope."""
    return INTERNAL_TO_API[internal]
