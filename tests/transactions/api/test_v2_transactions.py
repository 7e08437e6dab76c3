"""v2 transactions: add (documented samples), returns, exchange, bulk, update, get, getByBillNumber, idempotency."""
from __future__ import annotations

import json

import pytest

from apps.points.models import PointsAccount
from apps.transactions.models import Bill, RejectedBill
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import PaymentModeFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot
from tests.transactions.api.samples import (V2_BULK, V2_CONTRACT_REGULAR, V2_MIXED, V2_NI_RETURN, V2_NOT_INTERESTED,
                                            V2_REGULAR, V2_UPDATE, sample)
from tests.transactions.builders import D, set_config

pytestmark = pytest.mark.django_db
MOBILE = "919845012345"
QUERY = f"?identifierName=mobile&identifierValue={MOBILE}&source=INSTORE"


def post(client, body, query=QUERY, **headers):
    return client.post(f"/v2/transactions{query}", data=json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def card(org):
    return PaymentModeFactory(org=org, name="Card Payment")


def test_documented_regular_sample_is_added_and_earns(api_client, member, earn_rule, card):
    # when
    response = post(api_client, sample(V2_REGULAR))
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    bill = Bill.objects.get(pk=body["createdId"])
    assert (bill.number, bill.amount, bill.discount, bill.gross_amount) == ("num-1234", D("200"), D("10"), D("110"))
    assert bill.delivery_status == "SHIPPED" and bill.lines.count() == 2 and bill.tenders.get().mode == "Card Payment"
    assert body["sideEffects"] == [{"entityType": "USER", "rawAwardedPoints": 20, "awardedPoints": 20,
                                    "type": "points"}]
    assert body["customerInfo"] == {"firstName": "Asha", "lastName": "Rao"} and body["errors"] == []
    # unknown extended fields (bill and lines) and the unknown custom field come back as warnings
    assert sorted({w["code"] for w in body["warnings"]}) == [1017, 91016]
    assert PointsAccount.objects.get(customer=member).available == D("20")


def test_contract_sample_with_billing_date_and_raw_side_effects(api_client, member, earn_rule, card):
    # when
    response = post(api_client, sample(V2_CONTRACT_REGULAR), query=QUERY + "&rawSideEffects=true")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    bill = Bill.objects.get(pk=body["createdId"])
    assert bill.billing_time.isoformat() == "2021-11-10T17:38:49+00:00"
    assert body["sideEffects"] == [] and body["rawSideEffects"][0]["type"] == "AWARD"
    assert body["rawSideEffects"][0]["billNumber"] == "num-1234"


def test_lower_case_source_and_identifier_by_customer_id(api_client, member, earn_rule):
    # when
    response = post(api_client, {"type": "REGULAR", "billNumber": "B-1", "billAmount": "100"},
                    query=f"?source=instore&identifierName=id&identifierValue={member.pk}")
    # then
    assert response.status_code == 200, response.content
    assert Bill.objects.get().customer == member


def test_same_idempotency_key_replays_the_first_answer(api_client, member, earn_rule, card):
    # given
    first = post(api_client, sample(V2_CONTRACT_REGULAR), HTTP_IDEMPOTENCY_KEY="till-7-bill-1234")
    # when
    again = post(api_client, sample(V2_CONTRACT_REGULAR), HTTP_IDEMPOTENCY_KEY="till-7-bill-1234")
    # then
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Bill.objects.count() == 1 and PointsAccount.objects.get(customer=member).available == D("20")


def test_retried_bill_without_a_key_is_a_duplicate(api_client, member, earn_rule, card):
    # given
    post(api_client, sample(V2_CONTRACT_REGULAR))
    before = db_snapshot()
    # when
    response = post(api_client, sample(V2_CONTRACT_REGULAR))
    # then
    assert response.status_code == 409 and v2_error_codes(response) == [604]
    assert_nothing_written(before)


@pytest.mark.parametrize("body, code", [
    ({"billNumber": "B-1"}, 400),
    ({"type": "REGULAR", "billNumber": "B-1", "billAmount": "abc"}, 400),
    ({"type": "SALE", "billNumber": "B-1"}, 605),
    ({"type": "REGULAR", "billNumber": "", "billAmount": "1"}, 602),
    ({"type": "REGULAR", "billNumber": "B-1", "billAmount": "-5"}, 631),
    ({"type": "RETURN", "billNumber": "B-1", "returnType": "SOME"}, 628),
    ({"type": "REGULAR", "billNumber": "B-1", "lineItemsV2": [{"itemCode": "X", "qty": -1}]}, 627),
])
def test_bad_bodies_are_refused_with_a_code_and_nothing_written(api_client, member, earn_rule, body, code):
    before = db_snapshot()
    response = post(api_client, body)
    assert response.status_code == 400 and v2_error_codes(response)[0] == code
    assert_nothing_written(before)


def test_unknown_customer_registers_when_the_org_allows_it(api_client, org, earn_rule):
    # when
    response = post(api_client, {"type": "REGULAR", "billNumber": "B-1", "billAmount": "300"},
                    query="?identifierName=mobile&identifierValue=919900011122")
    # then
    assert response.status_code == 200, response.content
    assert Bill.objects.get().customer.identifiers.get().value == "919900011122"


def test_unknown_customer_is_8015_when_auto_registration_is_off(api_client, org, earn_rule):
    # given
    set_config(org, "CONF_TRANSACTION_AUTO_REGISTER", "0")
    before = db_snapshot()
    # when
    response = post(api_client, {"type": "REGULAR", "billNumber": "B-1", "billAmount": "300"},
                    query="?identifierName=mobile&identifierValue=919900011122")
    # then
    assert response.status_code == 404 and v2_error_codes(response) == [8015]
    assert_nothing_written(before)


def test_master_data_failure_is_queued_and_answered_422(api_client, org, member, earn_rule):
    # when
    response = post(api_client, {"type": "REGULAR", "billNumber": "B-1", "billAmount": "100",
                                 "paymentModes": [{"mode": "BARTER", "value": 100}]})
    # then
    assert response.status_code == 422 and v2_error_codes(response) == [9607]
    rejected = RejectedBill.objects.get()
    assert response.json()["rejectedTransactionId"] == rejected.pk and not Bill.objects.exists()


def test_documented_exchange_sample_returns_and_earns(api_client, org, member, earn_rule):
    # given the earlier bill whose jeans come back
    post(api_client, {"type": "REGULAR", "billNumber": "bill00075", "billAmount": "1200",
                      "lineItemsV2": [{"itemCode": "ITEMJEANS0005", "qty": 1, "rate": 1200, "amount": 1200}]})
    # when
    response = post(api_client, sample(V2_MIXED))
    # then
    assert response.status_code == 200, response.content
    bill = Bill.objects.get(pk=response.json()["createdId"])
    assert bill.type == "MIXED" and bill.points == D("190") and bill.points_reversed == D("120")
    assert response.json()["sideEffects"][1]["awardedPoints"] == -120
    assert PointsAccount.objects.get(customer=member).available == D("190")


def test_documented_not_interested_sample_and_its_return(api_client, org, earn_rule):
    # given
    CustomerFactory(org=org)
    first = post(api_client, sample(V2_NOT_INTERESTED))
    assert first.status_code == 200, first.content
    parent = Bill.objects.get(pk=first.json()["createdId"])
    assert parent.customer is None and parent.points == D("0")
    # when the documented NI return cites it (its number and id adjusted to our bill)
    body = sample(V2_NI_RETURN)
    body.update(billNumber="bill12345", id=str(parent.pk), billingDate=None, purchaseTime=None,
                lineItemsV2=[{"itemCode": "ITEMJEANS0005", "qty": 1.0}])
    response = post(api_client, body)
    # then
    assert response.status_code == 200, response.content
    parent.refresh_from_db()
    assert parent.return_mode == "LINE_ITEM" and parent.lines.get(item_code="ITEMJEANS0005").returned_qty == D("1")


def test_v2_return_by_bill_number_and_id(api_client, member, earn_rule):
    # given
    created = post(api_client, {"type": "REGULAR", "billNumber": "B-5", "billAmount": "800",
                                "lineItemsV2": [{"itemCode": "SHOE", "qty": 2, "rate": 400}]}).json()["createdId"]
    # when
    response = post(api_client, {"type": "RETURN", "returnType": "LINE_ITEM", "billNumber": "B-5", "id": created,
                                 "lineItemsV2": [{"itemCode": "SHOE", "qty": 1}]})
    # then
    assert response.status_code == 200, response.content
    assert response.json()["sideEffects"] == [{"entityType": "USER", "rawAwardedPoints": -40, "awardedPoints": -40,
                                               "type": "points"}]
    assert PointsAccount.objects.get(customer=member).available == D("40")


def test_bulk_commits_good_bills_and_reports_bad_ones(api_client, org, member, earn_rule):
    # given the documented item (a new customer, registered) and three more
    items = sample(V2_BULK) + [
        {"identifierType": "mobile", "identifierValue": MOBILE, "type": "REGULAR", "billNumber": "B-2",
         "billAmount": "100"},
        {"identifierType": "mobile", "identifierValue": MOBILE, "type": "REGULAR", "billNumber": "B-2",
         "billAmount": "100"},
        {"identifierType": "mobile", "identifierValue": MOBILE, "type": "REGULAR", "billNumber": "B-3",
         "billAmount": "100", "paymentModes": [{"mode": "BARTER", "value": 1}]},
        "not an object",
    ]
    # when
    response = api_client.post("/v2/transactions/bulk", data=json.dumps(items), content_type="application/json")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["totalCount"], body["failureCount"]) == (5, 3)
    results = body["response"]
    assert results[0]["entityId"] == Bill.objects.get(number="test00transact087").pk
    assert results[0]["result"]["sideEffects"][0]["awardedPoints"] == 600
    assert [r["errors"][0]["code"] for r in results[2:]] == [604, 9607, 400]
    assert results[3]["rejectedTransactionId"] == RejectedBill.objects.get().pk
    assert Bill.objects.count() == 2


