"""Shared fixtures: two organisations, tills with full access, API clients for each auth method."""
from __future__ import annotations

import pytest
from django.core.cache import cache

from apps.core.orgcache import org_data_local_clear
from apps.access.services import access_group_full, api_client_create
from tests.factories.organizations import TILL_PASSWORD, OrganizationFactory, TillFactory
from tests.helpers.api import till_client


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    org_data_local_clear()
    yield
    cache.clear()
    org_data_local_clear()


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme Retail")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Rival Retail")


def _till_with_full_access(org):
    till = TillFactory(org=org)
    till.access_groups.add(access_group_full(org=org))
    return till


@pytest.fixture
def till(org):
    return _till_with_full_access(org)


@pytest.fixture
def other_till(other_org):
    return _till_with_full_access(other_org)


@pytest.fixture
def api_client(till):
    """Org A's till over HTTP Basic with md5(password), as the platform's clients send it."""
    return till_client(till, TILL_PASSWORD)


@pytest.fixture
def other_api_client(other_till):
    return till_client(other_till, TILL_PASSWORD)


@pytest.fixture
def oauth_client_credentials(org, till):
    client, secret = api_client_create(org=org, name="pos-client", till=till, key="acme-key", secret="acme-secret")
    client.access_groups.add(access_group_full(org=org))
    return client, secret
