"""Every till screen: anonymous callers are sent to the login, a role without the screen's permission gets 403,
and each screen renders within a bounded number of queries."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from apps.staff.choices import StaffRole
from apps.till import permissions as perms
from tests.factories.coupons import CouponFactory, CouponSeriesFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db

# (path template, permission it needs beyond use_till)
SCREENS = [
    ("/till/", perms.USE),
    ("/till/customers/{c}/", perms.USE),
    ("/till/enrol", perms.ENROL),
    ("/till/customers/{c}/bill", perms.BILL),
    ("/till/sku?code=X", perms.BILL),
    ("/till/returns", perms.RETURN),
    ("/till/customers/{c}/redeem-points", perms.REDEEM_POINTS),
    ("/till/customers/{c}/redeem-coupon", perms.REDEEM_COUPON),
    ("/till/customers/{c}/issue-coupon", perms.ISSUE_COUPON),
    ("/till/activity", perms.ACTIVITY),
]


@pytest.mark.parametrize("path, perm", SCREENS)
def test_anonymous_callers_are_sent_to_the_login(member, path, perm):
    response = Client().get(path.format(c=member.pk))
    assert response.status_code == 302 and response["Location"].startswith("/till/login?next=/till/")


@pytest.mark.parametrize("path, perm", [s for s in SCREENS if s[1] != perms.USE])
def test_a_role_without_the_permission_gets_403_and_no_link(staff, member, program, path, perm):
    user = staff(StaffRole.TILL_OPERATOR, username="bare")
    client = logged_in(user)
    group = Group.objects.get(name=perms.group_name(StaffRole.TILL_OPERATOR))
    group.permissions.remove(*group.permissions.exclude(codename="use_till"))
    response = client.get(path.format(c=member.pk))
    assert response.status_code == 403 and "Not allowed" in response.content.decode()
    panel = client.get(f"/till/customers/{member.pk}/").content.decode()
    assert path.format(c=member.pk).split("?")[0] not in panel


@pytest.mark.parametrize("path, perm", SCREENS)
def test_a_session_without_use_till_is_refused_everywhere(staff, member, program, path, perm):
    user = staff(StaffRole.STORE_MANAGER, username="revoked")
    client = logged_in(user)
    Group.objects.get(name=perms.group_name(StaffRole.STORE_MANAGER)).permissions.clear()
    assert client.get(path.format(c=member.pk)).status_code == 403


def test_a_manager_sees_every_screen(manager_client, member, program):
    body = manager_client.get(f"/till/customers/{member.pk}/").content.decode()
    for needle in ("/bill", "/redeem-points", "/redeem-coupon", "/issue-coupon", "/till/enrol", "/till/returns",
                   "/till/activity"):
        assert needle in body


def test_an_org_admin_with_a_store_may_use_the_till(staff, member, program):
    admin = staff(StaffRole.ORG_ADMIN, username="orgadmin")
    client = logged_in(admin)
    assert client.get(f"/till/customers/{member.pk}/issue-coupon").status_code == 200


def test_role_groups_keep_what_the_admin_set(staff):
    staff(StaffRole.TILL_OPERATOR, username="first")
    logged_in(_user(staff, "second"))
    group = Group.objects.get(name=perms.group_name(StaffRole.TILL_OPERATOR))
    group.permissions.remove(*group.permissions.filter(codename="enrol_customer"))
    logged_in(_user(staff, "third"))
    assert not group.permissions.filter(codename="enrol_customer").exists()


def _user(staff, name):
    return staff(StaffRole.TILL_OPERATOR, username=name)


def test_a_role_change_moves_the_member_to_the_new_roles_group(staff):
    user = staff(StaffRole.TILL_OPERATOR, username="mover")
    logged_in(user)
    user.role = StaffRole.STORE_MANAGER
    user.save(update_fields=["role"])
    logged_in(user)
    names = set(user.groups.values_list("name", flat=True))
    assert perms.group_name(StaffRole.STORE_MANAGER) in names and perms.group_name(StaffRole.TILL_OPERATOR) not in names


@pytest.mark.parametrize("path, limit", [
    ("/till/", 8), ("/till/customers/{c}/", 30), ("/till/enrol", 12), ("/till/customers/{c}/bill", 12),
    ("/till/returns", 8), ("/till/customers/{c}/redeem-points", 12), ("/till/customers/{c}/redeem-coupon", 10),
    ("/till/customers/{c}/issue-coupon", 10), ("/till/activity", 20),
])
def test_each_screen_renders_in_a_bounded_number_of_queries(manager_client, member, program, org, path, limit,
                                                            django_assert_max_num_queries):
    for n in range(5):
        CouponFactory(org=org, customer=member, series=CouponSeriesFactory(org=org))
    with django_assert_max_num_queries(limit):
        response = manager_client.get(path.format(c=member.pk))
    assert response.status_code == 200


def test_login_page_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert Client().get("/till/login").status_code == 200


def test_the_tier_shows_on_the_panel(cashier_client, member, program, org):
    from tests.factories.tiers import ladder_build

    ladder_build(org=org, program=program)
    body = cashier_client.get(f"/till/customers/{member.pk}/").content.decode()
    assert 'data-testid="tier">Silver' in body and "to Gold" in body
