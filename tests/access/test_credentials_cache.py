"""Tills are read once per process and re-read after any change that matters to authentication: a new password,
a deactivated till or org, a narrowed access group, a group taken away — each takes effect on the next request."""
from __future__ import annotations

import pytest

from apps.access.models import AccessGroup
from apps.organizations.services import till_set_password
from tests.factories.organizations import TILL_PASSWORD
from tests.helpers.api import till_client

pytestmark = pytest.mark.django_db

PATH = "/v1.1/organization/get?format=json"


def test_a_known_till_is_not_read_again(till):
    client = till_client(till, TILL_PASSWORD)
    assert client.get(PATH).status_code == 200
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(PATH).status_code == 200
    assert not [q for q in queries.captured_queries if "organizations_till" in q["sql"]]


def test_a_new_password_takes_effect_at_once(org, till):
    assert till_client(till, TILL_PASSWORD).get(PATH).status_code == 200
    till_set_password(org=org, till=till, password="N3w-pass!")
    assert till_client(till, TILL_PASSWORD).get(PATH).status_code == 401
    assert till_client(till, "N3w-pass!").get(PATH).status_code == 200


def test_a_deactivated_till_or_org_is_refused_at_once(org, till):
    client = till_client(till, TILL_PASSWORD)
    assert client.get(PATH).status_code == 200
    till.is_active = False
    till.save()
    assert client.get(PATH).status_code == 401
    till.is_active = True
    till.save()
    assert client.get(PATH).status_code == 200
    org.is_active = False
    org.save()
    assert client.get(PATH).status_code == 401


def test_narrowing_or_removing_access_takes_effect_at_once(org, till):
    client = till_client(till, TILL_PASSWORD)
    assert client.get(PATH).status_code == 200
    group = AccessGroup.objects.get(org=org, name="Full access")
    group.permissions = {**group.permissions, "Organization": "NONE"}
    group.save()
    assert client.get(PATH).status_code == 403
    group.permissions = {**group.permissions, "Organization": "MODIFY"}
    group.save()
    assert client.get(PATH).status_code == 200
    till.access_groups.remove(group)
    assert client.get(PATH).status_code == 403
