"""v2 points ledger: getCustomerLedgerBalance, getCustomerLedgerInfo, getLedgerExplodeInfo (page-based paging)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.points.models import LedgerEntry
from apps.points.services import Actor, points_redeem, points_transfer
from tests.factories.organizations import StoreFactory, TillFactory
from tests.helpers.api import v2_error_codes

from .conftest import credit

pytestmark = pytest.mark.django_db
D = Decimal
WHO = "identifierName=mobile&identifierValue=919800000001&source=INSTORE"


def test_ledger_balance_as_of_a_date(api_client, org, program, member, clock):
    # given
    credit(org, member, program, 300)
    clock.advance(days=2)
    credit(org, member, program, 200, ref="B2")
    program.promised_delay_days = 7
    program.save()
    credit(org, member, program, 70, ref="B3")
    # when
    now = api_client.get(f"/v2/pointsLedger/getCustomerLedgerBalance?{WHO}")
    then = api_client.get(f"/v2/pointsLedger/getCustomerLedgerBalance?{WHO}&endDate=2026-01-16T12:00:00")
    # then
    assert now.status_code == 200, now.content
    body = now.json()
    assert body["customerDetails"] == {"firstName": "Asha", "lastName": "Rao", "userId": member.pk,
                                       "externalId": "EXT-ASHA", "entityType": "CUSTOMER"}
    assert body["ledgerDetails"] == {"pageNumber": 0, "pageSize": 10, "totalEntries": 3, "pageCount": 1,
                                     "ledgerClosingBalance": [
                                         {"pointsCategory": "Main", "programName": program.name,
                                          "programId": program.pk, "closingBalance": "500.000"},
                                         {"pointsCategory": "DelayedAccrualPointCategory", "programName": program.name,
                                          "programId": program.pk, "closingBalance": "70.000"}]}
    earlier = then.json()["ledgerDetails"]
    assert earlier["totalEntries"] == 1
    assert [r["closingBalance"] for r in earlier["ledgerClosingBalance"]] == ["300.000", "0.000"]
    only_main = api_client.get(f"/v2/pointsLedger/getCustomerLedgerBalance?{WHO}&pointCategoryType=REGULAR").json()
    assert [r["pointsCategory"] for r in only_main["ledgerDetails"]["ledgerClosingBalance"]] == ["Main"]


def test_ledger_info_lists_events_newest_first(api_client, org, program, member, friend, till, clock):
    # given
    credit(org, member, program, 300, ref="BILL-1")
    clock.advance(hours=1)
    redemption = points_redeem(org=org, customer=member, program=program, points=D(10), bill_number="R1",
                               actor=Actor.for_till(till))
    clock.advance(hours=1)
    points_transfer(org=org, from_customer=member, to_customer=friend, program=program, points=D(5))
    # when
    response = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ledgerDetails"] == {"pageNumber": 0, "pageSize": 10, "totalEntries": 3, "pageCount": 1}
    events = body["ledgerEntries"]
    assert [e["eventName"] for e in events] == ["PointsTransfer", "PointsRedemption", "TransactionAdd"]
    redeemed = events[1]
    assert redeemed["eventLogId"] == redemption.entry_id and redeemed["customerId"] == member.pk
    assert redeemed["entryDetails"] == [{"ledgerEntryType": "DEBIT", "points": "10.000", "pointsCategory": "Main",
                                         "programName": program.name, "programId": program.pk}]
    assert redeemed["netPointsOnEvent"] == "-10.000"
    assert (redeemed["storeCode"], redeemed["tillCode"]) == (till.store.code, till.code)
    assert redeemed["ledgerCreatedDate"] == "2026-01-15 16:30:00.0"  # 11:00 UTC in Asia/Kolkata
    assert events[2]["transactionDetails"] == {"transactionNumber": "BILL-1"}
    assert events[2]["entryDetails"][0]["ledgerEntryType"] == "CREDIT"


def test_ledger_info_pages_filters_and_sorts(api_client, org, program, member, clock):
    for i in range(5):
        credit(org, member, program, 10 + i, ref=f"B{i}")
        clock.advance(minutes=1)
    points_redeem(org=org, customer=member, program=program, points=D(3))
    page = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&limit=2&offset=1&sortOrder=ASC").json()
    assert page["ledgerDetails"] == {"pageNumber": 1, "pageSize": 2, "totalEntries": 6, "pageCount": 3}
    assert [e["transactionDetails"]["transactionNumber"] for e in page["ledgerEntries"]] == ["B2", "B3"]
    debits = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&ledgerEntryType=DEBIT").json()
    assert [e["eventName"] for e in debits["ledgerEntries"]] == ["PointsRedemption"]
    promised = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&pointCategoryType=PROMISED").json()
    assert promised["ledgerEntries"] == []


def test_ledger_info_default_window_is_90_days(api_client, org, program, member, clock):
    credit(org, member, program, 10, ref="OLD")
    clock.advance(days=100)
    credit(org, member, program, 20, ref="NEW")
    recent = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}").json()["ledgerEntries"]
    year = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&includeLastOneYearData=true").json()
    every = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&isFilterBasedOnDate=false").json()
    assert [e["transactionDetails"]["transactionNumber"] for e in recent] == ["NEW"]
    assert year["ledgerDetails"]["totalEntries"] == 2 and every["ledgerDetails"]["totalEntries"] == 2


def test_ledger_info_opening_balance(api_client, org, program, member, clock):
    credit(org, member, program, 10)
    clock.advance(days=5)
    credit(org, member, program, 20, ref="B2")
    body = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&ledgerEntryType=OPENING_BALANCE"
                          "&startDate=2026-01-18T00:00:00&endDate=2026-01-25T00:00:00").json()
    (opening,) = body["ledgerEntries"]
    assert opening["eventName"] == "OpeningBalance"
    assert [d["points"] for d in opening["entryDetails"]] == ["10.000", "0.000"]


def test_ledger_info_by_till_and_store(api_client, org, program, member, till):
    credit(org, member, program, 10, actor=Actor.for_till(till))
    credit(org, member, program, 20, ref="B2")
    other_store = StoreFactory(org=org)
    by_till = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&tillId={till.pk}").json()
    by_store = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&storeCode={till.store.code}").json()
    empty = api_client.get(f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&storeId={other_store.pk}").json()
    assert by_till["ledgerDetails"]["totalEntries"] == 1 and by_store["ledgerDetails"]["totalEntries"] == 1
    assert empty["ledgerEntries"] == []


@pytest.mark.parametrize("path, query, code", [
    ("getCustomerLedgerInfo", "identifierName=mobile&identifierValue=919800000001", 11013),
    ("getCustomerLedgerBalance", "source=INSTORE", 11013),
    ("getCustomerLedgerBalance", f"{WHO}&limit=11", 11006),
    ("getCustomerLedgerInfo", f"{WHO}&limit=101", 11029),
    ("getCustomerLedgerInfo", f"{WHO}&limit=0", 8101),
    ("getCustomerLedgerInfo", f"{WHO}&offset=-1", 8100),
    ("getCustomerLedgerInfo", f"{WHO}&ledgerEntryType=REFUND", 11007),
    ("getCustomerLedgerInfo", f"{WHO}&pointCategoryType=GOLD", 11008),
    ("getCustomerLedgerInfo", f"{WHO}&startDate=2026-01-10T00:00:00&endDate=2026-01-01T00:00:00", 11009),
    ("getCustomerLedgerInfo", f"{WHO}&startDate=2025-01-01T00:00:00&endDate=2026-01-01T00:00:00", 11010),
    ("getCustomerLedgerInfo", f"{WHO}&startDate=01-01-2026", 11011),
    ("getCustomerLedgerInfo", f"{WHO}&tillId=1&storeId=2", 11028),
    ("getCustomerLedgerInfo", f"{WHO}&tillId=abc", 11025),
    ("getCustomerLedgerInfo", f"{WHO}&tillId=999999", 11004),
    ("getCustomerLedgerInfo", f"{WHO}&tillIds=999998,999999", 11027),
    ("getCustomerLedgerInfo", f"{WHO}&storeCode=nowhere", 11026),
    ("getCustomerLedgerInfo", f"{WHO}&programId=999999", 11005),
    ("getCustomerLedgerInfo", f"{WHO}&offset=3", 11003),
    ("getCustomerLedgerInfo", f"{WHO}&type=USERGROUP2", 1212),
    ("getCustomerLedgerInfo", "identifierName=mobile&identifierValue=919899999999&source=INSTORE", 8015),
    ("getLedgerExplodeInfo", f"{WHO}&eventIds=a,b", 11017),
    ("getLedgerExplodeInfo", f"{WHO}&eventIds=" + ",".join(str(i) for i in range(11)), 11014),
    ("getLedgerExplodeInfo", f"{WHO}&eventName=Birthday", 11014),
])
def test_ledger_refusals(api_client, org, program, member, path, query, code):
    credit(org, member, program, 10)
    response = api_client.get(f"/v2/pointsLedger/{path}?{query}")
    assert 400 <= response.status_code < 500, response.content
    assert v2_error_codes(response) == [code]


def test_explode_shows_lots_earned_and_drawn_on(api_client, org, program, member, clock):
    # given
    first = credit(org, member, program, 30, ref="BILL-A")
    credit(org, member, program, 30, ref="BILL-B", expires_at=clock.now + timedelta(days=10))
    redemption = points_redeem(org=org, customer=member, program=program, points=D(45), bill_number="R1",
                               purpose="gift")
    # when
    by_id = api_client.get(f"/v2/pointsLedger/getLedgerExplodeInfo?{WHO}&eventIds={redemption.entry_id},{first.pk}")
    by_ref = api_client.get(f"/v2/pointsLedger/getLedgerExplodeInfo?{WHO}&eventName=TransactionAdd"
                            "&eventReferenceIds=BILL-A")
    # then
    assert by_id.status_code == 200, by_id.content
    spent, earned = by_id.json()["events"]
    assert spent["eventName"] == "PointsRedemption"
    assert spent["eventDetails"]["redemptionDetails"]["redemptionId"] == redemption.code
    assert [(b["action"], b["points"], b["lotSource"]["reference"]) for b in spent["pointsBreakup"]] == [
        ("CONSUMED", "-30.000", "BILL-B"), ("CONSUMED", "-15.000", "BILL-A")]  # first to expire goes first
    assert earned["eventName"] == "TransactionAdd" and earned["eventReferenceId"] == "BILL-A"
    (lot,) = earned["pointsEarned"]["regular"]
    assert (lot["programId"], lot["value"], lot["expiryType"]) == (program.pk, 30.0, "fixed")
    assert [e["eventLogId"] for e in by_ref.json()["events"]] == [first.pk]


def test_ledger_info_queries_do_not_grow(api_client, org, program, member, till):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(url).status_code == 200
        return len(ctx)

    urls = [f"/v2/pointsLedger/getCustomerLedgerInfo?{WHO}&limit=100",
            f"/v2/pointsLedger/getLedgerExplodeInfo?{WHO}&limit=100",
            f"/v2/pointsLedger/getCustomerLedgerBalance?{WHO}"]
    for url in urls:
        count(url)
    for i in range(3):
        credit(org, member, program, 10, ref=f"A{i}", actor=Actor.for_till(till))
    few = [count(url) for url in urls]
    for i in range(30):
        credit(org, member, program, 10, ref=f"B{i}", actor=Actor.for_till(TillFactory(org=org)))
        points_redeem(org=org, customer=member, program=program, points=D(1))
    count(urls[0])  # re-warm the credentials cache the new tills invalidated
    assert [count(url) for url in urls] == few
    assert LedgerEntry.objects.count() == 63