def test_bulk_refuses_more_than_100_items(api_client, member):
    items = [{"type": "REGULAR", "billNumber": f"B-{i}"} for i in range(101)]
    response = api_client.post("/v2/transactions/bulk", data=json.dumps(items), content_type="application/json")
    assert response.status_code == 400 and v2_error_codes(response) == [1060]


def test_get_by_id_with_tenders_and_points(api_client, member, earn_rule, card):
    # given
    created = post(api_client, sample(V2_REGULAR)).json()["createdId"]
    # when
    response = api_client.get(f"/v2/transactions/{created}?type=REGULAR&tenders=true&points_breakup=true")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == created and body["customerId"] == member.pk and body["type"] == "REGULAR"
    assert body["billDetails"]["billNumber"] == "num-1234" and body["billDetails"]["amount"] == 200
    assert [line["details"]["itemCode"] for line in body["lineItems"]] == ["sku_234_2", "sku_sdf_10"]
    assert body["paymentModes"][0]["mode"] == "Card Payment" and body["paymentModes"][0]["amount"] == 5104
    assert body["billPointsBreakup"][0]["awardedPoints"] == 20
    assert api_client.get(f"/v2/transactions/{created}?type=RETURN").status_code == 404


def test_get_missing_bill_is_620(api_client):
    response = api_client.get("/v2/transactions/987654")
    assert response.status_code == 404 and v2_error_codes(response) == [620]


