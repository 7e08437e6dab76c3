"""Fixtures for the points API tests: a programme, reachable members, credits, and the message outbox."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.communications.backends import LocmemBackend
from apps.points.services import points_credit
from tests.factories.customers import CustomerFactory

D = Decimal


@pytest.fixture
def member(org):
    return CustomerFactory(org=org, first_name="Asha", last_name="Rao", mobile="919800000001",
                           email="asha@example.in", external_id="EXT-ASHA")


@pytest.fixture
def friend(org):
    return CustomerFactory(org=org, first_name="Ravi", last_name="Nair", mobile="919800000002")


def credit(org, customer, program, points, ref="B1", **kwargs):
    return points_credit(org=org, customer=customer, points=D(points), program=program, source_type="BILL",
                         source_ref=ref, **kwargs)


@pytest.fixture
def outbox():
    LocmemBackend.outbox.clear()
    yield LocmemBackend.outbox
    LocmemBackend.outbox.clear()


def last_code(outbox) -> str:
    return outbox[-1]["body"].split("code is ")[1][:6]


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run a request and deliver the messages it queued (tests never commit, so on_commit needs help)."""
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()
    return run
