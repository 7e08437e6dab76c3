"""v1.1 (and v1) coupon endpoints: root-wrapped bodies, item_status codes, customer coupons and redemptions."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.communications.models import Message
from apps.coupons.models import CouponRedemption
from apps.coupons.services import coupon_issue
from apps.points.services import points_credit, points_redeem, program_create
from tests.helpers.api import v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from ..conftest import make_series

pytestmark = pytest.mark.django_db


def mobile_of(customer):
    return customer.identifiers.get(type="mobile").value


@pytest.mark.parametrize("prefix", ["/v1.1", "/v1"])
def test_issue_v11(api_client, org, customer, prefix):
    series = make_series(org)
    body = {"root": {"coupon": [{"series_id": str(series.pk), "customer": {"mobile": mobile_of(customer)}}]}}
    response = api_client.post(f"{prefix}/coupon/issue?format=json&user_id=true", body, format="json")
    assert response.status_code == 200, response.content
    coupon = response.json()["response"]["coupon"]
    assert coupon["item_status"] == {"success": "true", "code": "700", "message": "Coupon processing successful"}
    assert coupon["series_info"]["id"] == str(series.pk) and coupon["customer"]["user_id"] == str(customer.pk)


def test_issue_v11_unknown_series_is_707_and_writes_nothing(api_client, org, customer):
    before = db_snapshot()
    body = {"root": {"coupon": [{"series_id": "999999", "customer": {"mobile": mobile_of(customer)}}]}}
    response = api_client.post("/v1.1/coupon/issue?format=json", body, format="json")
    assert response.status_code == 404
    assert response.json()["response"]["coupon"]["item_status"]["code"] == "707"
    assert v11_status(response)["success"] == "false"
    assert_nothing_written(before)


def redeem_v11(api_client, customer, code, bill="bill-110"):
    body = {"root": {"coupon": [{"code": code, "customer": {"mobile": mobile_of(customer), "email": ""},
                                 "transaction": [{"number": bill, "amount": "1000"}]}]}}
    return api_client.post("/v1.1/coupon/redeem?format=json", body, format="json")


def test_redeem_v11_then_711_on_another_bill(api_client, org, customer):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    first = redeem_v11(api_client, customer, coupon.code)
    item = first.json()["response"]["coupons"]["coupon"]
    assert first.status_code == 200 and item["item_status"]["code"] == "700"
    assert item["redemptionId"] == str(CouponRedemption.objects.get(coupon=coupon).pk)
    retry = redeem_v11(api_client, customer, coupon.code)
    assert retry.json()["response"]["coupons"]["coupon"]["redemptionId"] == item["redemptionId"]
    second = redeem_v11(api_client, customer, coupon.code, bill="bill-111")
    assert second.status_code == 422
    assert second.json()["response"]["coupons"]["coupon"]["item_status"]["code"] == "711"


def test_isredeemable_v11(api_client, org, customer):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    response = api_client.get(f"/v1.1/coupon/isredeemable?format=json&details=true&code={coupon.code}"
                              f"&mobile={mobile_of(customer)}")
    block = response.json()["response"]["coupons"]["redeemable"]
    assert block["is_redeemable"] == "true" and block["series_info"]["discount_code"] == "DIWALI"
    redeem_v11(api_client, customer, coupon.code)
    again = api_client.get(f"/v1.1/coupon/isredeemable?code={coupon.code}&mobile={mobile_of(customer)}").json()
    assert again["response"]["coupons"]["redeemable"]["item_status"]["code"] == "711"


def test_get_and_resend_and_series(api_client, org, customer):
    series = make_series(org)
    coupon = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    got = api_client.get(f"/v1.1/coupon/get?code={coupon.code}").json()["response"]["coupons"]["coupon"]
    assert got["code"] == coupon.code and got["redemption_info"]["redeemed"] == "false"
    sent = Message.objects.filter(customer=customer).count()
    resend = api_client.get(f"/v1.1/coupon/resend?code={coupon.code}")
    assert resend.status_code == 200 and v11_status(resend)["message"] == "Coupon Resent"
    assert Message.objects.filter(customer=customer).count() == sent + 1
    listed = api_client.get("/v1.1/coupon/series?format=json").json()["response"]["series"]["items"]["item"]
    assert [i["id"] for i in listed] == [str(series.pk)]
    one = api_client.get(f"/v1/coupon/series?id={series.pk}").json()["response"]["series"]["items"]["item"]
    assert one[0]["num_issued"] == "1"


def test_customer_coupons_v11(api_client, org, customer):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    redeem_v11(api_client, customer, coupon.code)
    body = api_client.get(f"/v1.1/customer/coupons?format=json&mobile={mobile_of(customer)}").json()["response"]
    entry = body["customers"]["customer"]
    assert entry["coupons"]["coupon"][0]["code"] == coupon.code
    assert entry["coupons"]["coupon"][0]["redemptions"]["redemption"][0]["transaction_number"] == "bill-110"
    assert entry["item_status"]["code"] == "1000" and body["pagination"]["total"] == 1


@pytest.mark.parametrize("prefix", ["/v1.1", "/v1"])
def test_customer_redemptions_has_coupons_and_points(api_client, org, customer, prefix):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    redeem_v11(api_client, customer, coupon.code)
    program = program_create(org=org, name="Club", is_default=True, validation_code_required=False)
    points_credit(org=org, customer=customer, points=Decimal(500), program=program, source_type="BILL",
                  source_ref="B0")
    points_redeem(org=org, customer=customer, program=program, points=Decimal(200), bill_number="txn-9")
    response = api_client.get(f"{prefix}/customer/redemptions?format=json&mobile={mobile_of(customer)}")
    assert response.status_code == 200, response.content
    body = response.json()["response"]["customer"]
    assert body["coupons_count"] == "1" and body["points_count"] == "1"
    assert body["redemptions"]["coupons"]["coupon"][0]["transaction_number"] == "bill-110"
    point = body["redemptions"]["points"]["point"][0]
    assert point["points_redeemed"] == 200 and point["transaction_number"] == "txn-9"
    assert point["program_id"] == program.pk
    only = api_client.get(f"/v1.1/customer/redemptions?type=COUPONS&mobile={mobile_of(customer)}").json()
    assert only["response"]["customer"]["points_count"] == "0"
