"""Another org's bills, customers, rejected bills and retrigger jobs answer like missing ones; nothing is written."""
from __future__ import annotations

import pytest

from apps.core.services import job_run_start
from apps.transactions.choices import RETRIGGER_JOB_KIND
from tests.factories.transactions import BillFactory, BillLineFactory, RejectedBillFactory
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    Endpoint("GET", "/v2/transactions/{bill}"),
    Endpoint("GET", "/v2/transactions/getByBillNumber/{number}", absent_key="number"),
    Endpoint("GET", "/v2/customers/{customer}/transactions"),
    Endpoint("PUT", "/v2/transactions?identifierName=id&identifierValue={customer}",
             body={"id": "{bill}", "deliveryStatus": "PLACED"}),
    Endpoint("PUT", "/v2/transactions?identifierName=mobile&identifierValue=919845012345",
             body={"id": "{bill}", "deliveryStatus": "PLACED"}),
    Endpoint("POST", "/v2/transactions?identifierName=id&identifierValue={customer}",
             body={"type": "REGULAR", "billNumber": "X-1", "billAmount": "100"}),
    Endpoint("POST", "/v2/transactions?identifierName=mobile&identifierValue=919845012345",
             body={"type": "RETURN", "returnType": "FULL", "billNumber": "{number}", "id": "{bill}"},
             expect_status=422),
    Endpoint("POST", "/v2/transactions/searchEvaluationLog", body={"search": {"transactionId": "{bill}"}}),
    Endpoint("POST", "/v2/transactions/searchEvaluationLog", body={"search": {"transactionNumber": "{number}"}}),
    Endpoint("POST", "/v2/simulation/transactions?identifierName=id&identifierValue={customer}",
             body={"type": "REGULAR", "billNumber": "S-1", "billAmount": "100"}),
    Endpoint("GET", "/v2/rejectedTransactions", absent_key="rejected_number"),
    Endpoint("GET", "/v2/rejectedTransactions/retriggerStatus/{run}"),
    Endpoint("POST", "/v2/rejectedTransactions/retrigger", body={"ids": ["{rejected}"]}),
    Endpoint("PUT", "/v2/rejectedTransactions/markFailed", body={"ids": ["{rejected}"]}),
    Endpoint("GET", "/v1.1/transaction/get?id={bill}"),
    Endpoint("GET", "/v1.1/transaction/get?number={number}"),
    Endpoint("GET", "/v1/transaction/get?id={bill}"),
    Endpoint("GET", "/v1.1/customer/transactions?id={customer}"),
    Endpoint("POST", "/v1.1/transaction/update",
             body={"root": {"transaction": [{"id": "{bill}", "customer": {"id": "{customer}"}}]}}),
    Endpoint("POST", "/v1.1/transaction/add",
             body={"root": {"transaction": [{"type": "regular", "number": "X-1", "amount": "10",
                                             "customer": {"id": "{customer}"}}]}}),
]


@pytest.fixture
def foreign_ids(org, other_org, member, earn_rule):
    bill = BillFactory(org=other_org, number="FOREIGN-BILL-77")
    BillLineFactory(bill=bill)
    rejected = RejectedBillFactory(org=other_org, number="FOREIGN-REJECTED-88")
    run = job_run_start(org=other_org, kind=RETRIGGER_JOB_KIND, total=1, parameters={"ids": [rejected.pk]})
    return {"bill": bill.pk, "number": bill.number, "customer": bill.customer_id, "rejected": rejected.pk,
            "rejected_number": rejected.number, "run": run.pk}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_refused(endpoint, api_client, foreign_ids):
    assert_refuses_foreign_org(api_client, endpoint, foreign_ids)
