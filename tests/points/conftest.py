"""Fixtures for ledger tests: a programme, customers, and a controllable clock."""
from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest

from apps.customers.models import Customer
from apps.points.services import program_create

D = Decimal


@pytest.fixture
def program(org):
    return program_create(org=org, name="Club", is_default=True, point_value=D("0.5"), validation_code_required=False,
                          expiry_days=365)


def make_customer(org, name="Asha"):
    return Customer.objects.create(org=org, first_name=name)


@pytest.fixture
def customer(org):
    return make_customer(org, "Asha")


@pytest.fixture
def other_customer(org):
    return make_customer(org, "Ravi")


class Clock:
    """Patches django.utils.timezone.now everywhere the points services read it."""

    def __init__(self, monkeypatch, start: datetime):
        self.now = start
        import django.utils.timezone as tz

        monkeypatch.setattr(tz, "now", lambda: self.now)

    def advance(self, **kwargs) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, datetime(2026, 1, 15, 10, 0, tzinfo=dt_timezone.utc))
