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
from tests.helpers.concurrency import run_concurrently

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row-lock behaviour is tested on PostgreSQL"),
]
D = Decimal


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


def _due_customers(org, program, count: int):
    from datetime import timedelta

    from django.utils import timezone

    customers = [Customer.objects.create(org=org, first_name=f"C{i}") for i in range(count)]
    for i, customer in enumerate(customers):
        points_credit(org=org, customer=customer, points=D(10), program=program, source_type="BILL",
                      source_ref=f"B{i}", expires_at=timezone.now() - timedelta(seconds=1))
    return customers


def test_two_expiry_workers_drain_the_queue_once_between_them():
    from apps.points.models import LedgerEntry, PointsLot
    from apps.points.services import points_expire_due

    # given
    org = OrganizationFactory()
    program = program_create(org=org, name="Club", is_default=True)
    _due_customers(org, program, 40)
    # when
    results = run_concurrently([lambda: points_expire_due(limit=3, org_id=org.pk)] * 2)
    # then
    assert all(not isinstance(r, Exception) for r in results), results
    assert sum(lots for _, lots in results) == 40 and sum(points for points, _ in results) == D(400)
    assert PointsLot.objects.filter(org=org, remaining__gt=0).count() == 0
    assert LedgerEntry.objects.filter(org=org, kind="EXPIRE").count() == 40
    assert ledger_check(org=org) == []


def test_expiry_skips_an_account_a_till_holds_and_takes_it_on_the_next_pass():
    from django.db import transaction

    from apps.points.services import points_expire_due

    # given
    org = OrganizationFactory()
    program = program_create(org=org, name="Club", is_default=True)
    busy, idle = _due_customers(org, program, 2)
    held, release = threading.Event(), threading.Event()

    def till():
        with transaction.atomic():
            PointsAccount.objects.select_for_update().get(customer=busy)
            held.set()
            release.wait(timeout=10)
        connections.close_all()

    thread = threading.Thread(target=till)
    thread.start()
    held.wait(timeout=10)
    # when: the run does not wait for the till
    try:
        first = points_expire_due(org_id=org.pk)
    finally:
        release.set()
        thread.join(timeout=10)
    # then
    assert first == (D(10), 1)
    assert PointsAccount.objects.get(customer=busy).available == D(10)
    assert points_expire_due(org_id=org.pk) == (D(10), 1)
    assert PointsAccount.objects.get(customer=busy).available == D(0) and ledger_check(org=org) == []
