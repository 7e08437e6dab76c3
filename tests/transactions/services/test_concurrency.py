"""Concurrent bills for one customer queue on the ledger's account lock: no points are lost.

Needs real row locks: PostgreSQL only (transaction=True, one connection per thread).
"""
from __future__ import annotations

import pytest
from django.db import connection, connections  # noqa: F401 (connection: the skipif condition)

from apps.access.services import access_group_full
from apps.points.models import PointsAccount
from apps.points.services import ledger_check, program_create
from apps.rules.services import default_earn_rule_ensure
from apps.transactions.models import Bill
from apps.transactions.services import bill_add
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import OrganizationFactory, TillFactory
from tests.helpers.concurrency import run_concurrently
from tests.transactions.builders import D, return_of, sale

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row-lock behaviour is tested on PostgreSQL"),
]


@pytest.fixture
def world():
    org = OrganizationFactory()
    program = program_create(org=org, name="Club", is_default=True)
    default_earn_rule_ensure(org=org, program=program, percent=D("10"))
    tills = [TillFactory(org=org) for _ in range(4)]
    for till in tills:
        till.access_groups.add(access_group_full(org=org))
    customer = CustomerFactory(org=org, mobile="919845012345")
    yield org, tills, customer
    connections.close_all()


def test_sixteen_bills_at_once_all_earn(world):
    # given
    org, tills, customer = world
    # when
    results = run_concurrently([
        (lambda i=i: bill_add(org=org, data=sale(f"C-{i}", ("RICE5", 1, "250")), till=tills[i % 4]))
        for i in range(16)])
    # then
    assert not [r for r in results if isinstance(r, Exception)], results
    account = PointsAccount.objects.get(customer=customer)
    assert account.available == D("400") and Bill.objects.count() == 16
    assert ledger_check(org=org) == []


def test_concurrent_returns_of_one_bill_never_take_back_more_than_it_earned(world):
    # given a bill of 4 bags earning 100
    org, tills, customer = world
    bill_add(org=org, data=sale("C-1", ("RICE5", 4, "250")), till=tills[0])
    # when eight tills each try to return 1 bag at once
    results = run_concurrently([
        (lambda i=i: bill_add(org=org, data=return_of("C-1", "LINE_ITEM", ("RICE5", 1)), till=tills[i % 4]))
        for i in range(8)])
    # then exactly four succeed, the rest find the bill fully returned (633), and the balance is exactly zero
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 4 and {getattr(r, "code", None) for r in refused} == {633}, refused
    assert PointsAccount.objects.get(customer=customer).available == D("0")
    assert ledger_check(org=org) == []


def test_concurrent_bills_never_pass_a_per_customer_cap(world):
    # given a bonus of 50 a bill, capped at 120 per customer per month, beside the 10% earn rule
    from apps.points.models import LoyaltyProgram
    from apps.rules.models import RuleAward
    from apps.rules.services import rule_create

    org, tills, customer = world
    program = LoyaltyProgram.objects.get(org=org)
    bonus = rule_create(org=org, program=program, name="Capped bonus", event_type="BILL_ADDED", status="RUNNING",
                        max_points_per_customer=D("120"), customer_cap_period="MONTH",
                        effects=[{"type": "award_points", "params": {"basis": "bill_fixed", "value": "50"}}])
    # and a first bill, so the customer's account and tally exist: a bill that waited for the customer's lock reads
    # them in the same statement, in their latest committed versions
    bill_add(org=org, data=sale("K-first", ("RICE5", 1, "250")), till=tills[0])
    # when eight tills post a bill for the customer at once
    results = run_concurrently([
        (lambda i=i: bill_add(org=org, data=sale(f"K-{i}", ("RICE5", 1, "250")), till=tills[i % 4]))
        for i in range(8)])
    # then every bill went in, the bonus stopped exactly at the cap, and the ledger agrees
    assert not [r for r in results if isinstance(r, Exception)], results
    awarded = sum(a.rule_points().get(bonus.pk, 0) for a in RuleAward.objects.filter(org=org))
    assert awarded == D("120")
    from apps.rules.models import RuleCustomerTally

    assert RuleCustomerTally.objects.get(rule=bonus, customer=customer).points == D("120")
    account = PointsAccount.objects.get(customer=customer)
    assert account.available == D("9") * D("25") + D("120")
    assert ledger_check(org=org) == []


def test_the_same_bill_sent_by_two_tills_at_once_is_stored_and_credited_once(world):
    # given two requests for the same bill number at the same store
    from apps.transactions import errors

    org, tills, customer = world
    # when they race (the unique constraint decides: the later insert waits for the earlier and writes nothing)
    results = run_concurrently([
        (lambda: bill_add(org=org, data=sale("DUP-1", ("RICE5", 1, "250")), till=tills[0])) for _ in range(4)])
    # then one bill earns and the others are refused with the platform's duplicate code
    assert len([r for r in results if not isinstance(r, Exception)]) == 1
    assert all(isinstance(r, errors.DuplicateBillNumber) for r in results if isinstance(r, Exception)), results
    assert Bill.objects.filter(number="DUP-1").count() == 1
    assert PointsAccount.objects.get(customer=customer).available == D("25")
    assert ledger_check(org=org) == []
