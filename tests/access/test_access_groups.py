"""Access groups: View lets a credential read, Modify lets it write; nothing else gets through."""
import pytest

from apps.access.choices import AccessLevel, AccessResource
from apps.core.errors import AccessDenied
from apps.organizations.models import Location
from tests.factories.access import AccessGroupFactory
from tests.factories.organizations import TILL_PASSWORD, TillFactory
from tests.helpers.api import till_client, v2_error_codes, v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_till(org):
    return TillFactory(org=org)


def test_till_without_access_group_gets_403_v2(bare_till):
    response = till_client(bare_till, TILL_PASSWORD).get(f"/v2/organization/till?code={bare_till.code}")
    assert response.status_code == 403
    assert v2_error_codes(response) == [AccessDenied.code]
    assert response.json()["errors"][0]["message"] == "Not authorized. Access is denied!"


def test_till_without_access_group_gets_403_v11(bare_till):
    response = till_client(bare_till, TILL_PASSWORD).get("/v1.1/organization/get?format=json")
    assert response.status_code == 403
    assert v11_status(response) == {"success": "false", "code": 4000, "message": "Not authorized. Access is denied!"}


def test_view_only_group_reads_but_cannot_write(org, bare_till):
    bare_till.access_groups.add(AccessGroupFactory(org=org, permissions={AccessResource.ORGANIZATION: AccessLevel.VIEW}))
    client = till_client(bare_till, TILL_PASSWORD)
    assert client.get("/v2/locations").status_code == 200
    before = db_snapshot()
    response = client.post("/v2/locations", {"locationCode": "x1", "locationLabel": "X"}, format="json")
    assert response.status_code == 403
    assert v2_error_codes(response) == [AccessDenied.code]
    assert_nothing_written(before)
    assert not Location.objects.filter(code="x1").exists()


def test_group_of_another_resource_does_not_help(org, bare_till):
    bare_till.access_groups.add(AccessGroupFactory(org=org, permissions={AccessResource.COUPON: AccessLevel.MODIFY}))
    assert till_client(bare_till, TILL_PASSWORD).get("/v2/locations").status_code == 403


def test_levels_merge_across_groups(org, bare_till):
    bare_till.access_groups.add(
        AccessGroupFactory(org=org, permissions={AccessResource.ORGANIZATION: AccessLevel.VIEW}),
        AccessGroupFactory(org=org, permissions={AccessResource.ORGANIZATION: AccessLevel.MODIFY}),
    )
    response = till_client(bare_till, TILL_PASSWORD).post(
        "/v2/locations", {"locationCode": "x2", "locationLabel": "X"}, format="json")
    assert response.status_code == 200


def test_unknown_resource_in_group_is_refused(org):
    from django.core.exceptions import ValidationError

    group = AccessGroupFactory.build(org=org, permissions={"Nope": "MODIFY"})
    with pytest.raises(ValidationError):
        group.full_clean()
