"""GET /v2/customers/{id}/pointsStatement — our addition: every entry with its source and the lots it touched."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.points.services import points_expire_due, points_redeem, points_reverse_redemption
from tests.helpers.api import v2_error_codes

from .conftest import credit

pytestmark = pytest.mark.django_db
D = Decimal


def test_statement_shows_sources_balances_and_lots(api_client, org, program, member, clock):
    # given
    first = credit(org, member, program, 30, ref="BILL-A", expires_at=clock.now + timedelta(days=5))
    credit(org, member, program, 30, ref="BILL-B")
    redemption = points_redeem(org=org, customer=member, program=program, points=D(45), bill_number="R1")
    points_reverse_redemption(org=org, redemption_code=redemption.code, points=D(5), reason="returned")
    # when
    response = api_client.get(f"/v2/customers/{member.pk}/pointsStatement")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["customerId"] == member.pk and body["pagination"] == {"limit": 10, "offset": 0, "total": 4}
    reverse, redeem, credit_b, credit_a = body["data"]
    assert (reverse["kind"], reverse["source"], reverse["reverses"]) == (
        "REVERSE_REDEMPTION", {"type": "REDEMPTION", "reference": redemption.code}, redemption.entry_id)
    assert [(lot["lotId"], lot["action"], lot["points"]) for lot in reverse["lots"]] == [
        (credit_b["lots"][0]["lotId"], "RESTORED", "5.000")]
    assert (redeem["eventName"], redeem["availableDelta"], redeem["availableAfter"]) == (
        "PointsRedemption", "-45.000", "15.000")
    assert [(lot["action"], lot["points"], lot["lotSource"]["reference"]) for lot in redeem["lots"]] == [
        ("CONSUMED", "-30.000", "BILL-A"), ("CONSUMED", "-15.000", "BILL-B")]
    assert credit_a["entryId"] == first.pk
    assert [(lot["action"], lot["points"], lot["state"]) for lot in credit_a["lots"]] == [("CREATED", "30.000",
                                                                                          "AVAILABLE")]
    assert credit_a["lots"][0]["lotExpiresOn"] == "2026-01-20T15:30:00+05:30"


def test_statement_expiry_entry_names_the_lots_it_expired(api_client, org, program, member, clock):
    credit(org, member, program, 30, ref="BILL-A", expires_at=clock.now + timedelta(days=5))
    clock.advance(days=6)
    points_expire_due(now=clock.now, org_id=org.pk)
    expire = api_client.get(f"/v2/customers/{member.pk}/pointsStatement").json()["data"][0]
    assert (expire["kind"], expire["eventName"], expire["availableDelta"], expire["availableAfter"]) == (
        "EXPIRE", "PointsExpiry", "-30.000", "0.000")
    assert [(lot["action"], lot["points"], lot["lotSource"]["reference"]) for lot in expire["lots"]] == [
        ("EXPIRED", "-30.000", "BILL-A")]


def test_statement_pages_and_filters_by_date(api_client, org, program, member, clock):
    for i in range(4):
        credit(org, member, program, 10, ref=f"B{i}")
        clock.advance(days=1)
    page = api_client.get(f"/v2/customers/{member.pk}/pointsStatement?limit=2&offset=2").json()
    dated = api_client.get(f"/v2/customers/{member.pk}/pointsStatement?startDate=2026-01-16&endDate=2026-01-17").json()
    assert [e["source"]["reference"] for e in page["data"]] == ["B1", "B0"]
    assert [e["source"]["reference"] for e in dated["data"]] == ["B2", "B1"]


@pytest.mark.parametrize("query, http, code", [("limit=101", 400, 8102), ("programId=999999", 404, 885),
                                               ("startDate=yesterday", 400, 400)])
def test_statement_refusals(api_client, program, member, query, http, code):
    response = api_client.get(f"/v2/customers/{member.pk}/pointsStatement?{query}")
    assert response.status_code == http and v2_error_codes(response) == [code]


def test_statement_queries_do_not_grow(api_client, org, program, member):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(f"/v2/customers/{member.pk}/pointsStatement?limit=100").status_code == 200
        return len(ctx)

    count()
    for i in range(3):
        credit(org, member, program, 10, ref=f"A{i}")
    points_redeem(org=org, customer=member, program=program, points=D(15))
    few = count()
    for i in range(30):
        credit(org, member, program, 10, ref=f"B{i}")
        points_redeem(org=org, customer=member, program=program, points=D(7))
    assert count() == few
