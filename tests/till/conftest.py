"""Fixtures of the till screen tests: staff of each role at org A's store, a points programme earning 10%,
a member with points, and a logged-in browser-less client per role."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from apps.communications.backends import LocmemBackend
from apps.points.choices import SourceType
from apps.points.services import points_credit, program_create
from apps.rules.services import default_earn_rule_ensure
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import StoreFactory, TillFactory

D = Decimal
PASSWORD = "Till-pass-2026"


@pytest.fixture
def store(till):
    return till.store


@pytest.fixture
def staff(org, store):
    """make(role, username=..., store=...) -> a staff user of org A (at the till's store unless told)."""
    made = {}

    def make(role=StaffRole.TILL_OPERATOR, *, username=None, user_store=None, user_org=None, user_till=None):
        name = username or f"{role.lower()}.{len(made)}"
        user = staff_user_create(org=user_org or org, username=name, password=PASSWORD, role=role,
                                 store=user_store if user_store is not None else store, till=user_till,
                                 first_name="Kiran", last_name="Das")
        made[name] = user
        return user
    return make


@pytest.fixture
def cashier(staff):
    return staff(StaffRole.TILL_OPERATOR, username="cashier")


@pytest.fixture
def manager(staff):
    return staff(StaffRole.STORE_MANAGER, username="manager")


def logged_in(user, till_code: str = "") -> Client:
    client = Client()
    response = client.post("/till/login", {"username": user.username, "password": PASSWORD, "till": till_code})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


@pytest.fixture
def cashier_client(cashier):
    return logged_in(cashier)


@pytest.fixture
def manager_client(manager):
    return logged_in(manager)


@pytest.fixture
def program(org):
    return program_create(org=org, name="Acme Club", is_default=True, point_value=D("0.25"),
                          validation_code_required=True, expiry_days=365)


@pytest.fixture
def earn_rule(org, program):
    return default_earn_rule_ensure(org=org, program=program, percent=D("10"))


@pytest.fixture
def member(org):
    return CustomerFactory(org=org, mobile="919845012345", email="asha@example.com", external_id="EXT-1",
                           first_name="Asha", last_name="Rao")


@pytest.fixture
def member_with_points(org, member, program):
    points_credit(org=org, customer=member, points=D("500"), program=program, source_type=SourceType.MANUAL,
                  reason="opening", idempotency_key=f"test-open-{member.pk}")
    return member


@pytest.fixture
def other_store_till(org):
    return TillFactory(org=org, store=StoreFactory(org=org))


@pytest.fixture
def outbox():
    LocmemBackend.outbox.clear()
    yield LocmemBackend.outbox
    LocmemBackend.outbox.clear()


def sent_code(outbox) -> str:
    return outbox[-1]["body"].split("code is ")[1][:6]
