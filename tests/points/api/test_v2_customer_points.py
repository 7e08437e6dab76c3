"""v2 light APIs about one customer: points balance, expiry schedule, promised schedule, loyalty details."""
from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.points.services import points_redeem, points_revoke, program_create
from tests.helpers.api import v2_error_codes

from .conftest import credit

pytestmark = pytest.mark.django_db
D = Decimal
LOOKUP = "identifierName=mobile&identifierValue=919800000001&source=INSTORE"


@pytest.fixture
def second(org):
    return program_create(org=org, name="Partner club", point_value=D("1"))


@pytest.mark.parametrize("url", ["/v2/customers/{id}/points/balance", f"/v2/customers/lookup/points/balance?{LOOKUP}"])
def test_points_balance(api_client, org, program, member, url, clock):
    # given
    credit(org, member, program, 500)
    credit(org, member, program, 320, ref="B2", promised=True)
    # when
    response = api_client.get(url.format(id=member.pk))
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"entityId": member.pk, "entityType": "CUSTOMER", "programId": program.pk,
                               "totalPoints": 820.0, "mainPoints": 500.0, "promisedPoints": 320.0,
                               "promisedPointsBreakup": {"delayedAccrualPoints": 320.0,
                                                         "externalTriggerBasedPoints": 0.0}, "warnings": []}


def test_balance_excludes_points_past_their_date_before_the_nightly_run(api_client, org, program, member, clock):
    credit(org, member, program, 100, expires_at=clock.now + timedelta(days=1))
    credit(org, member, program, 50, ref="B2")
    clock.advance(days=2)
    assert api_client.get(f"/v2/customers/{member.pk}/points/balance").json()["mainPoints"] == 50.0


def test_balance_across_all_programmes(api_client, org, program, second, member):
    credit(org, member, program, 500)
    credit(org, member, second, 30, ref="P2")
    only_second = api_client.get(f"/v2/customers/{member.pk}/points/balance?programId={second.pk}").json()
    every = api_client.get(f"/v2/customers/{member.pk}/points/balance?fetchDataForAllPrograms=true&programId="
                           f"{second.pk}").json()
    assert only_second["mainPoints"] == 30.0 and only_second["programId"] == second.pk
    assert every["mainPoints"] == 530.0 and "programId" not in every


@pytest.mark.parametrize("path, http, code", [
    ("/v2/customers/999999/points/balance", 404, 8015),
    ("/v2/customers/abc/points/balance", 404, 8015),
    ("/v2/customers/{id}/points/balance?entityType=FLEET", 400, 1212),
    ("/v2/customers/{id}/points/balance?programId=999999", 404, 885),
    ("/v2/customers/lookup/points/balance?identifierName=mobile&identifierValue=919800000001", 400, 8001),
    ("/v2/customers/lookup/points/balance?identifierName=mobile&identifierValue=919899999999&source=INSTORE", 404, 8015),
])
def test_balance_refusals(api_client, program, member, path, http, code):
    response = api_client.get(path.format(id=member.pk))
    assert response.status_code == http and v2_error_codes(response) == [code]


def test_balance_queries_do_not_grow_with_lots(api_client, org, program, member):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(f"/v2/customers/{member.pk}/points/balance").status_code == 200
        return len(ctx)

    count()
    for i in range(3):
        credit(org, member, program, 10, ref=f"A{i}")
    few = count()
    for i in range(30):
        credit(org, member, program, 10, ref=f"B{i}")
    assert count() == few


# -- expiry schedule ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/v2/customers/{id}/pointsExpirySchedule",
                                 f"/v2/customers/lookup/pointsExpirySchedule?{LOOKUP}"])
def test_expiry_schedule_soonest_first(api_client, org, program, member, clock, url):
    # given: the org's calendar is Asia/Kolkata (UTC+5:30)
    day = datetime(2026, 3, 1, 12, 0, tzinfo=dt_timezone.utc)
    credit(org, member, program, 200, ref="B1", expires_at=day + timedelta(days=30))
    credit(org, member, program, 100, ref="B2", expires_at=day)
    credit(org, member, program, 50, ref="B3", expires_at=day + timedelta(hours=1))
    redeemer = points_redeem(org=org, customer=member, program=program, points=D(20))  # takes from the soonest lot
    assert redeemer.points == D(20)
    # when
    response = api_client.get(url.format(id=member.pk))
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["profiles"], body["loyaltyInfo"], body["segments"]) == (
        member.pk, [], {"loyaltyType": "loyalty"}, {})
    assert body["expirySchedules"] == [
        {"points": 130.0, "expiryDate": "2026-03-01", "programId": program.pk, "pointsType": "bill_regular",
         "expiryType": "fixed"},
        {"points": 200.0, "expiryDate": "2026-03-31", "programId": program.pk, "pointsType": "bill_regular",
         "expiryType": "fixed"}]


