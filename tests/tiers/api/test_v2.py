"""v2 tier endpoints: tierDetails by id and by lookup, Manual Tier Adjustment, tier history, tenancy."""
from __future__ import annotations

import pytest

from apps.tiers.choices import ChangeSource, ValidityMode
from apps.tiers.models import TierChange, TierMembership
from apps.tiers.services import tier_settings_set
from tests.factories.customers import CustomerFactory
from tests.factories.points import LoyaltyProgramFactory
from tests.factories.tiers import ladder_build
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import Endpoint, assert_nothing_written, assert_refuses_foreign_org, db_snapshot
from tests.tiers.conftest import MOBILE, at

pytestmark = pytest.mark.django_db

LOOKUP = f"identifierName=mobile&identifierValue={MOBILE}&source=INSTORE"


def test_tier_details_of_a_base_member(api_client, program, tiers, member):
    response = api_client.get(f"/v2/customers/{member.pk}/tierDetails")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["entityId"] == member.pk and body["entityType"] == "CUSTOMER" and body["warnings"] == []
    row = body["programTiers"][0]
    assert {k: row[k] for k in ("programId", "currentTierName", "currentTierSerialNumber", "tierExpiryDate",
                                "nextTierName", "nextTierSerialNumber")} == {
        "programId": program.pk, "currentTierName": "Silver", "currentTierSerialNumber": 1, "tierExpiryDate": None,
        "nextTierName": "Gold", "nextTierSerialNumber": 2}
    assert row["progress"]["criterion"] == "LIFETIME_PURCHASES"
    assert row["progress"]["neededForNextTier"] == 1000 and row["tierSource"] == "BASE"


def test_tier_details_by_lookup_with_progress_and_renewal(org, api_client, program, tiers, member, buy):
    # given Gold valid 12 months, renewal at 800 of purchases
    tier_settings_set(org=org, program=program, validity_mode=ValidityMode.FIXED_MONTHS, validity_months=12)
    tiers[1].renew_purchase_amount = 800
    tiers[1].save()
    buy("B1", "1200", at(2024, 4, 15))
    buy("B2", "900", at(2024, 6, 1))
    # when
    response = api_client.get(f"/v2/customers/lookup/tierDetails?{LOOKUP}")
    # then
    assert response.status_code == 200, response.content
    row = response.json()["programTiers"][0]
    assert (row["currentTierName"], row["currentTierSerialNumber"], row["nextTierName"]) == ("Gold", 2, "Platinum")
    assert row["tierExpiryDate"] == "2025-04-15 23:59:59"
    assert row["progress"]["neededForNextTier"] == 2900
    condition = row["renewal"]["conditions"][0]
    assert (condition["name"], condition["required"], condition["actual"], condition["met"]) == (
        "PURCHASE", 800, 900, True)


def test_top_tier_has_no_next_tier(api_client, program, tiers, member, buy):
    buy("B1", "6000", at(2024, 4, 15))
    row = api_client.get(f"/v2/customers/{member.pk}/tierDetails").json()["programTiers"][0]
    assert (row["currentTierName"], row["nextTierName"], row["nextTierSerialNumber"]) == ("Platinum", "", -1)


def test_lookup_without_source_is_refused(api_client, program, tiers, member):
    response = api_client.get(f"/v2/customers/lookup/tierDetails?identifierName=mobile&identifierValue={MOBILE}")
    assert response.status_code == 400 and v2_error_codes(response) == [8001]


def test_unknown_program_is_refused(api_client, program, tiers, member):
    response = api_client.get(f"/v2/customers/{member.pk}/tierDetails?programId=999999")
    assert response.status_code == 404 and v2_error_codes(response) == [885]


def _adjust(api_client, body, query=LOOKUP):
    return api_client.post(f"/v2/slab/manualSlabAdjustment?{query}", body, format="json")


def test_manual_upgrade_answers_the_side_effect_and_records_history(org, api_client, program, tiers, member):
    body = {"programId": program.pk, "toSlabName": "platinum", "slabAction": "UPGRADE",
            "manualSlabActionValidity": "FIXED_DURATION", "manualSlabActionValidityUpto": "20",
            "reassessTierOnNextActivity": True, "slabChangeReason": "Won the tier giveaway"}
    response = _adjust(api_client, body)
    assert response.status_code == 200, response.content
    effect = response.json()["sideEffects"][0]
    assert (effect["previousSlabName"], effect["previousSlabNumber"], effect["upgradedSlabName"],
            effect["upgradedSlabNumber"], effect["type"]) == ("Silver", 1, "Platinum", 3, "slab")
    membership = TierMembership.objects.get(customer=member)
    assert membership.is_manual and membership.reassess_on_next_activity
    change = TierChange.objects.get(customer=member)
    assert change.source == ChangeSource.MANUAL and change.reason == "Won the tier giveaway"


