"""Fixtures of the tier tests: a programme earning 10%, a Silver / Gold / Platinum ladder, bills at chosen times.

The clock is controlled by passing moments explicitly: bills carry their billing time, services take `now`.
"""
from __future__ import annotations

from datetime import datetime, timezone as tz
from decimal import Decimal

import pytest

from apps.points.services import program_create
from apps.rules.services import default_earn_rule_ensure
from apps.transactions.services import bill_add
from tests.factories.customers import CustomerFactory
from tests.factories.tiers import ladder_build
from tests.transactions.builders import return_of, sale

D = Decimal
MOBILE = "919845012345"


def at(year, month, day, hour=12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=tz.utc)


@pytest.fixture
def program(org):
    return program_create(org=org, name="Acme Club", is_default=True, validation_code_required=False)


@pytest.fixture
def earn_rule(org, program):
    return default_earn_rule_ensure(org=org, program=program, percent=D("10"))


@pytest.fixture
def member(org):
    return CustomerFactory(org=org, mobile=MOBILE, first_name="Asha", last_name="Rao",
                           registered_on=at(2023, 3, 10))


@pytest.fixture
def tiers(org, program, earn_rule):
    """Silver (base), Gold from 1,000 and Platinum from 5,000 of lifetime purchases."""
    return ladder_build(org=org, program=program)


@pytest.fixture
def buy(org, till, member):
    """buy("B1", "1200", at(2024, 4, 15)): a one-line REGULAR bill of that amount at that time."""
    def add(number: str, amount: str, when: datetime, mobile: str = MOBILE):
        return bill_add(org=org, data=sale(number, ("RICE5", 1, amount), mobile=mobile, billing_time=when),
                        till=till)
    return add


@pytest.fixture
def give_back(org, till):
    def add(number: str, when: datetime, mobile: str = MOBILE, return_type: str = "FULL", lines=()):
        return bill_add(org=org, data=return_of(number, return_type, *lines, mobile=mobile, billing_time=when),
                        till=till)
    return add
