"""Logging in at the till: credentials, store scoping, throttling and lock-out, idle timeout, logout, roles."""
from __future__ import annotations

import pytest
from django.test import Client, override_settings

from apps.staff.choices import StaffRole
from apps.till.views import SESSION_SEEN, SESSION_TILL

from .conftest import PASSWORD, logged_in

pytestmark = pytest.mark.django_db


def login(client, username, password=PASSWORD, till=""):
    return client.post("/till/login", {"username": username, "password": password, "till": till})


def test_screens_need_a_till_login():
    response = Client().get("/till/activity")
    assert response.status_code == 302 and response["Location"] == "/till/login?next=/till/activity"


def test_login_page_renders_with_labelled_fields():
    response = Client().get("/till/login")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in body and '<label for="id_password">' in body


def test_cashier_logs_in_to_their_stores_default_till(cashier, till):
    client = Client()
    response = login(client, "cashier")
    assert response.status_code == 302 and response["Location"] == "/till/"
    assert client.session[SESSION_TILL] == till.pk
    assert client.get("/till/").status_code == 200


def test_login_with_a_till_code_of_the_store(cashier, store):
    from tests.factories.organizations import TillFactory

    second = TillFactory(org=store.org, store=store, code="front2")
    client = Client()
    assert login(client, "cashier", till="front2").status_code == 302
    assert client.session[SESSION_TILL] == second.pk


def test_login_refuses_a_till_of_another_store(cashier, other_store_till):
    response = login(Client(), "cashier", till=other_store_till.code)
    assert response.status_code == 403
    assert "is not one of your store" in response.content.decode()


def test_login_refuses_a_till_of_another_org(cashier, other_till):
    response = login(Client(), "cashier", till=other_till.code)
    assert response.status_code == 403


def test_wrong_password_is_refused_with_a_message(cashier):
    response = login(Client(), "cashier", password="nope")
    assert response.status_code == 400
    assert "Wrong username or password." in response.content.decode()


def test_staff_without_a_store_cannot_use_the_till(staff, org):
    from apps.staff.services import staff_user_create

    staff_user_create(org=org, username="floating", password=PASSWORD, role=StaffRole.TILL_OPERATOR)
    response = login(Client(), "floating")
    assert response.status_code == 403 and "not assigned to a store" in response.content.decode()


def test_a_marketer_may_not_use_the_till(staff):
    staff(StaffRole.MARKETER, username="marketer")
    response = login(Client(), "marketer")
    assert response.status_code == 403 and "Your role may not use the till" in response.content.decode()


@override_settings(TILL_LOGIN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_username_out_even_with_the_right_password(cashier):
    client = Client()
    for _ in range(2):
        assert login(client, "cashier", password="bad").status_code == 400
    third = login(client, "cashier", password="bad")
    assert third.status_code == 429 and "Too many failed attempts" in third.content.decode()
    assert login(client, "cashier").status_code == 429  # right password, still locked
    assert SESSION_TILL not in client.session


@override_settings(TILL_LOGIN_MAX_IP_FAILURES=4, TILL_LOGIN_MAX_FAILURES=100)
def test_many_failures_from_one_address_throttle_every_username(cashier):
    client = Client()
    for n in range(4):
        login(client, f"guess{n}", password="bad")
    assert login(client, "cashier").status_code == 429


def test_a_successful_login_clears_the_failure_count(cashier):
    client = Client()
    with override_settings(TILL_LOGIN_MAX_FAILURES=3):
        login(client, "cashier", password="bad")
        login(client, "cashier", password="bad")
        assert login(client, "cashier").status_code == 302
        client.post("/till/logout")
        login(client, "cashier", password="bad")
        assert login(client, "cashier").status_code == 302


def test_idle_session_times_out(cashier):
    client = logged_in(cashier)
    session = client.session
    session[SESSION_SEEN] = session[SESSION_SEEN] - 3600
    session.save()
    response = client.get("/till/")
    assert response.status_code == 302 and response["Location"].startswith("/till/login")
    assert client.get("/till/").status_code == 302  # logged out for good


def test_logout_ends_the_session(cashier_client):
    response = cashier_client.post("/till/logout")
    assert response.status_code == 302 and response["Location"] == "/till/login"
    assert cashier_client.get("/till/").status_code == 302


def test_logout_needs_post(cashier_client):
    assert cashier_client.get("/till/logout").status_code == 405


def test_a_deactivated_till_ends_the_session(cashier_client, till):
    till.is_active = False
    till.save(update_fields=["is_active"])
    assert cashier_client.get("/till/").status_code == 302


def test_moving_the_staff_member_to_another_store_ends_the_session(cashier_client, cashier, other_store_till):
    cashier.store = other_store_till.store
    cashier.save(update_fields=["store"])
    assert cashier_client.get("/till/").status_code == 302


def test_next_only_follows_till_paths(cashier):
    client = Client()
    response = client.post("/till/login", {"username": "cashier", "password": PASSWORD,
                                           "next": "https://evil.example/steal"})
    assert response["Location"] == "/till/"
    client = Client()
    response = client.post("/till/login", {"username": "cashier", "password": PASSWORD, "next": "/till/activity"})
    assert response["Location"] == "/till/activity"
