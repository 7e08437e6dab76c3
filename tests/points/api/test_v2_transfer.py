"""v2 points transfers: isTransferrable (+ OTP), transfer, and the transfer history routes."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.points.models import PointsAccount, Transfer, ValidationCode
from apps.points.services import points_transfer
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import credit, last_code

pytestmark = pytest.mark.django_db
D = Decimal


def body(program, points=1000, **extra):
    data = {"pointsTobeTransferred": points, "groupProgramTransfer": "false", "programId": program.pk,
            "fromCustomerIdentifier": {"type": "MOBILE", "value": "919800000001"},
            "toCustomerIdentifier": {"type": "MOBILE", "value": "919800000002"}}
    data.update(extra)
    return data


def test_is_transferrable(api_client, org, program, member, friend):
    # given
    credit(org, member, program, 1500)
    # when
    response = api_client.post("/v2/points/isTransferrable", body(program, notes="Sample notes"), format="json")
    # then
    assert response.status_code == 200, response.content
    item = response.json()["data"][0]
    assert item["transferrable"] is True and D(str(item["pointsTobeTransferred"])) == D(1000)
    assert item["transferFrom"]["id"] == member.pk and item["transferTo"]["id"] == friend.pk
    assert item["transferFrom"]["profiles"][0]["identifiers"][0]["value"] == "919800000001"
    assert item["transferFrom"]["loyaltyInfo"]["loyaltyType"] == "loyalty"
    assert response.json()["errors"] == [] and not Transfer.objects.exists()


def test_issue_otp_makes_the_transfer_need_the_code(api_client, org, program, member, friend, outbox, send_now):
    # given
    credit(org, member, program, 1500)
    send_now(lambda: api_client.post("/v2/points/isTransferrable", body(program, issueOtp=True), format="json"))
    code = last_code(outbox)
    # when
    without = api_client.post("/v2/points/transfer", body(program), format="json")
    wrong = api_client.post("/v2/points/transfer", body(program, code="000000"), format="json")
    right = api_client.post("/v2/points/transfer", body(program, code=code), format="json")
    # then
    assert without.status_code == 400 and v2_error_codes(without) == [808]
    assert wrong.status_code == 400 and v2_error_codes(wrong) == [808]
    assert right.status_code == 200, right.content
    assert Transfer.objects.count() == 1
    assert ValidationCode.objects.get(purpose="TRANSFER").used_at is not None


def test_transfer_moves_points_and_answers_the_documented_shape(api_client, org, program, member, friend):
    # given
    credit(org, member, program, 1500)
    # when
    response = api_client.post("/v2/points/transfer", {**body(program), "toCustomerIdentifier": {
        "type": "ID", "value": str(friend.pk)}, "notes": "Gift"}, format="json")
    # then
    assert response.status_code == 200, response.content
    item = response.json()["data"][0]
    transfer = Transfer.objects.get()
    assert (item["fromEntityId"], item["toEntityId"], item["transferId"], item["transferType"]) == (
        member.pk, friend.pk, transfer.pk, "DEDUCTION")
    assert (item["fromEntityType"], item["toEntityType"]) == ("CUSTOMER", "CUSTOMER")
    assert D(str(item["pointsTransferred"])) == D(1000) and item["notes"] == "Gift"
    assert item["transferredTo"] == {"userId": friend.pk, "firstName": "Ravi", "lastName": "Nair"}
    assert item["programName"] == program.name
    assert len(item["pointsTransferDate"]) == 19
    breakup = item["pointsTransferBreakupByEarningPrograms"][0]
    assert (breakup["programId"], D(str(breakup["deductedPoints"])), D(str(breakup["programCurrentPoints"]))) == (
        program.pk, D(1000), D(500))
    balances = dict(PointsAccount.objects.values_list("customer_id", "available"))
    assert balances == {member.pk: D(500), friend.pk: D(1000)}


@pytest.mark.parametrize("change, http, code", [
    ({"pointsTobeTransferred": -5}, 400, 422),
    ({"pointsTobeTransferred": "lots"}, 400, 422),
    ({"pointsTobeTransferred": "1.5"}, 400, 878),
    ({"pointsTobeTransferred": 5000}, 422, 817),
    ({"programId": 999999}, 404, 885),
    ({"fromCustomerIdentifier": {"type": "PASSPORT", "value": "X"}}, 400, 434),
    ({"toCustomerIdentifier": {"type": "MOBILE", "value": "919899999999"}}, 404, 8015),
    ({"toCustomerIdentifier": {"type": "MOBILE", "value": "919800000001"}}, 400, 418),
])
@pytest.mark.parametrize("url", ["/v2/points/transfer", "/v2/points/isTransferrable"])
def test_refused_transfers_write_nothing(api_client, org, program, member, friend, change, http, code, url):
    credit(org, member, program, 1500)
    before = db_snapshot()
    response = api_client.post(url, body(program, **change), format="json")
    assert response.status_code == http, response.content
    assert v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_transfer_not_allowed_by_the_programme_is_818(api_client, org, program, member, friend):
    program.allow_transfer = False
    program.save()
    credit(org, member, program, 1500)
    response = api_client.post("/v2/points/transfer", body(program), format="json")
    assert response.status_code == 422 and v2_error_codes(response) == [818]


def test_fraud_sender_is_415(api_client, org, program, member, friend):
    credit(org, member, program, 1500)
    member.fraud_status = "CONFIRMED"
    member.save()
    response = api_client.post("/v2/points/transfer", body(program), format="json")
    assert response.status_code == 422 and v2_error_codes(response) == [415]


# -- history -----------------------------------------------------------------------------------------------------
def _transfers(org, program, member, friend, n):
    for i in range(n):
        points_transfer(org=org, from_customer=member if i % 2 == 0 else friend,
                        to_customer=friend if i % 2 == 0 else member, program=program, points=D(1), notes=f"n{i}")


def test_customer_transfer_summary_shows_both_directions(api_client, org, program, member, friend):
    credit(org, member, program, 100)
    credit(org, friend, program, 100, ref="B2")
    _transfers(org, program, member, friend, 3)
    response = api_client.get(f"/v2/customers/{member.pk}/pointsTransfers")
    assert response.status_code == 200
    data = response.json()["data"]
    assert [d["notes"] for d in data] == ["n2", "n1", "n0"]
    assert [d["transferType"] for d in data] == ["DEDUCTION", "ADDITION", "DEDUCTION"]
    assert response.json()["pagination"] == {"limit": 10, "offset": 0, "total": 3}


def test_transfer_history_by_identifier_pages_and_sorts(api_client, org, program, member, friend):
    credit(org, member, program, 100)
    credit(org, friend, program, 100, ref="B2")
    _transfers(org, program, member, friend, 5)
    response = api_client.get("/v2/points/transfer?identifierName=mobile&identifierValue=919800000001&source=INSTORE"
                              "&limit=2&page=2&sortOrder=asc")
    assert response.status_code == 200
    assert [d["notes"] for d in response.json()["data"]] == ["n2", "n3"]
    assert response.json()["pagination"] == {"limit": 2, "offset": 2, "total": 5}


@pytest.mark.parametrize("query, http, code", [("limit=101", 400, 8102), ("limit=0", 400, 8101), ("offset=-1", 400, 8100),
                                               ("sortBy=colour", 400, 400), ("programId=999999", 404, 885)])
def test_transfer_history_bad_paging(api_client, member, program, query, http, code):
    response = api_client.get(f"/v2/customers/{member.pk}/pointsTransfers?{query}")
    assert response.status_code == http and v2_error_codes(response) == [code]


def test_transfer_history_lookup_needs_a_source(api_client, member, program):
    response = api_client.get("/v2/points/transfer?identifierName=mobile&identifierValue=919800000001")
    assert response.status_code == 400 and v2_error_codes(response) == [8001]


def test_transfer_history_queries_do_not_grow(api_client, org, program, member, friend):
    credit(org, member, program, 1000)
    credit(org, friend, program, 1000, ref="B2")
    others = [CustomerFactory(org=org) for _ in range(3)]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(f"/v2/customers/{member.pk}/pointsTransfers?limit=100").status_code == 200
        return len(ctx)

    count()  # warm up: the first call verifies the till's credentials
    for other in others:
        points_transfer(org=org, from_customer=member, to_customer=other, program=program, points=D(1))
    few = count()
    for i in range(30):
        points_transfer(org=org, from_customer=member, to_customer=others[i % 3], program=program, points=D(1))
    assert count() == few