def test_expiry_schedule_earliest_only_and_date_window(api_client, org, program, member, clock):
    base = clock.now
    for days in (10, 20, 40):
        credit(org, member, program, days, ref=f"B{days}", expires_at=base + timedelta(days=days))
    earliest = api_client.get(f"/v2/customers/{member.pk}/pointsExpirySchedule?fetchEarliestExpiryOnly=true").json()
    window = api_client.get(f"/v2/customers/{member.pk}/pointsExpirySchedule?startDate=2026-01-30&endDate=2026-02-20"
                            ).json()
    assert [i["points"] for i in earliest["expirySchedules"]] == [10.0]
    assert [i["points"] for i in window["expirySchedules"]] == [20.0]


@pytest.mark.parametrize("query, code", [("startDate=2026/02/01", 1216), ("endDate=tomorrow", 1216),
                                         ("startDate=2026-01-01", 1215), ("startDate=2026-03-01&endDate=2026-02-01", 1214),
                                         ("endDate=2200-01-01", 1217), ("programId=999999", 885)])
def test_expiry_schedule_refusals(api_client, program, member, clock, query, code):
    response = api_client.get(f"/v2/customers/{member.pk}/pointsExpirySchedule?{query}")
    assert response.status_code in (400, 404) and v2_error_codes(response) == [code]


# -- promised schedule -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/v2/customers/{id}/promisedPointsSchedule",
                                 f"/v2/customers/lookup/promisedPointsSchedule?{LOOKUP}"])
def test_promised_schedule(api_client, org, program, member, clock, url):
    program.promised_delay_days = 7
    program.save()
    credit(org, member, program, 130, ref="B1")
    credit(org, member, program, 70, ref="B2")
    clock.advance(days=1)
    credit(org, member, program, 50, ref="B3")
    body = api_client.get(url.format(id=member.pk)).json()
    assert body["entityId"] == member.pk and body["triggerBasedPointsList"] == []
    assert body["promisedPointsScheduleList"] == [
        {"points": 200.0, "redeemableFrom": "2026-01-22", "programId": program.pk, "pointsType": "bill_regular"},
        {"points": 50.0, "redeemableFrom": "2026-01-23", "programId": program.pk, "pointsType": "bill_regular"}]


# -- loyalty details ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/v2/customers/{id}/loyaltyDetails", f"/v2/customers/lookup/loyaltyDetails?{LOOKUP}"])
def test_loyalty_details_per_programme(api_client, org, program, second, member, url):
    # given
    credit(org, member, program, 1050)
    points_redeem(org=org, customer=member, program=program, points=D(40))
    program.promised_delay_days = 7
    program.save()
    credit(org, member, program, 300, ref="B9")
    points_revoke(org=org, customer=member, program=program, points=D(250), source_type="BILL", source_ref="B9")
    # when
    response = api_client.get(url.format(id=member.pk))
    # then
    assert response.status_code == 200
    first, other = response.json()["data"]
    account = member.points_accounts.get(program=program)
    assert first == {"redeemed": 40.0, "expired": 0.0, "returned": 0.0, "adjusted": 0.0, "lifetimePoints": 1350.0,
                     "loyaltyPoints": 1010.0, "loyaltyId": account.pk, "programId": program.pk, "delayedPoints": 50.0,
                     "delayedReturnedPoints": 250.0, "totalAvailablePoints": 1060.0, "totalReturnedPoints": 250.0}
    assert (other["programId"], other["loyaltyId"], other["loyaltyPoints"]) == (second.pk, -1, 0.0)
    assert "currentSlab" not in first  # tiers are not part of the ledger


def test_loyalty_details_for_one_programme(api_client, org, program, second, member):
    data = api_client.get(f"/v2/customers/{member.pk}/loyaltyDetails?programId={second.pk}").json()["data"]
    assert [d["programId"] for d in data] == [second.pk]
