"""Fixtures for coupon tests: a series factory through the service, customers with mobiles, a store."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.coupons.services import series_create
from tests.factories.customers import CustomerFactory

D = Decimal


def make_series(org, **overrides):
    data = {"description": "Diwali 10% off", "discount_code": "DIWALI", "discount_type": "ABS",
            "discount_value": D("100"), "valid_till": timezone.now() + timedelta(days=60)}
    data.update(overrides)
    return series_create(org=org, data=data)


@pytest.fixture
def series(org):
    return make_series(org)


@pytest.fixture
def customer(org):
    return CustomerFactory(org=org)


@pytest.fixture
def other_customer(org):
    return CustomerFactory(org=org)
