"""Concurrent tills against one balance: exactly one of many redemptions wins; opposite transfers never deadlock.

These need real row locks, so they run on PostgreSQL only (CI); SQLite serialises writers anyway.
"""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from apps.customers.models import Customer
from apps.points import errors
from apps.points.models import PointsAccount, Redemption
from apps.points.services import ledger_check, points_credit, points_redeem, points_transfer, program_create
from tests.factories.organizations import OrganizationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row-lock behaviour is tested on PostgreSQL"),
]
D = Decimal


def run_concurrently(workers):
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def wrap(index, fn):
        try:
            barrier.wait(timeout=10)
            results[index] = fn()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_redemptions_against_a_balance_covering_one():
    # given
    org = OrganizationFactory()
    program = program_create(org=org, name="Club", is_default=True)
    customer = Customer.objects.create(org=org, first_name="Asha")
    points_credit(org=org, customer=customer, points=D(100), program=program, source_type="BILL", source_ref="B1")
    # when
    results = run_concurrently([
        (lambda i=i: points_redeem(org=org, customer=customer, program=program, points=D(100), bill_number=f"R{i}"))
        for i in range(20)])
    # then
    wins = [r for r in results if isinstance(r, Redemption)]
    refusals = [r for r in results if isinstance(r, errors.PointsMoreThanAvailable)]
    assert len(wins) == 1 and len(refusals) == 19, results
    assert PointsAccount.objects.get(customer=customer).available == D(0)
    assert ledger_check(org=org) == []


def test_opposite_transfers_between_two_customers_do_not_deadlock():
    org = OrganizationFactory()
    program = program_create(org=org, name="Club", is_default=True)
    asha = Customer.objects.create(org=org, first_name="Asha")
    ravi = Customer.objects.create(org=org, first_name="Ravi")
    for person in (asha, ravi):
        points_credit(org=org, customer=person, points=D(1000), program=program, source_type="BILL",
                      source_ref=f"B{person.pk}")
    workers = []
    for i in range(16):
        source, target = (asha, ravi) if i % 2 else (ravi, asha)
        workers.append(lambda s=source, t=target: points_transfer(org=org, from_customer=s, to_customer=t,
                                                                  program=program, points=D(10)))
    results = run_concurrently(workers)
    assert all(not isinstance(r, Exception) for r in results), results
    balances = sorted(PointsAccount.objects.filter(org=org).values_list("available", flat=True))
    assert sum(balances) == D(2000)
    assert ledger_check(org=org) == []
    assert connection.vendor == "postgresql"
