"""Two tills redeem one single-use code through POST /v2/coupon/redeem at the same moment: one gets 700, the other
711; a till retrying its own bill concurrently gets its first redemption back. PostgreSQL only (real row locks)."""
from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections  # noqa: F401 (connection: the skipif condition)
from django.utils import timezone

from apps.access.services import access_group_full
from apps.coupons.models import CouponRedemption
from apps.coupons.services import coupon_issue, series_create
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import TILL_PASSWORD, OrganizationFactory, TillFactory
from tests.helpers.api import till_client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row-lock behaviour is tested on PostgreSQL"),
]


def _post_all(tills, bodies):
    barrier = threading.Barrier(len(tills))
    responses = [None] * len(tills)

    def call(index):
        client = till_client(tills[index], TILL_PASSWORD)
        try:
            barrier.wait(timeout=30)
            responses[index] = client.post("/v2/coupon/redeem", bodies[index], format="json")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(tills))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def _setup(workers):
    org = OrganizationFactory()
    customer = CustomerFactory(org=org, mobile="919800000002")
    series = series_create(org=org, data={"description": "Flat 200", "discount_value": Decimal("200"),
                                          "valid_till": timezone.now() + timedelta(days=10)})
    coupon = coupon_issue(org=org, series_id=series.pk, customer=customer, notify=False).coupon
    tills = []
    for _ in range(workers):
        till = TillFactory(org=org)
        till.access_groups.add(access_group_full(org=org))
        tills.append(till)
    return coupon, tills


def _body(code, bill):
    return {"billAmount": "1500", "transactionNumber": bill, "user": {"mobile": "919800000002"},
            "redemptionRequestList": [{"code": code}]}


def test_two_tills_one_code_one_700_one_711():
    # given
    coupon, tills = _setup(2)
    # when
    responses = _post_all(tills, [_body(coupon.code, "TILL-A-1"), _body(coupon.code, "TILL-B-1")])
    # then
    codes = sorted(r.json()["redemption"][0]["redemptionStatus"]["code"] for r in responses)
    assert codes == [700, 711]
    assert sorted(r.status_code for r in responses) == [200, 422]
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1


def test_concurrent_retries_of_one_bill_answer_the_same_redemption():
    coupon, tills = _setup(4)
    responses = _post_all(tills, [_body(coupon.code, "SAME-BILL")] * 4)
    assert [r.status_code for r in responses] == [200] * 4
    assert len({r.json()["redemption"][0]["id"] for r in responses}) == 1
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1