@pytest.mark.parametrize("body, code", [
    ({"slabAction": "", "manualSlabActionValidity": "FIXED_DURATION", "manualSlabActionValidityUpto": "1"}, 8917),
    ({"slabAction": "UPGRADE", "toSlabName": "Gold", "manualSlabActionValidityUpto": "1"}, 8920),
    ({"slabAction": "UPGRADE", "toSlabName": "Gold", "manualSlabActionValidity": "FIXED_DURATION",
      "manualSlabActionValidityUpto": "soon"}, 8921),
    ({"slabAction": "UPGRADE", "toSlabName": "Diamond", "manualSlabActionValidity": "FIXED_DURATION",
      "manualSlabActionValidityUpto": "1"}, 8923),
    ({"slabAction": "UPGRADE", "toSlabName": "Silver", "manualSlabActionValidity": "FIXED_DURATION",
      "manualSlabActionValidityUpto": "1"}, 8925),
    ({"programId": 999999, "slabAction": "UPGRADE", "toSlabName": "Gold",
      "manualSlabActionValidity": "FIXED_DURATION", "manualSlabActionValidityUpto": "1"}, 1101),
])
def test_manual_adjustment_errors_write_nothing(api_client, program, tiers, member, body, code):
    before = db_snapshot()
    response = _adjust(api_client, body)
    assert response.status_code in (400, 404) and v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_manual_adjustment_of_an_unknown_customer(api_client, program, tiers):
    response = _adjust(api_client, {"slabAction": "RENEWAL", "manualSlabActionValidity": "AS_PER_TIER_STRATEGY"},
                       query="identifierName=mobile&identifierValue=910000000000&source=INSTORE")
    assert response.status_code == 404 and v2_error_codes(response) == [8015]


def test_history_lists_changes_newest_first(org, api_client, program, tiers, member, buy, django_assert_max_num_queries):
    buy("B1", "1200", at(2024, 4, 15))
    buy("B2", "4000", at(2024, 5, 15))
    with django_assert_max_num_queries(12):
        response = api_client.get(f"/v2/customers/{member.pk}/tierHistory?limit=10")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pagination"]["total"] == 2
    assert [(r["from"], r["to"], r["type"], r["source"]) for r in body["data"]] == [
        ("Gold", "Platinum", "UPGRADE", "AUTOMATIC"), ("Silver", "Gold", "UPGRADE", "AUTOMATIC")]
    assert body["data"][0]["store"]["code"]


def test_history_query_count_does_not_grow(org, api_client, program, tiers, member, buy,
                                           django_assert_max_num_queries):
    from tests.factories.tiers import TierChangeFactory

    for _ in range(30):
        TierChangeFactory(org=org, program=program, customer=member, to_tier=tiers[1])
    with django_assert_max_num_queries(12):
        response = api_client.get(f"/v2/customers/{member.pk}/tierHistory?limit=50")
    assert response.status_code == 200 and len(response.json()["data"]) == 30


@pytest.fixture
def foreign_ids(other_org):
    program = LoyaltyProgramFactory(org=other_org, is_default=True)
    ladder_build(org=other_org, program=program)
    customer = CustomerFactory(org=other_org, mobile="919900000001")
    return {"customer": customer.pk, "program": program.pk}


@pytest.mark.parametrize("endpoint", [
    Endpoint("GET", "/v2/customers/{customer}/tierDetails"),
    Endpoint("GET", "/v2/customers/{customer}/tierHistory"),
    Endpoint("GET", "/v2/customers/lookup/tierDetails?identifierName=mobile&identifierValue=919900000001"
                    "&source=INSTORE"),
    Endpoint("GET", "/v2/customers/lookup/tierDetails?identifierName=id&identifierValue={customer}&source=INSTORE"),
    Endpoint("POST", "/v2/slab/manualSlabAdjustment?identifierName=id&identifierValue={customer}&source=INSTORE",
             body={"slabAction": "UPGRADE", "toSlabName": "Gold", "manualSlabActionValidity": "AS_PER_TIER_STRATEGY"}),
], ids=str)
def test_foreign_org_refused(endpoint, api_client, program, tiers, foreign_ids):
    assert_refuses_foreign_org(api_client, endpoint, foreign_ids)


def test_foreign_program_is_refused_on_manual_adjustment(api_client, program, tiers, member, foreign_ids):
    before = db_snapshot()
    response = _adjust(api_client, {"programId": foreign_ids["program"], "slabAction": "UPGRADE", "toSlabName": "Gold",
                                    "manualSlabActionValidity": "AS_PER_TIER_STRATEGY"})
    assert response.status_code == 404 and v2_error_codes(response) == [1101]
    assert_nothing_written(before)


def test_loyalty_details_carry_the_slab_fields(api_client, program, tiers, member, buy):
    buy("B1", "1500", at(2024, 4, 15))
    row = api_client.get(f"/v2/customers/{member.pk}/loyaltyDetails").json()["data"][0]
    assert {k: row[k] for k in ("currentSlab", "slabSNo", "nextSlab", "nextSlabSerialNumber", "slabExpiryDate")} == {
        "currentSlab": "Gold", "slabSNo": 2, "nextSlab": "Platinum", "nextSlabSerialNumber": 3,
        "slabExpiryDate": "2125-12-31T23:59:59Z"}


def test_tier_details_for_all_programmes_in_bounded_queries(org, api_client, program, tiers, member, buy):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.points.services import program_create

    other = program_create(org=org, name="Second club")
    ladder_build(org=org, program=other, names=("Blue", "Red", "Black"))
    buy("B1", "1500", at(2024, 4, 15))
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get(f"/v2/customers/{member.pk}/tierDetails?fetchDataForAllPrograms=true")
    rows = response.json()["programTiers"]
    assert sorted(r["currentTierName"] for r in rows) == ["Blue", "Gold"]
    assert len(ctx.captured_queries) <= 30


def test_entity_type_other_than_customer_is_refused(api_client, program, tiers, member):
    response = api_client.get(f"/v2/customers/{member.pk}/tierDetails?entityType=FLEET")
    assert response.status_code == 400 and v2_error_codes(response) == [1212]
