"""Twenty tills redeem at once through POST /v1.1/points/redeem against a balance that covers one: exactly one wins.

Real row locks are needed, so this runs on PostgreSQL with real transactions and one connection per thread.
"""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections  # noqa: F401 (connection: the skipif condition)

from apps.access.services import access_group_full
from apps.points.models import PointsAccount, Redemption
from apps.points.services import ledger_check, points_credit, program_create
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import TILL_PASSWORD, OrganizationFactory, TillFactory
from tests.helpers.api import till_client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row-lock behaviour is tested on PostgreSQL"),
]
D = Decimal
WORKERS = 20


def test_twenty_concurrent_redeem_calls_against_a_balance_covering_one():
    # given
    org = OrganizationFactory()
    program = program_create(org=org, name="Club", is_default=True, validation_code_required=False)
    customer = CustomerFactory(org=org, mobile="919800000001")
    points_credit(org=org, customer=customer, points=D(100), program=program, source_type="BILL", source_ref="B1")
    tills = []
    for _ in range(WORKERS):
        till = TillFactory(org=org)
        till.access_groups.add(access_group_full(org=org))
        tills.append(till)
    barrier = threading.Barrier(WORKERS)
    responses = [None] * WORKERS

    def redeem(index):
        client = till_client(tills[index], TILL_PASSWORD)
        body = {"root": {"redeem": {"points_redeemed": "100", "transaction_number": f"T{index}",
                                    "customer": {"mobile": "919800000001"}}}}
        try:
            barrier.wait(timeout=30)
            responses[index] = client.post("/v1.1/points/redeem", body, format="json")
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=redeem, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then
    codes = sorted(r.json()["response"]["responses"]["points"]["item_status"]["code"] for r in responses)
    assert codes == [800] + [803] * (WORKERS - 1), codes
    assert sorted(r.status_code for r in responses) == [200] + [422] * (WORKERS - 1)
    assert Redemption.objects.count() == 1
    assert PointsAccount.objects.get(customer=customer).available == D(0)
    assert ledger_check(org=org) == []
