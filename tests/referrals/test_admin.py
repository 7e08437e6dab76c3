"""Referral screens: org scoping and bounded changelists."""
import pytest
from django.contrib.auth.models import Permission

from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.referrals import RefereeFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin_client(client, org):
    user = staff_user_create(org=org, username="boss", password="Boss-pass-123", role=StaffRole.ORG_ADMIN)
    # The org-admin role does not list the referrals app yet (apps.staff.choices): grant its permissions here.
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="referrals"))
    client.force_login(user)
    return client


def test_invitations_of_other_orgs_are_hidden(org_admin_client, org, other_org):
    # given
    ReferralFactory(org=org, identifier="919845000001")
    ReferralFactory(org=other_org, identifier="919845000002")
    # when
    page = org_admin_client.get("/admin/referrals/referral/").content.decode()
    # then
    assert "919845000001" in page and "919845000002" not in page


@pytest.mark.parametrize("url", ["/admin/referrals/referral/", "/admin/referrals/referee/"])
def test_changelist_queries_do_not_grow_with_rows(org_admin_client, org, url, queries_for):
    # given
    def call():
        assert org_admin_client.get(url).status_code == 200

    def rows(n):
        for _ in range(n):
            RefereeFactory(org=org, referral=ReferralFactory(org=org))

    rows(3)
    few = queries_for(call)
    # when
    rows(27)
    # then
    assert queries_for(call) == few
