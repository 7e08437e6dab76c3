import pytest
from django.core.cache import cache

from apps.organizations.services import org_config_set
from tests.factories.cards import CardFactory, CardSeriesFactory
from tests.factories.customers import CustomerFactory


@pytest.fixture
def series(org):
    return CardSeriesFactory(org=org, code="GOLD", prefix="GD")


@pytest.fixture
def other_series(other_org):
    return CardSeriesFactory(org=other_org, code="GOLD", prefix="GD")


@pytest.fixture
def card(series):
    return CardFactory(series=series)


@pytest.fixture
def customer(org):
    return CustomerFactory(org=org)


@pytest.fixture
def set_config(org):
    def setter(key, value, target=None):
        org_config_set(org=target or org, key=key, value=value)
        cache.clear()
    return setter
