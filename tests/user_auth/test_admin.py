"""Login screens: the hash is never shown, locks can be lifted, changelists stay bounded."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apps.user_auth.choices import CredentialEventType
from apps.user_auth.models import CredentialEvent, CustomerCredential
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.user_auth import CustomerCredentialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin_client(client, org):
    user = staff_user_create(org=org, username="boss", password="Boss-pass-123", role=StaffRole.ORG_ADMIN)
    # The org-admin role does not list the user_auth app yet (apps.staff.choices): grant its permissions here.
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="user_auth"))
    client.force_login(user)
    return client


def test_credential_page_never_shows_the_hash(org_admin_client, org):
    # given
    credential = CustomerCredentialFactory(org=org)
    # when
    page = org_admin_client.get(f"/admin/user_auth/customercredential/{credential.pk}/change/").content.decode()
    # then
    assert credential.username in page and credential.password not in page


def test_unlock_action(org_admin_client, org, other_org):
    # given
    locked = CustomerCredentialFactory(org=org, locked_until=timezone.now() + timedelta(minutes=5), failed_attempts=2)
    # when
    response = org_admin_client.post("/admin/user_auth/customercredential/",
                                     {"action": "unlock_selected", "_selected_action": [locked.pk]})
    # then
    assert response.status_code == 302
    locked.refresh_from_db()
    assert (locked.locked_until, locked.failed_attempts) == (None, 0)
    assert CredentialEvent.objects.get().type == CredentialEventType.UNLOCKED


def test_foreign_credentials_are_hidden(org_admin_client, org, other_org):
    # given
    CustomerCredentialFactory(org=org, username="mine-919800000001")
    CustomerCredentialFactory(org=other_org, username="theirs-919800000002")
    # when
    page = org_admin_client.get("/admin/user_auth/customercredential/").content.decode()
    # then
    assert "mine-919800000001" in page and "theirs-919800000002" not in page


@pytest.mark.parametrize("url", ["/admin/user_auth/customercredential/", "/admin/user_auth/credentialevent/"])
def test_changelist_queries_do_not_grow_with_rows(org_admin_client, org, url, queries_for):
    # given
    def call():
        assert org_admin_client.get(url).status_code == 200

    def rows(n):
        for _ in range(n):
            credential = CustomerCredentialFactory(org=org)
            CredentialEvent.objects.create(org=org, credential=credential, customer=credential.customer,
                                           type=CredentialEventType.REGISTERED)

    rows(3)
    few = queries_for(call)
    # when
    rows(27)
    # then
    assert queries_for(call) == few
    assert CustomerCredential.objects.count() == 30
