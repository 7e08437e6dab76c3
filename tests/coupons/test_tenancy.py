"""Another org's series, coupons, redemptions and customers are "not found" on every coupon endpoint."""
from __future__ import annotations

import pytest

from apps.coupons.services import RedeemContext, coupon_issue, coupon_redeem
from tests.factories.customers import CustomerFactory
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

from .conftest import make_series

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    Endpoint("GET", "/v2/coupon/series?ids={series}"),
    Endpoint("PUT", "/v2/coupon/series/{series}", body={"description": "mine now"}),
    Endpoint("POST", "/v2/coupon/issue", body={"seriesId": "{series}", "customer": {"id": "{customer}"}}),
    Endpoint("POST", "/v2/coupon/redeem", body={"billAmount": "100", "transactionNumber": "B9",
                                                "user": {"id": "{customer}"},
                                                "redemptionRequestList": [{"code": "{code}"}]}),
    Endpoint("GET", "/v2/coupon/is_redeemable?id={customer}&code={code}"),
    Endpoint("POST", "/v2/coupon/reactivate", body={"redemptionIds": ["{redemption}"]}),
    Endpoint("GET", "/v2/coupon?couponCodes={code}", expect_status=200, absent_key="code"),
    Endpoint("POST", "/v2/coupon/revoke", body={"couponSeriesId": "{series}", "couponCodes": ["{code}"]}),
    Endpoint("POST", "/v2/coupon/transfer", body={"code": "{code}", "fromCustomer": {"id": "{customer}"},
                                                  "toCustomer": {"id": "{customer}"}}),
    Endpoint("GET", "/v2/customers/{customer}/coupons"),
    Endpoint("GET", "/v2/customers/coupons?id={customer}"),
    Endpoint("GET", "/v2/upload/getUploadRedeemedCouponStatus/{series}"),
    Endpoint("GET", "/coupon/api/v1/upload/getUploadStatus/{series}"),
    Endpoint("GET", "/v1/upload/getUploadStatus/?couponSeriesId={series}"),
    Endpoint("GET", "/v1.1/coupon/get?code={code}"),
    Endpoint("GET", "/v1.1/coupon/resend?code={code}"),
    Endpoint("GET", "/v1.1/coupon/series?id={series}"),
    Endpoint("GET", "/v1.1/coupon/isredeemable?id={customer}&code={code}"),
    Endpoint("GET", "/v1.1/customer/coupons?id={customer}"),
    Endpoint("GET", "/v1.1/customer/redemptions?id={customer}"),
    Endpoint("POST", "/v1.1/coupon/issue", body={"root": {"coupon": [{"series_id": "{series}",
                                                                      "customer": {"id": "{customer}"}}]}}),
]


@pytest.fixture
def foreign_ids(other_org):
    customer = CustomerFactory(org=other_org)
    series = make_series(other_org, is_transferrable=True)
    coupon = coupon_issue(org=other_org, series_id=series.pk, customer=customer).coupon
    other = coupon_issue(org=other_org, series_id=make_series(other_org).pk, customer=customer).coupon
    redemption = coupon_redeem(org=other_org, code=other.code,
                               ctx=RedeemContext(customer=customer, at=other.issued_at, bill_number="X1")).redemption
    return {"series": series.pk, "customer": customer.pk, "code": coupon.code, "redemption": redemption.pk}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_refused(endpoint, api_client, foreign_ids):
    assert_refuses_foreign_org(api_client, endpoint, foreign_ids)
