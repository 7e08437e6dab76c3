"""Lists answer in a bounded number of queries whatever the number of rows (3 rows, then 30)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.coupons.services import RedeemContext, coupon_issue, coupon_redeem
from apps.points.services import points_credit, points_redeem, program_create

from ..conftest import make_series

pytestmark = pytest.mark.django_db


def _coupons(org, customer, n, start=0):
    for i in range(n):
        coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer, notify=False).coupon
        coupon_redeem(org=org, code=coupon.code, ctx=RedeemContext(customer=customer, at=timezone.now(),
                                                                   bill_number=f"B{start + i}"))


def _count(client, url):
    client.get(url)  # warm the credential cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("template", [
    "/v2/coupon?issuedToIds={id}&limit=50",
    "/v2/customers/coupons?id={id}&limit=50",
    "/v1.1/customer/coupons?id={id}&limit=50",
    "/v1.1/customer/redemptions?id={id}&limit=50",
])
def test_list_query_count_does_not_grow_with_rows(api_client, org, customer, template):
    program = program_create(org=org, name="Club", is_default=True, validation_code_required=False)
    points_credit(org=org, customer=customer, points=Decimal(10_000), program=program, source_type="BILL",
                  source_ref="SEED")
    url = template.format(id=customer.pk)
    _coupons(org, customer, 3)
    for i in range(3):
        points_redeem(org=org, customer=customer, program=program, points=Decimal(10), bill_number=f"P{i}")
    few = _count(api_client, url)
    _coupons(org, customer, 27, start=3)
    for i in range(3, 30):
        points_redeem(org=org, customer=customer, program=program, points=Decimal(10), bill_number=f"P{i}")
    many = _count(api_client, url)
    assert many == few, (few, many)
