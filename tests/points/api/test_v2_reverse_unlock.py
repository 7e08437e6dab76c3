"""POST /v2/points/reverse and POST /v2/points/unlockPromisedPoints."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.points.models import LedgerEntry, PointsAccount, Redemption
from apps.points.services import points_redeem
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import credit

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def redemption(org, program, member):
    credit(org, member, program, 500)
    return points_redeem(org=org, customer=member, program=program, points=D(100), bill_number="R1")


def reverse(client, redemption_id, points=None, identifier=None):
    data = {"redemptionId": redemption_id, "identifier": identifier or {"type": "mobile", "value": "919800000001"}}
    if points is not None:
        data["pointsToBeReversed"] = points
    return client.post("/v2/points/reverse", data, format="json")


def test_partial_then_full_reversal(api_client, org, member, redemption):
    # when
    first = reverse(api_client, redemption.code, 40)
    rest = reverse(api_client, redemption.code)
    # then
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["redemptionId"], body["customerId"], body["orgId"]) == (redemption.code, member.pk, org.pk)
    assert D(str(body["pointsToBeReversed"])) == D(40) and D(str(body["pointsReversed"])) == D(40)
    assert body["pointsReversedDetails"] == {"available": 40.0, "expired": 0.0}
    assert body["identifier"] == {"type": "mobile", "value": "919800000001"}
    assert body["reversalId"] == str(LedgerEntry.objects.filter(kind="REVERSE_REDEMPTION").order_by("id").first().pk)
    assert D(str(rest.json()["pointsReversed"])) == D(60)
    redemption.refresh_from_db()
    assert redemption.status == "REVERSED"
    assert PointsAccount.objects.get(customer=member).available == D(500)


def test_reversal_into_an_expired_lot_comes_back_expired(api_client, org, program, member, clock):
    credit(org, member, program, 100)
    redeemed = points_redeem(org=org, customer=member, program=program, points=D(100), bill_number="R1")
    clock.advance(days=400)
    body = reverse(api_client, redeemed.code).json()
    assert body["pointsReversedDetails"] == {"available": 0.0, "expired": 100.0}


@pytest.mark.parametrize("points, identifier, http, code", [
    ("-5", None, 400, 801),
    ("abc", None, 400, 801),
    ("1.5", None, 400, 878),
    ("200", None, 422, 810),
    (None, {"type": "mobile", "value": "919800000002"}, 404, 902),  # someone else's redemption
    (None, {"type": "mobile", "value": "919899999999"}, 404, 8015),
    (None, {"type": "passport", "value": "x"}, 400, 8013),
])
def test_refused_reversals_write_nothing(api_client, redemption, friend, points, identifier, http, code):
    before = db_snapshot()
    response = reverse(api_client, redemption.code, points, identifier)
    assert response.status_code == http, response.content
    assert v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_unknown_redemption_is_902(api_client, redemption):
    response = reverse(api_client, "NOPE99")
    assert response.status_code == 404 and v2_error_codes(response) == [902]


def test_reversing_twice_is_3802(api_client, redemption):
    reverse(api_client, redemption.code)
    response = reverse(api_client, redemption.code)
    assert response.status_code == 422 and v2_error_codes(response) == [3802]


def test_reversal_disabled_is_905(api_client, program, redemption):
    program.allow_redemption_reversal = False
    program.save()
    response = reverse(api_client, redemption.code)
    assert response.status_code == 422 and v2_error_codes(response) == [905]
    assert Redemption.objects.get().reversed_points == 0


# -- unlock ------------------------------------------------------------------------------------------------------
UNLOCK = "/v2/points/unlockPromisedPoints?identifierName=mobile&identifierValue=919800000001&source=INSTORE"


def test_unlock_converts_a_bills_promised_points(api_client, org, program, member):
    # given
    program.promised_delay_days = 7
    program.save()
    credit(org, member, program, 60, ref="16484")
    credit(org, member, program, 40, ref="OTHER")
    # when
    response = api_client.post(UNLOCK, {"eventName": "TransactionAdd", "billNumber": 16484,
                                        "sourceProgramId": program.pk}, format="json")
    # then
    assert response.status_code == 200, response.content
    assert response.json()["pointsUnlocked"] == [{"billNumber": "16484", "pointsUnlocked": 60.0,
                                                  "programId": program.pk}]
    account = PointsAccount.objects.get(customer=member)
    assert (account.available, account.promised) == (D(60), D(40))


@pytest.mark.parametrize("url, data, http, code", [
    ("/v2/points/unlockPromisedPoints?identifierName=mobile&identifierValue=919800000001", {"eventName": "X", "billNumber": "1"}, 400, 82323284),
    (UNLOCK + "&type=USERGROUP2", {"eventName": "TransactionAdd", "billNumber": "16484"}, 400, 82323276),
    (UNLOCK, {"billNumber": "16484"}, 400, 82323272),
    (UNLOCK, {"eventName": "TransactionAdd"}, 400, 82323271),
    (UNLOCK, {"eventName": "TransactionAdd", "billNumber": "NOPE"}, 404, 82323277),
    (UNLOCK, {"eventName": "TransactionAdd", "billNumber": "16484", "sourceProgramId": 999999}, 404, 885),
])
def test_unlock_refusals(api_client, org, program, member, url, data, http, code):
    program.promised_delay_days = 7
    program.save()
    credit(org, member, program, 60, ref="16484")
    before = db_snapshot()
    response = api_client.post(url, data, format="json")
    assert response.status_code == http, response.content
    assert v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_unlock_twice_finds_nothing_promised(api_client, org, program, member):
    program.promised_delay_days = 7
    program.save()
    credit(org, member, program, 60, ref="16484")
    api_client.post(UNLOCK, {"eventName": "TransactionAdd", "billNumber": "16484"}, format="json")
    again = api_client.post(UNLOCK, {"eventName": "TransactionAdd", "billNumber": "16484"}, format="json")
    assert again.status_code == 422 and v2_error_codes(again) == [82323282]
