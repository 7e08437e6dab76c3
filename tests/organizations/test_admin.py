"""The admin keeps each org's staff inside their org, with bounded queries on changelists."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.organizations import StoreFactory, TillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin_client(client, org):
    user = staff_user_create(org=org, username="boss", password="Boss-pass-123", role=StaffRole.ORG_ADMIN)
    client.force_login(user)
    return client


def test_org_admin_sees_only_own_stores(org_admin_client, org, other_org):
    StoreFactory(org=org, name="Mine")
    StoreFactory(org=other_org, name="Theirs")
    page = org_admin_client.get("/admin/organizations/store/").content.decode()
    assert "Mine" in page and "Theirs" not in page


def test_org_admin_cannot_open_foreign_store(org_admin_client, other_org):
    foreign = StoreFactory(org=other_org)
    response = org_admin_client.get(f"/admin/organizations/store/{foreign.pk}/change/")
    assert response.status_code == 302  # Django redirects a missing object to the index with a message


def test_org_admin_store_form_offers_only_own_zones(org_admin_client, org, other_org):
    from tests.factories.organizations import ZoneFactory

    ZoneFactory(org=org, name="Own zone")
    ZoneFactory(org=other_org, name="Foreign zone")
    page = org_admin_client.get("/admin/organizations/store/add/").content.decode()
    assert "Own zone" in page and "Foreign zone" not in page


def test_creating_a_till_in_admin_hashes_the_password(org_admin_client, org):
    store = StoreFactory(org=org)
    response = org_admin_client.post("/admin/organizations/till/add/", {
        "store": store.pk, "code": "newtill", "name": "New", "type": "TILL", "admin_type": "GENERAL",
        "username": "newtill.acme", "is_active": "on", "custom_fields": "{}", "new_password": "s3cret-till"})
    assert response.status_code == 302, response.content.decode()[:2000]
    from apps.organizations.models import Till

    till = Till.objects.get(username="newtill.acme")
    assert till.org == org and till.check_api_password("s3cret-till") and "s3cret" not in till.password


def test_config_admin_validates_value_type(org_admin_client, org):
    response = org_admin_client.post("/admin/organizations/orgconfig/add/",
                                     {"key": "API_RATE_LIMIT_PER_MINUTE", "value": "lots"})
    assert response.status_code == 200 and "expected an integer" in response.content.decode()
    response = org_admin_client.post("/admin/organizations/orgconfig/add/",
                                     {"key": "API_RATE_LIMIT_PER_MINUTE", "value": "50"})
    assert response.status_code == 302


@pytest.mark.parametrize("url", ["/admin/organizations/store/", "/admin/organizations/till/",
                                 "/admin/staff/user/", "/admin/access/accessgroup/", "/admin/core/jobrun/"])
def test_changelist_queries_do_not_grow_with_rows(org_admin_client, org, url):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert org_admin_client.get(url).status_code == 200
        return len(ctx)

    for _ in range(3):
        TillFactory(org=org)
    few = count()
    for _ in range(30):
        TillFactory(org=org)
    assert count() == few


def test_operator_sees_every_org(client, org, other_org):
    from apps.staff.models import User

    operator = User.objects.create_superuser("operator", "op@example.com", "Op-pass-123")
    client.force_login(operator)
    StoreFactory(org=org, name="Mine")
    StoreFactory(org=other_org, name="Theirs")
    page = client.get("/admin/organizations/store/").content.decode()
    assert "Mine" in page and "Theirs" in page


def test_access_group_admin_saves_the_matrix(org_admin_client, org):
    from apps.access.choices import AccessResource
    from apps.access.models import AccessGroup

    data = {"name": "POS", "description": ""}
    data.update({f"perm_{r.name}": "NONE" for r in AccessResource})
    data["perm_CUSTOMER"] = "MODIFY"
    data["perm_ORGANIZATION"] = "VIEW"
    assert org_admin_client.post("/admin/access/accessgroup/add/", data).status_code == 302
    group = AccessGroup.objects.get(org=org, name="POS")
    assert group.permissions == {"Customer": "MODIFY", "Organization": "VIEW"}
