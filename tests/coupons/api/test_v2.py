"""v2 coupon endpoints end to end: shapes, item codes, envelopes, nothing written on bad input."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.coupons.models import Coupon, CouponRedemption, CouponSeries
from apps.coupons.services import coupon_issue
from tests.factories.customers import CustomerFactory, mobile_number
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from ..conftest import make_series

pytestmark = pytest.mark.django_db
SERIES_BODY = {"CouponSeriesV2": {
    "description": "Gold star coupons", "discountCode": "gold1234", "validTillDate": "2030-06-12T00:00:00+05:30",
    "anyUser": False, "discountValue": 1000, "clientHandlingType": "DISC_CODE", "expiryStrategyType": "DAYS",
    "expiryStrategyValue": 30, "discountType": "ABS", "couponPrefix": "P-", "isPrefixEnabled": True,
    "randomCodeLength": 6, "maxCreate": -1, "maxRedeem": -1, "redemptionRange": '{"dom":["-1"],"dow":["-1"],"hours":["-1"]}',
    "minBillAmount": 100, "maxBillAmount": 9007199254740991, "mutualExclusiveSeriesIds": "[]"}}


def mobile_of(customer):
    return customer.identifiers.get(type="mobile").value


def test_create_series_answers_the_series_object(api_client, org):
    # when
    response = api_client.post("/v2/coupon/series", SERIES_BODY, format="json")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["description"] == "Gold star coupons" and body["discountType"] == "ABS"
    assert body["expiryStrategyType"] == "DAYS" and body["expiryStrategyValue"] == 30
    assert body["validTillDate"] == "2030-06-11T18:30:00Z" and body["seriesCode"]
    assert body["maxBillAmount"] == 9007199254740991 and body["warnings"] == []
    series = CouponSeries.objects.get(pk=body["id"], org=org)
    assert series.code_prefix == "P-" and series.min_bill_amount == Decimal("100")


def test_create_series_with_bad_input_is_400_and_writes_nothing(api_client):
    before = db_snapshot()
    bad = {"CouponSeriesV2": {**SERIES_BODY["CouponSeriesV2"], "discountType": "FREE"}}
    response = api_client.post("/v2/coupon/series", bad, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [400]
    assert_nothing_written(before)


def test_update_and_get_series(api_client, org):
    series = make_series(org)
    response = api_client.put(f"/v2/coupon/series/{series.pk}?format=json",
                              {"CouponSeriesV2": {"description": "Renamed", "maxRedeem": 10}}, format="json")
    assert response.status_code == 200, response.content
    got = api_client.get(f"/v2/coupon/series?ids={series.pk}").json()
    assert got["entity"][0]["description"] == "Renamed" and got["entity"][0]["maxRedeem"] == 10


def test_issue_single_coupon_by_mobile(api_client, org, customer):
    series = make_series(org)
    response = api_client.post("/v2/coupon/issue", {"seriesId": series.pk, "customer": {
        "id": "", "mobile": mobile_of(customer), "externalId": "", "email": ""}}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    coupon = Coupon.objects.get(org=org, customer=customer)
    assert body["code"] == coupon.code and body["seriesId"] == series.pk and body["customer"]["id"] == customer.pk
    assert body["discountOn"] == "BILL" and body["discountCode"] == "DIWALI"


@pytest.mark.parametrize("payload, status, code", [
    ({"seriesId": 999999, "customer": {"mobile": "SELF"}}, 404, 707),
    ({"seriesId": "SERIES", "customer": {"mobile": "919999999999"}}, 404, 701),
])
def test_issue_bad_input_answers_documented_codes_and_writes_nothing(api_client, org, customer, payload, status,
                                                                      code):
    series = make_series(org)
    payload = {"seriesId": series.pk if payload["seriesId"] == "SERIES" else payload["seriesId"],
               "customer": {"mobile": mobile_of(customer)} if payload["customer"]["mobile"] == "SELF"
               else payload["customer"]}
    before = db_snapshot()
    response = api_client.post("/v2/coupon/issue", payload, format="json")
    assert response.status_code == status and v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_issue_from_an_expired_series_is_712(api_client, org, customer):
    series = make_series(org)
    CouponSeries.objects.filter(pk=series.pk).update(valid_till=timezone.now() - timedelta(hours=1))
    before = db_snapshot()
    response = api_client.post("/v2/coupon/issue", {"seriesId": series.pk, "customer": {"id": customer.pk}},
                               format="json")
    assert response.status_code == 422 and v2_error_codes(response) == [712]
    assert_nothing_written(before)


def test_bulk_issue_answers_per_series(api_client, org, customer):
    a, b = make_series(org), make_series(org)
    response = api_client.post("/v2/coupon/bulk/issue", {"seriesIds": [a.pk, b.pk, 999999],
                                                         "customer": {"id": str(customer.pk)}}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["totalCount"] == 3 and body["failureCount"] == 1
    assert [i["entityId"] for i in body["response"]] == [a.pk, b.pk, 999999]
    assert body["response"][2]["errors"][0]["code"] == 707


def redeem_body(customer, *codes, bill="numbr1", amount="2000"):
    return {"billAmount": amount, "transactionNumber": bill, "user": {"mobile": mobile_of(customer)},
            "redemptionTime": timezone.now().strftime("%Y-%m-%d %H:%M:%S"),
            "redemptionRequestList": [{"code": c} for c in codes]}


def test_redeem_answers_700_and_a_retry_returns_the_first_redemption(api_client, org, customer):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    first = api_client.post("/v2/coupon/redeem", redeem_body(customer, coupon.code), format="json")
    assert first.status_code == 200, first.content
    item = first.json()["redemption"][0]
    assert item["redemptionStatus"]["code"] == 700 and item["isAbsolute"] is True and item["seriesCode"] == coupon.series_id
    again = api_client.post("/v2/coupon/redeem", redeem_body(customer, coupon.code), format="json")
    assert again.json()["redemption"][0]["id"] == item["id"]
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1
    other_bill = api_client.post("/v2/coupon/redeem", redeem_body(customer, coupon.code, bill="numbr2"), format="json")
    assert other_bill.status_code == 422 and v2_error_codes(other_bill) == [711]
    assert other_bill.json()["redemption"][0]["redemptionStatus"]["code"] == 711


def test_redeem_invalid_code_is_702_and_writes_nothing(api_client, org, customer):
    before = db_snapshot()
    response = api_client.post("/v2/coupon/redeem", redeem_body(customer, "NOSUCHCODE"), format="json")
    assert response.status_code == 404 and v2_error_codes(response) == [702]
    assert_nothing_written(before)


def test_bulk_redeem_reports_each_code(api_client, org, customer):
    good = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    response = api_client.post("/v2/coupon/bulk/redeem", redeem_body(customer, good.code, "BADCODE1"), format="json")
    body = response.json()
    assert body["totalCount"] == 2 and body["failureCount"] == 1
    assert body["response"][0]["entityId"] == CouponRedemption.objects.get(coupon=good).pk
    assert body["response"][1]["errors"][0]["code"] == 702


def test_is_redeemable_gives_a_reason_per_code(api_client, org, customer, other_customer):
    mine = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    theirs = coupon_issue(org=org, series_id=make_series(org).pk, customer=other_customer).coupon
    response = api_client.get(f"/v2/coupon/is_redeemable?mobile={mobile_of(customer)}"
                              f"&code={mine.code},{theirs.code},NOPE9999&details=true")
    assert response.status_code == 200, response.content
    items = response.json()["redemption"]
    assert [i["isRedeemable"] for i in items] == [True, False, False]
    assert [i["redemptionStatus"]["code"] for i in items] == [700, 703, 702]
    assert items[0]["redemptionsLeft"] == 1 and items[0]["seriesInfo"]["seriesId"] == mine.series_id


def test_reactivate(api_client, org, customer):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    rid = api_client.post("/v2/coupon/redeem", redeem_body(customer, coupon.code), format="json").json()["redemption"][0]["id"]
    response = api_client.post("/v2/coupon/reactivate", {"redemptionIds": [rid]}, format="json")
    assert response.json() == {"warnings": [], "errors": [], "success": True}
    assert Coupon.objects.get(pk=coupon.pk).redemption_count == 0
    again = api_client.post("/v2/coupon/reactivate", {"redemptionIds": [rid]}, format="json")
    assert again.status_code == 404


def test_get_coupons_by_holder_and_code(api_client, org, customer):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    by_holder = api_client.get(f"/v2/coupon?issuedToIds={customer.pk}").json()
    by_code = api_client.get(f"/v2/coupon?couponCodes={coupon.code.lower()}&coupon_code_case=LOWER").json()
    assert [c["code"] for c in by_holder["data"]] == [coupon.code]
    assert by_code["data"][0]["code"] == coupon.code.lower()
    assert api_client.get("/v2/coupon").status_code == 400


def test_revoke_by_codes_reports_not_found_and_redeemed(api_client, org, customer):
    series = make_series(org, is_multiple_vouchers_per_user_allowed=True)
    a, b = (coupon_issue(org=org, series_id=series.pk, customer=customer).coupon for _ in range(2))
    api_client.post("/v2/coupon/redeem", redeem_body(customer, b.code), format="json")
    response = api_client.post("/v2/coupon/revoke", {"couponSeriesId": series.pk,
                                                     "couponCodes": [a.code, b.code, "CODE123"]}, format="json")
    entity = response.json()["entity"]
    assert entity["totalCount"] == 3 and entity["failedCount"] == 2
    assert entity["revokedCoupons"] == [{"couponId": a.pk, "couponCode": a.code, "issuedToUserId": customer.pk}]
    assert {f["errorCode"] for f in entity["failedToRevoke"]} == {682, 711}
    assert Coupon.objects.get(pk=a.pk).status == "REVOKED"


def test_revoke_every_coupon_of_a_customer_in_a_series(api_client, org, customer):
    series = make_series(org, is_multiple_vouchers_per_user_allowed=True)
    for _ in range(3):
        coupon_issue(org=org, series_id=series.pk, customer=customer)
    response = api_client.post("/v2/coupon/revoke", {"couponSeriesId": series.pk,
                                                     "customer": {"mobile": mobile_of(customer)}}, format="json")
    assert response.json()["entity"]["totalCount"] == 3
    assert CouponSeries.objects.get(pk=series.pk).num_issued == 0


def test_transfer_moves_a_coupon_of_a_transferable_series(api_client, org, customer, other_customer):
    coupon = coupon_issue(org=org, series_id=make_series(org, is_transferrable=True).pk, customer=customer).coupon
    response = api_client.post("/v2/coupon/transfer", {"code": coupon.code, "fromCustomer": {"id": customer.pk},
                                                       "toCustomer": {"id": other_customer.pk}}, format="json")
    assert response.status_code == 200, response.content
    assert Coupon.objects.get(pk=coupon.pk).customer_id == other_customer.pk


def test_transfer_refused_when_the_series_does_not_allow_it(api_client, org, customer, other_customer):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    before = db_snapshot()
    response = api_client.post("/v2/coupon/transfer", {"code": coupon.code, "fromCustomer": {"id": customer.pk},
                                                       "toCustomer": {"id": other_customer.pk}}, format="json")
    assert response.status_code == 422 and v2_error_codes(response) == [723]
    assert_nothing_written(before)


def _many_coupons(org, customer, n):
    for _ in range(n):
        coupon_issue(org=org, series_id=make_series(org).pk, customer=customer)


def test_customer_coupons_detailed_query_count_does_not_grow(api_client, org, customer,
                                                             django_assert_max_num_queries):
    _many_coupons(org, customer, 3)
    api_client.get(f"/v2/customers/{customer.pk}/coupons")  # warm the auth cache
    with django_assert_max_num_queries(12):
        small = api_client.get(f"/v2/customers/{customer.pk}/coupons")
    _many_coupons(org, customer, 27)
    with django_assert_max_num_queries(12):
        large = api_client.get(f"/v2/customers/{customer.pk}/coupons?limit=30")
    assert len(small.json()["entity"]) == 3 and len(large.json()["entity"]) == 30
    assert large.json()["entity"][0]["series"]["id"]


def test_customer_coupons_basic(api_client, org, customer):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    api_client.post("/v2/coupon/redeem", redeem_body(customer, coupon.code), format="json")
    body = api_client.get(f"/v2/customers/coupons?mobile={mobile_of(customer)}&limit=20").json()
    entry = body["entity"]["customers"][0]
    assert entry["id"] == customer.pk and entry["coupons"][0]["redemptionCount"] == 1
    assert entry["coupons"][0]["redemptions"][0]["transactionNumber"] == "numbr1"
    assert body["entity"]["pagination"]["total"] == 1


def test_issue_multiple_gives_count_coupons_and_reports_the_limit(api_client, org, customer):
    series = make_series(org, is_multiple_vouchers_per_user_allowed=True, max_vouchers_per_user=3)
    response = api_client.post("/v2/coupon/issue/multiple", {"seriesId": series.pk, "count": 5,
                                                             "customer": {"mobile": mobile_of(customer)}},
                               format="json")
    body = response.json()
    assert response.status_code == 200, body
    assert (body["totalCount"], body["successCount"], body["failureCount"]) == (5, 3, 2)
    assert [e["code"] for e in body["errors"]] == [722]
    assert {c["couponId"] for c in body["coupons"]} == set(
        Coupon.objects.filter(series=series).values_list("pk", flat=True))
    before = db_snapshot()
    again = api_client.post("/v2/coupon/issue/multiple", {"seriesId": series.pk, "count": 1,
                                                          "customer": {"mobile": mobile_of(customer)}}, format="json")
    assert again.status_code == 422 and v2_error_codes(again) == [722]
    assert_nothing_written(before)
