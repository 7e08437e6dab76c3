"""Every points endpoint, called by org A with org B's customers, redemptions, entries and programmes, answers like a
missing object (404 in its version's envelope) and writes nothing."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.points.services import points_credit, points_redeem, program_create
from tests.factories.customers import CustomerFactory
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

from .conftest import credit

pytestmark = pytest.mark.django_db
D = Decimal
FOREIGN = "identifierName=mobile&identifierValue={fmobile}&source=INSTORE"
OWN = "identifierName=mobile&identifierValue=919800000001&source=INSTORE"


def _transfer(from_mobile, to_mobile, program):
    return {"pointsTobeTransferred": 10, "programId": program,
            "fromCustomerIdentifier": {"type": "MOBILE", "value": from_mobile},
            "toCustomerIdentifier": {"type": "MOBILE", "value": to_mobile}}


ENDPOINTS = [
    # v1.1 / v1
    Endpoint("GET", "/v1.1/points/isredeemable?points=10&mobile={fmobile}"),
    Endpoint("GET", "/v1.1/points/isredeemable?points=10&id={fcustomer}"),
    Endpoint("GET", "/v1/points/isredeemable?points=10&mobile={fmobile}"),
    Endpoint("GET", "/v1.1/points/isredeemable?points=10&mobile=919800000001&program_id={fprogram}"),
    Endpoint("GET", "/v1.1/points/validationcode?mobile={fmobile}&points=10"),
    Endpoint("GET", "/v1/points/validationcode?id={fcustomer}"),
    Endpoint("POST", "/v1.1/points/redeem", body={"root": {"redeem": {"points_redeemed": "10", "transaction_number": "X",
                                                                      "customer": {"mobile": "{fmobile}"}}}}),
    Endpoint("POST", "/v1/points/redeem", body={"root": {"redeem": [{"points_redeemed": "10",
                                                                     "customer": {"id": "{fcustomer}"}}]}}),
    Endpoint("POST", "/v1.1/points/redeem?program_id={fprogram}",
             body={"root": {"redeem": {"points_redeemed": "10", "customer": {"mobile": "919800000001"}}}}),
    # v2 operations
    Endpoint("POST", "/v2/points/isTransferrable", body=_transfer("{fmobile}", "919800000002", "{own_program}")),
    Endpoint("POST", "/v2/points/isTransferrable", body=_transfer("919800000001", "{fmobile}", "{own_program}")),
    Endpoint("POST", "/v2/points/transfer", body=_transfer("{fmobile}", "919800000002", "{own_program}")),
    Endpoint("POST", "/v2/points/transfer", body=_transfer("919800000001", "{fmobile}", "{own_program}")),
    Endpoint("POST", "/v2/points/transfer", body=_transfer("919800000001", "919800000002", "{fprogram}")),
    Endpoint("GET", "/v2/points/transfer?" + FOREIGN),
    Endpoint("POST", "/v2/points/reverse", body={"redemptionId": "{fredemption}",
                                                 "identifier": {"type": "mobile", "value": "919800000001"}}),
    Endpoint("POST", "/v2/points/reverse", body={"redemptionId": "{fredemption}",
                                                 "identifier": {"type": "mobile", "value": "{fmobile}"}}),
    Endpoint("POST", "/v2/points/unlockPromisedPoints?" + FOREIGN, body={"eventName": "TransactionAdd",
                                                                        "billNumber": "FB1"}),
    Endpoint("POST", "/v2/points/unlockPromisedPoints?" + OWN, body={"eventName": "TransactionAdd",
                                                                    "billNumber": "FB1"}),
    # v2 ledger
    Endpoint("GET", "/v2/pointsLedger/getCustomerLedgerBalance?" + FOREIGN),
    Endpoint("GET", "/v2/pointsLedger/getCustomerLedgerInfo?" + FOREIGN),
    Endpoint("GET", "/v2/pointsLedger/getLedgerExplodeInfo?" + FOREIGN),
    Endpoint("GET", "/v2/pointsLedger/getCustomerLedgerInfo?" + OWN + "&programId={fprogram}"),
    Endpoint("GET", "/v2/pointsLedger/getLedgerExplodeInfo?" + OWN + "&eventIds={fentry}", absent_key="fentry"),
    # v2 customer reads, by id and by lookup
    *[Endpoint("GET", f"/v2/customers/{{fcustomer}}/{tail}") for tail in (
        "points/balance", "pointsExpirySchedule", "promisedPointsSchedule", "loyaltyDetails", "pointsTransfers",
        "pointsStatement")],
    *[Endpoint("GET", f"/v2/customers/lookup/{tail}?" + FOREIGN) for tail in (
        "points/balance", "pointsExpirySchedule", "promisedPointsSchedule", "loyaltyDetails")],
    Endpoint("GET", "/v2/customers/{own_customer}/points/balance?programId={fprogram}"),
    Endpoint("GET", "/v2/customers/{own_customer}/loyaltyDetails?programId={fprogram}"),
    Endpoint("GET", "/v2/customers/{own_customer}/pointsStatement?programId={fprogram}"),
]


@pytest.fixture
def foreign_ids(org, other_org, program, member, friend):
    credit(org, member, program, 500)
    foreign_program = program_create(org=other_org, name="Rival club", is_default=True)
    foreign = CustomerFactory(org=other_org, mobile="919800000009")
    points_credit(org=other_org, customer=foreign, points=D(500), program=foreign_program, source_type="BILL",
                  source_ref="FB1", promised=True)
    points_credit(org=other_org, customer=foreign, points=D(500), program=foreign_program, source_type="BILL",
                  source_ref="FB2")
    redemption = points_redeem(org=other_org, customer=foreign, program=foreign_program, points=D(10))
    return {"fcustomer": foreign.pk, "fmobile": "919800000009", "fprogram": foreign_program.pk,
            "fredemption": redemption.code, "fentry": redemption.entry_id, "own_program": program.pk,
            "own_customer": member.pk}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_refused(endpoint, api_client, foreign_ids):
    assert_refuses_foreign_org(api_client, endpoint, foreign_ids)
