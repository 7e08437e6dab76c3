"""Fixtures of the customer tests: the org's customer extended fields and registration configuration."""
import pytest

from apps.fields.services import extended_field_create
from apps.organizations.services import org_config_set


@pytest.fixture
def customer_fields(org):
    """The standard customer extended fields the documented request bodies use, enabled for org A."""
    for name in ("gender", "city", "dob", "zip", "area", "state"):
        extended_field_create(org=org, entity="CUSTOMER", name=name)
    return org


@pytest.fixture
def mobile_optional(org):
    """Registration without a mobile number (the org's CONF_USERS_IS_MOBILE_REQUIRED switched off)."""
    org_config_set(org=org, key="CONF_USERS_IS_MOBILE_REQUIRED", value="0")
    return org