def test_get_by_bill_number_lists_every_bill_with_it(api_client, org, member, earn_rule):
    # given the same number at two stores
    from tests.factories.transactions import BillFactory

    post(api_client, {"type": "REGULAR", "billNumber": "testTZ1", "billAmount": "10"})
    BillFactory(org=org, number="testTZ1")
    # when
    response = api_client.get("/v2/transactions/getByBillNumber/testTZ1")
    # then
    body = response.json()
    assert response.status_code == 200 and body["pagination"] == {"limit": 100, "offset": 0, "total": 2}
    assert {item["billDetails"]["billNumber"] for item in body["data"]} == {"testTZ1"}


def test_update_sample_changes_delivery_status(api_client, org, member, earn_rule):
    # given
    created = post(api_client, {"type": "REGULAR", "billNumber": "bill00009", "billAmount": "10"}).json()["createdId"]
    body = sample(V2_UPDATE)
    body.update(id=created, tillCode="")
    # when
    response = api_client.put(f"/v2/transactions{QUERY}", data=json.dumps(body), content_type="application/json")
    # then
    assert response.status_code == 200, response.content
    assert Bill.objects.get(pk=created).delivery_status == "PLACED"
    assert response.json()["loyaltyDetails"][0]["loyaltyPoints"] == 1


def test_update_of_another_customers_bill_is_668(api_client, org, member, earn_rule):
    # given
    created = post(api_client, {"type": "REGULAR", "billNumber": "B-1", "billAmount": "10"}).json()["createdId"]
    other = CustomerFactory(org=org, mobile="919845099999")
    # when
    response = api_client.put(f"/v2/transactions?identifierName=id&identifierValue={other.pk}",
                              data=json.dumps({"id": created, "deliveryStatus": "PLACED"}),
                              content_type="application/json")
    # then
    assert response.status_code == 404 and v2_error_codes(response) == [668]


def test_evaluation_log_of_a_stored_bill(api_client, member, earn_rule):
    # given
    post(api_client, {"type": "REGULAR", "billNumber": "num-1784", "billAmount": "200"})
    # when
    response = api_client.post("/v2/transactions/searchEvaluationLog",
                               data=json.dumps({"search": {"transactionNumber": "num-1784"}}),
                               content_type="application/json")
    # then
    assert response.status_code == 200
    (item,) = response.json()
    assert item["eventName"] == "TransactionAdd" and item["customerId"] == member.pk
    assert item["evaluationLog"][0]["ruleId"] == earn_rule.pk and item["evaluationLog"][0]["matched"] is True
    assert "Earn" in item["evaluationTree"]


@pytest.mark.parametrize("field", ["type", "returnType", "billNumber", "id", "billAmount", "billingDate", "discount",
                                   "note", "deliveryStatus", "currencyCode", "addWithLocalCurrency", "customFields",
                                   "extendedFields", "purchaseTime", "paymentModes", "redemptions", "lineItemsV2",
                                   "attribution", "tillCode"])
def test_null_in_any_field_is_a_clean_answer_never_a_500(api_client, member, earn_rule, field):
    body = {"type": "REGULAR", "billNumber": "N-1", "billAmount": "100",
            "lineItemsV2": [{"itemCode": "A", "qty": 1, "rate": 100, "type": None, "returnType": None}], field: None}
    response = post(api_client, body)
    assert response.status_code in (200, 400), response.content
