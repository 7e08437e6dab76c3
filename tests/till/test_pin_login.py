"""Logging in with the till's own credentials plus a staff PIN; setting PINs (service and admin)."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from apps.staff.choices import StaffRole
from apps.till.models import StaffPin
from apps.till.services import staff_pin_check, staff_pin_set
from apps.till.views import SESSION_TILL
from tests.factories.organizations import TILL_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def pinned(org, cashier):
    cashier.code = "K042"
    cashier.save(update_fields=["code"])
    staff_pin_set(org=org, user=cashier, pin="4821")
    return cashier


def pin_login(client, till, staff="cashier", pin="4821", password=TILL_PASSWORD):
    return client.post("/till/login/pin", {"till_username": till.username, "till_password": password,
                                           "staff": staff, "pin": pin})


@pytest.mark.parametrize("who", ["cashier", "K042"])
def test_till_credentials_plus_pin_log_the_staff_member_in(pinned, till, who):
    client = Client()
    response = pin_login(client, till, staff=who)
    assert response.status_code == 302 and client.session[SESSION_TILL] == till.pk
    assert client.get("/till/").status_code == 200


def test_the_till_password_may_be_sent_as_its_md5(pinned, till):
    from apps.organizations.passwords import md5_hex

    assert pin_login(Client(), till, password=md5_hex(TILL_PASSWORD)).status_code == 302


@pytest.mark.parametrize("change", [{"pin": "9999"}, {"password": "wrong"}, {"staff": "nobody"}])
def test_any_wrong_part_is_refused_with_one_message(pinned, till, change):
    response = pin_login(Client(), till, **change)
    assert response.status_code == 400 and "Wrong till credentials, staff or PIN." in response.content.decode()


def test_staff_of_another_store_cannot_use_this_tills_pin_login(org, staff, other_store_till, till):
    elsewhere = staff(StaffRole.TILL_OPERATOR, username="elsewhere", user_store=other_store_till.store)
    staff_pin_set(org=org, user=elsewhere, pin="4821")
    assert pin_login(Client(), till, staff="elsewhere").status_code == 400


def test_staff_of_another_org_is_refused(other_org, other_till, pinned, till):
    # the other org's till with our cashier's name and PIN
    assert pin_login(Client(), other_till).status_code == 400


@override_settings(TILL_LOGIN_MAX_FAILURES=3)
def test_wrong_pins_lock_the_staff_member_out(pinned, till):
    client = Client()
    for _ in range(2):
        pin_login(client, till, pin="1111")
    assert pin_login(client, till, pin="1111").status_code == 429
    assert pin_login(client, till).status_code == 429


def test_a_staff_member_without_a_pin_cannot_log_in_this_way(cashier, till):
    assert pin_login(Client(), till).status_code == 400


def test_pin_rules(org, cashier, other_org):
    for bad in ("12", "123456789", "12a4", "7777"):
        with pytest.raises(ValidationError):
            staff_pin_set(org=org, user=cashier, pin=bad)
    with pytest.raises(ValidationError):
        staff_pin_set(org=other_org, user=cashier, pin="4821")
    row = staff_pin_set(org=org, user=cashier, pin="4821")
    assert "4821" not in row.pin_hash and staff_pin_check(user=cashier, pin="4821")
    staff_pin_set(org=org, user=cashier, pin="5930")
    assert StaffPin.objects.filter(user=cashier).count() == 1
    assert not staff_pin_check(user=cashier, pin="4821") and staff_pin_check(user=cashier, pin="5930")


def test_org_admin_sets_a_pin_in_the_admin_for_their_org_only(org, staff, cashier, other_org):
    from apps.staff.services import staff_user_create

    admin_user = staff(StaffRole.ORG_ADMIN, username="boss")
    rival = staff_user_create(org=other_org, username="rival.cashier", password="x-Pass-2026-y",
                              role=StaffRole.TILL_OPERATOR)
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/till/staffpin/add/").content.decode()
    assert "cashier" in page and "rival.cashier" not in page
    response = client.post("/admin/till/staffpin/add/", {"user": cashier.pk, "pin": "4821"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert staff_pin_check(user=cashier, pin="4821")
    refused = client.post("/admin/till/staffpin/add/", {"user": rival.pk, "pin": "4821"})
    assert refused.status_code == 200 and not StaffPin.objects.filter(user=rival).exists()
    weak = client.post(f"/admin/till/staffpin/{StaffPin.objects.get(user=cashier).pk}/change/", {"pin": "1111"})
    assert weak.status_code == 200 and staff_pin_check(user=cashier, pin="4821")
