"""Fixtures of the transaction tests: a programme earning 10% through the rules engine, members, bill builders."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.points.services import program_create
from apps.rules.services import default_earn_rule_ensure
from apps.transactions.services import BillInput, bill_add
from tests.factories.customers import CustomerFactory

D = Decimal


@pytest.fixture
def program(org):
    return program_create(org=org, name="Acme Club", is_default=True, point_value=D("0.25"),
                          validation_code_required=False, expiry_days=365)


@pytest.fixture
def earn_rule(org, program):
    """10% of the bill amount, spread over the lines (the default earn rule, RUNNING)."""
    return default_earn_rule_ensure(org=org, program=program, percent=D("10"))


@pytest.fixture
def member(org):
    return CustomerFactory(org=org, mobile="919845012345", first_name="Asha", last_name="Rao")


@pytest.fixture
def add_bill(org, till):
    def add(data: BillInput, **kwargs):
        return bill_add(org=org, data=data, till=till, **kwargs)
    return add

