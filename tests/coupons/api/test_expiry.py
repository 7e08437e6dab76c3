"""PUT /v2/coupon/bulk/expiry: move coupons' expiry, never past the series expiry or into the past."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.coupons.models import Coupon
from apps.coupons.services import coupon_issue
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from ..conftest import make_series

pytestmark = pytest.mark.django_db


def stamp(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_expiry_changes_each_code_on_its_own(api_client, org, customer):
    # given
    series = make_series(org, is_multiple_vouchers_per_user_allowed=True)
    a, b, c = (coupon_issue(org=org, series_id=series.pk, customer=customer).coupon for _ in range(3))
    sooner = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    body = {"couponSeriesId": series.pk, "customer": {"id": str(customer.pk)}, "couponCodes": [
        {"couponCode": a.code, "expiryDate": stamp(sooner)},
        {"couponCode": b.code, "expiryDate": stamp(timezone.now() - timedelta(days=1))},
        {"couponCode": c.code, "expiryDate": stamp(series.valid_till + timedelta(days=1))},
        {"couponCode": "NOPE0000", "expiryDate": stamp(sooner)}]}
    # when
    response = api_client.put("/v2/coupon/bulk/expiry", body, format="json")
    # then
    entity = response.json()["entity"]
    assert response.status_code == 200 and (entity["successCount"], entity["failedCount"]) == (1, 3)
    assert [f["errorCode"] for f in entity["unprocessedCoupons"]] == [690, 691, 633]
    assert Coupon.objects.get(pk=a.pk).valid_till == sooner
    assert Coupon.objects.get(pk=b.pk).valid_till == b.valid_till


def test_expiry_without_series_is_756_and_writes_nothing(api_client, org):
    before = db_snapshot()
    response = api_client.put("/v2/coupon/bulk/expiry", {"couponCodes": []}, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [756]
    assert_nothing_written(before)
