"""v2 customer transaction history, the simulation endpoint, and the rejected-transaction endpoints."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.access.models import AccessGroup
from apps.transactions.models import Bill, RejectedBill
from tests.factories.transactions import BillFactory, BillLineFactory, BillTenderFactory, ProductFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot
from tests.transactions.builders import set_config

pytestmark = pytest.mark.django_db
QUERY = "?identifierName=mobile&identifierValue=919845012345"


def bills_of(customer, count):
    now = timezone.now()
    for i in range(count):
        bill = BillFactory(org=customer.org, customer=customer, billing_time=now - timedelta(hours=i))
        BillLineFactory(bill=bill, position=0)
        BillTenderFactory(bill=bill)


# -- customer history -----------------------------------------------------------------------------------------------
def test_customer_transactions_newest_first_with_embeds(api_client, member):
    # given
    bills_of(member, 3)
    # when
    response = api_client.get(f"/v2/customers/{member.pk}/transactions?limit=2&embed=BILL_POINTS,PAYMENT_MODES,BILL_EF")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"limit": 2, "offset": 0, "total": 3, "sortBy": "BILLING_TIME", "sortOrder": "DESC"}
    times = [item["billingTime"] for item in body["data"]]
    assert times == sorted(times, reverse=True)
    assert set(body["data"][0]) >= {"billPoints", "paymentModes", "extendedFields", "billNumber", "amount"}


def test_customer_transactions_filters_by_date_and_sorts_ascending(api_client, member):
    # given
    bills_of(member, 3)
    start = (timezone.now() - timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M:%S%z")
    # when
    response = api_client.get(f"/v2/customers/{member.pk}/transactions", {"startDate": start, "sortOrder": "ASC"})
    # then
    body = response.json()
    assert body["pagination"]["total"] == 2
    assert body["data"][0]["billingTime"] < body["data"][1]["billingTime"]


@pytest.mark.parametrize("query, code", [("?limit=1001", 8102), ("?sortOrder=UP", 400), ("?sortBy=AMOUNT", 400)])
def test_customer_transactions_bad_query(api_client, member, query, code):
    response = api_client.get(f"/v2/customers/{member.pk}/transactions{query}")
    assert response.status_code == 400 and v2_error_codes(response) == [code]


def test_customer_transactions_of_unknown_customer_is_8015(api_client):
    response = api_client.get("/v2/customers/987654/transactions")
    assert response.status_code == 404 and v2_error_codes(response) == [8015]


@pytest.mark.parametrize("rows", [3, 30])
def test_customer_transactions_query_count_does_not_grow(api_client, member, rows, django_assert_num_queries):
    # given
    bills_of(member, rows)
    # when / then: auth (till, groups, org config), customer, count, page, lines, tenders
    with django_assert_num_queries(8):
        response = api_client.get(f"/v2/customers/{member.pk}/transactions?limit=50&embed=PAYMENT_MODES,BILL_POINTS")
    assert len(response.json()["data"]) == rows


# -- simulation -----------------------------------------------------------------------------------------------------
def test_simulation_returns_the_points_and_the_log_and_writes_nothing(api_client, member, earn_rule):
    # given
    before = db_snapshot()
    body = {"type": "REGULAR", "billNumber": "SIM-1", "billAmount": "620",
            "lineItemsV2": [{"itemCode": "RICE5", "qty": 2, "rate": 250}, {"itemCode": "DAL1", "qty": 1, "rate": 120}]}
    # when
    response = api_client.post(f"/v2/simulation/transactions{QUERY}", data=json.dumps(body),
                               content_type="application/json")
    # then
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["sideEffects"][0]["awardedPoints"] == 62
    details = result["simulatedPointsBreakup"]["billDetails"]
    assert details["pointsEarned"]["regular"][0]["value"] == 62
    assert [line["points"] for line in details["lineItems"]] == [50, 12]
    assert result["evaluationLog"][0]["ruleId"] == earn_rule.pk
    assert_nothing_written(before)


def test_simulation_reports_promised_points(api_client, program, member, earn_rule):
    program.promised_delay_days = 14
    program.save()
    response = api_client.post(f"/v2/simulation/transactions{QUERY}", content_type="application/json",
                               data=json.dumps({"type": "REGULAR", "billNumber": "SIM-1", "billAmount": "100"}))
    assert response.json()["simulatedPointsBreakup"]["billDetails"]["pointsEarned"]["promised"][0]["value"] == 10


def test_simulation_needs_the_event_simulation_access(api_client, org, till, member, earn_rule):
    # given the till's group lets it add transactions but not simulate
    group = AccessGroup.objects.create(org=org, name="POS only", permissions={"Transaction": "MODIFY"})
    till.access_groups.set([group])
    # when
    response = api_client.post(f"/v2/simulation/transactions{QUERY}", content_type="application/json",
                               data=json.dumps({"type": "REGULAR", "billNumber": "SIM-1", "billAmount": "100"}))
    # then
    assert response.status_code == 403 and v2_error_codes(response) == [4000]


def test_simulation_can_be_switched_off(api_client, org, member, earn_rule):
    set_config(org, "CONF_ENABLE_SIMULATION_API_MODE", "0")
    response = api_client.post(f"/v2/simulation/transactions{QUERY}", content_type="application/json",
                               data=json.dumps({"type": "REGULAR", "billNumber": "SIM-1", "billAmount": "100"}))
    assert response.status_code == 403


# -- rejected transactions ------------------------------------------------------------------------------------------
def rejected_by_sku(api_client, org, number="B-1"):
    set_config(org, "CONF_TRANSACTION_REQUIRE_KNOWN_SKU", "1")
    response = api_client.post(f"/v2/transactions{QUERY}", content_type="application/json", data=json.dumps({
        "type": "REGULAR", "billNumber": number, "lineItemsV2": [{"itemCode": "NEWSKU", "qty": 2, "rate": 250}]}))
    assert response.status_code == 422 and v2_error_codes(response) == [622]
    return response.json()["rejectedTransactionId"]


def test_rejection_queue_flow_list_retrigger_status(api_client, org, member, earn_rule,
                                                    django_capture_on_commit_callbacks):
    # given a rejected bill, listed as pending
    rejected_id = rejected_by_sku(api_client, org)
    listed = api_client.get("/v2/rejectedTransactions?status=PENDING").json()
    assert [row["id"] for row in listed["data"]] == [rejected_id]
    assert listed["data"][0]["reasons"][0]["reason"] == "UNKNOWN_SKU"
    # when the SKU is added and the bill retriggered
    ProductFactory(org=org, item_code="NEWSKU")
    with django_capture_on_commit_callbacks(execute=True):
        started = api_client.post("/v2/rejectedTransactions/retrigger", content_type="application/json",
                                  data=json.dumps({"ids": [rejected_id]}))
    assert started.status_code == 200, started.content
    retrigger_id = started.json()["retriggerId"]
    # then its status reports the bill added
    status = api_client.get(f"/v2/rejectedTransactions/retriggerStatus/{retrigger_id}").json()
    assert (status["status"], status["processed"], status["failed"]) == ("SUCCEEDED", 1, 0)
    assert status["transactions"][0]["transactionId"] == Bill.objects.get(number="B-1").pk
    assert api_client.get("/v2/rejectedTransactions?status=PENDING").json()["pagination"]["total"] == 0


def test_mark_failed_and_then_retrigger_is_refused(api_client, org, member, earn_rule):
    # given
    rejected_id = rejected_by_sku(api_client, org)
    # when
    response = api_client.put("/v2/rejectedTransactions/markFailed", content_type="application/json",
                              data=json.dumps({"ids": [rejected_id], "reason": "Test bill"}))
    # then
    assert response.status_code == 200
    assert response.json()["response"] == [{"id": rejected_id, "status": "FAILED", "errors": []}]
    assert RejectedBill.objects.get().status == "FAILED"
    retry = api_client.post("/v2/rejectedTransactions/retrigger", content_type="application/json",
                            data=json.dumps({"ids": [rejected_id]}))
    assert retry.status_code == 422 and v2_error_codes(retry) == [1636]


@pytest.mark.parametrize("method, path, body", [
    ("post", "/v2/rejectedTransactions/retrigger", {"ids": []}),
    ("put", "/v2/rejectedTransactions/markFailed", {"ids": ["x"]}),
    ("get", "/v2/rejectedTransactions?status=LOST", None),
])
def test_rejection_endpoints_refuse_bad_input(api_client, method, path, body):
    before = db_snapshot()
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    response = getattr(api_client, method)(path, **kwargs)
    assert response.status_code == 400
    assert_nothing_written(before)


@pytest.mark.parametrize("rows", [3, 30])
def test_rejected_list_query_count_does_not_grow(api_client, org, rows, django_assert_num_queries):
    from tests.factories.transactions import RejectedBillFactory

    RejectedBillFactory.create_batch(rows, org=org)
    with django_assert_num_queries(5):  # auth (till, groups, org config), count, page
        response = api_client.get("/v2/rejectedTransactions?limit=50")
    assert len(response.json()["data"]) == rows
