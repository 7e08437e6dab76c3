"""GET /v2/customers/{id} and /v2/customers/lookup/customerDetails: the points, mlp, gapToUpgrade and gapToRenew
embeds (pointsSummary, loyaltyProgramDetails[], upgradeStrategies, gapToRenewSummary)."""
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.customers.api import loyalty
from apps.customers.services import customer_create
from apps.points.services import points_credit, points_redeem, points_revoke, program_create
from apps.tiers import selectors as tier_selectors
from apps.tiers.models import Tier
from tests.factories.customers import CustomerFactory
from tests.factories.tiers import TierMembershipFactory, ladder_build
from tests.factories.transactions import BillFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

pytestmark = pytest.mark.django_db

D = Decimal
MOBILE = "919111111111"
BY_ID = "/v2/customers/{id}?source=INSTORE"
BY_LOOKUP = f"/v2/customers/lookup/customerDetails?source=INSTORE&identifierName=mobile&identifierValue={MOBILE}"


@pytest.fixture
def tom(org, till):
    customer, _ = customer_create(org=org, till=till, source="INSTORE", first_name="Tom", last_name="Sawyer",
                                  identifiers=[{"type": "mobile", "value": MOBILE}])
    return customer


@pytest.fixture
def club(org):
    return program_create(org=org, name="Club", description="Main club", is_default=True, point_value=D("0.5"))


@pytest.fixture
def partner(org):
    return program_create(org=org, name="Partner", point_value=D("1"))


@pytest.fixture
def ladder(org, club):
    """Silver (base) / Gold at 1000 / Platinum at 5000 of lifetime purchases in the Club programme."""
    silver, gold, platinum = ladder_build(org=org, program=club)
    Tier.objects.filter(pk=gold.pk).update(description="Gold tier", renew_purchase_amount=D("800"), renew_visits=3)
    gold.refresh_from_db()
    return silver, gold, platinum


def credit(org, customer, program, points, ref):
    return points_credit(org=org, customer=customer, points=D(points), program=program, source_type="BILL",
                         source_ref=ref)


def url(template, customer, extra=""):
    path = template.format(id=customer.pk)
    return f"{path}&{extra}" if extra else path


@pytest.fixture
def figures(org, tom, club, partner, ladder):
    """Tom: 1200 of Club bills (net of a 100 return), points earned, redeemed and returned, and Gold until
    next year; 300 of Partner bills."""
    BillFactory(org=org, customer=tom, program=club, amount=D("700"))
    BillFactory(org=org, customer=tom, program=club, amount=D("600"), returned_amount=D("100"))
    BillFactory(org=org, customer=tom, program=partner, amount=D("300"))
    credit(org, tom, club, 1000, "B1")
    points_redeem(org=org, customer=tom, program=club, points=D(150))
    points_revoke(org=org, customer=tom, program=club, points=D(50), source_type="BILL", source_ref="B1")
    credit(org, tom, partner, 30, "P1")
    TierMembershipFactory(org=org, customer=tom, program=club, tier=ladder[1],
                          cycle_start=timezone.now() - timedelta(days=30),
                          valid_until=timezone.localdate() + timedelta(days=335))
    return tom


# -- embed=points --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("template", [BY_ID, BY_LOOKUP])
def test_embed_points_adds_the_default_programme_summary(api_client, org, club, figures, template):
    # when
    response = api_client.get(url(template, figures, "embed=points"))
    # then
    assert response.status_code == 200
    body = response.json()
    account = figures.points_accounts.get(program=club)
    until = (timezone.localdate() + timedelta(days=335)).isoformat()
    assert body["pointsSummary"] == {
        "adjusted": 0.0, "cumulativePurchases": 1200.0, "currentSlab": "Gold", "expired": 0.0,
        "lifetimePoints": 1000.0, "loyaltyId": account.pk, "loyaltyPoints": 800.0, "nextSlab": "Platinum",
        "nextSlabDescription": "", "nextSlabSerialNumber": 3, "redeemed": 150.0, "returned": 50.0,
        "slabExpiryDate": f"{until}T23:59:59Z", "slabSNo": 2}
    assert body["loyaltyInfo"]["lifetimePurchases"] == 1500.0
    assert "loyaltyProgramDetails" not in body


def test_lifetime_purchases_without_embeds(api_client, org, figures):
    body = api_client.get(url(BY_ID, figures)).json()
    assert body["loyaltyInfo"]["lifetimePurchases"] == 1500.0
    assert "pointsSummary" not in body and "loyaltyProgramDetails" not in body


def test_embed_points_for_a_customer_who_never_earned(api_client, org, tom, club):
    body = api_client.get(url(BY_ID, tom, "embed=points")).json()
    assert body["pointsSummary"]["loyaltyId"] == -1 and body["pointsSummary"]["loyaltyPoints"] == 0.0
    # no ladder in the programme: blank tier fields, -1 serial numbers
    assert (body["pointsSummary"]["currentSlab"], body["pointsSummary"]["slabSNo"],
            body["pointsSummary"]["nextSlabSerialNumber"]) == ("", -1, -1)


def test_embed_points_without_any_programme_is_left_out(api_client, tom):
    body = api_client.get(url(BY_ID, tom, "embed=points,mlp")).json()
    assert "pointsSummary" not in body and body["loyaltyProgramDetails"] == []


# -- embed=mlp -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("template", [BY_ID, BY_LOOKUP])
def test_embed_mlp_lists_every_programme(api_client, org, club, partner, figures, template):
    # when
    body = api_client.get(url(template, figures, "embed=mlp")).json()
    # then
    first, second = body["loyaltyProgramDetails"]
    assert first["programId"] == club.pk and second["programId"] == partner.pk
    assert {k: first[k] for k in ("redeemed", "expired", "returned", "adjusted", "lifetimePoints", "loyaltyPoints",
                                  "cumulativePurchases", "currentSlab", "nextSlab", "nextSlabSerialNumber",
                                  "nextSlabDescription", "slabSNo", "delayedPoints", "totalAvailablePoints",
                                  "totalReturnedPoints", "programTitle", "programDescription",
                                  "programPointsToCurrencyRatio", "linkedPartnerPrograms")} == {
        "redeemed": 150.0, "expired": 0.0, "returned": 50.0, "adjusted": 0.0, "lifetimePoints": 1000.0,
        "loyaltyPoints": 800.0, "cumulativePurchases": 1200.0, "currentSlab": "Gold", "nextSlab": "Platinum",
        "nextSlabSerialNumber": 3, "nextSlabDescription": "", "slabSNo": 2, "delayedPoints": 0.0,
        "totalAvailablePoints": 800.0, "totalReturnedPoints": 50.0, "programTitle": "Club",
        "programDescription": "Main club", "programPointsToCurrencyRatio": 0.5, "linkedPartnerPrograms": []}
    assert (second["loyaltyPoints"], second["lifetimePoints"], second["cumulativePurchases"]) == (30.0, 30.0, 300.0)
    assert (second["currentSlab"], second["slabSNo"], second["slabExpiryDate"]) == ("", -1, None)
    assert "upgradeStrategies" not in first and "gapToRenewSummary" not in first
    assert "pointsSummary" not in body


def test_tier_fields_match_the_tiers_selector(org, club, partner, figures):
    """The batched tier fields are what apps.tiers.selectors.slab_fields gives for the same customer."""
    from apps.customers.api.v2.serializers import slab_v2

    expected = tier_selectors.slab_fields(org=org, customer=figures, programs=[club, partner])
    mine = loyalty.loyalty_get(org=org, customer=figures)
    assert {f.program.pk: slab_v2(f.slab) for f in mine.programs if f.slab} == expected


# -- gapToUpgrade / gapToRenew -------------------------------------------------------------------------------------
@pytest.mark.parametrize("template", [BY_ID, BY_LOOKUP])
def test_gap_to_upgrade_and_renew(api_client, org, club, partner, figures, template):
    # given: one visit (day) so far this cycle, 1200 of purchases
    # when
    body = api_client.get(url(template, figures, "embed=mlp&gapToUpgrade=0&gapToRenew=0")).json()
    # then
    first, second = body["loyaltyProgramDetails"]
    assert first["upgradeStrategies"] == [{
        "upgrade_based_on": "CUMULATIVE_PURCHASES", "upgradeThreshold": 5000.0,
        "customerUpgradeEntityValues": {"currentValue": 1200.0, "gapToUpgrade": 3800.0, "valueValidUpto": None}}]
    until = (timezone.localdate() + timedelta(days=335)).isoformat()
    summary = first["gapToRenewSummary"]
    assert (summary["tierExpiryDate"], summary["renewConfirmed"]) == (until, False)
    assert sorted(summary["renewStrategies"], key=lambda r: r["renewBasedOn"]) == [
        {"renewBasedOn": "PURCHASE", "renewThreshold": 800.0, "customerRenewEntityValue": 1200.0,
         "customerGapToRenewValue": 0.0},
        {"renewBasedOn": "VISITS", "renewThreshold": 3.0, "customerRenewEntityValue": 1.0,
         "customerGapToRenewValue": 2.0}]
    # the Partner programme has no ladder: nothing to climb, nothing to renew
    assert second["upgradeStrategies"] == [] and "gapToRenewSummary" not in second


def test_gap_blocks_need_embed_mlp(api_client, figures):
    body = api_client.get(url(BY_ID, figures, "embed=points&gapToUpgrade=0&gapToRenew=0")).json()
    assert "loyaltyProgramDetails" not in body and "upgradeStrategies" not in body["pointsSummary"]


def test_base_tier_has_no_renewal_block_and_top_tier_no_upgrade(api_client, org, tom, club, ladder):
    # given: Tom is in the base tier of Club (no membership)
    # when
    [item] = api_client.get(url(BY_ID, tom, "embed=mlp&gapToUpgrade=0&gapToRenew=0")).json()["loyaltyProgramDetails"]
    # then
    assert "gapToRenewSummary" not in item
    assert item["upgradeStrategies"][0]["customerUpgradeEntityValues"] == {
        "currentValue": 0.0, "gapToUpgrade": 1000.0, "valueValidUpto": None}
    # and at the top of the ladder there is nothing to climb
    TierMembershipFactory(org=org, customer=tom, program=club, tier=ladder[2])
    [item] = api_client.get(url(BY_ID, tom, "embed=mlp&gapToUpgrade=0")).json()["loyaltyProgramDetails"]
    assert item["upgradeStrategies"] == [] and item["currentSlab"] == "Platinum"


def test_tracker_upgrade_gap_is_projected(api_client, org, tom, club):
    # given: a 30-day spend tracker; one bill 20 days ago, one today
    ladder_build(org=org, program=club, thresholds=("0", "1000"), names=("Blue", "Gold"), criterion="TRACKER",
                 tracker_metric="SPEND", tracker_window_days=30)
    BillFactory(org=org, customer=tom, program=club, amount=D("400"),
                billing_time=timezone.now() - timedelta(days=20))
    BillFactory(org=org, customer=tom, program=club, amount=D("250"))
    # when: as of today, then as of 15 days ahead (the older bill has left the window)
    today = api_client.get(url(BY_ID, tom, "embed=mlp&gapToUpgrade=0")).json()["loyaltyProgramDetails"][0]
    later = api_client.get(url(BY_ID, tom, "embed=mlp&gapToUpgrade=15")).json()["loyaltyProgramDetails"][0]
    # then
    [now_row] = today["upgradeStrategies"]
    assert now_row["upgrade_based_on"] == "TRACKER_VALUE_BASED"
    assert (now_row["customerUpgradeEntityValues"]["currentValue"],
            now_row["customerUpgradeEntityValues"]["gapToUpgrade"]) == (650.0, 350.0)
    # the older bill leaves the window on the org's calendar (Asia/Kolkata), whatever the hour in UTC
    assert now_row["customerUpgradeEntityValues"]["valueValidUpto"] == (timezone.localdate(
        timezone.now() - timedelta(days=20) + timedelta(days=30), ZoneInfo(org.timezone)) - timedelta(days=1)
    ).isoformat()
    assert later["upgradeStrategies"][0]["customerUpgradeEntityValues"]["currentValue"] == 250.0


@pytest.mark.parametrize("value", ["-1", "soon", "99999999"])
def test_bad_gap_days_are_refused(api_client, figures, value):
    for path in (url(BY_ID, figures, f"embed=mlp&gapToUpgrade={value}"),
                 url(BY_LOOKUP, figures, f"embed=mlp&gapToRenew={value}")):
        response = api_client.get(path)
        assert response.status_code == 400, path
        assert v2_error_codes(response)


# -- bounded queries and tenancy -----------------------------------------------------------------------------------
def test_embed_query_count_does_not_depend_on_programmes(api_client, org, partner, figures,
                                                        django_assert_max_num_queries):
    path = url(BY_ID, figures, "embed=points,mlp&gapToUpgrade=0&gapToRenew=0")
    api_client.get(path)  # warm the authentication cache
    with django_assert_max_num_queries(14) as few:
        api_client.get(path)
    limit = len(few)  # read now: the next request resets the connection's query log
    # given: four more programmes, each with a ladder, a balance, bills and a tier
    for n in range(4):
        program = program_create(org=org, name=f"Extra {n}")
        tiers = ladder_build(org=org, program=program)
        credit(org, figures, program, 10, f"X{n}")
        BillFactory(org=org, customer=figures, program=program, amount=D("50"))
        TierMembershipFactory(org=org, customer=figures, program=program, tier=tiers[1],
                              valid_until=timezone.localdate() + timedelta(days=10))
    api_client.get(path)  # re-warm the caches the set-up invalidated (tills, programmes, ladders)
    # then
    with django_assert_max_num_queries(limit):
        response = api_client.get(path)
    details = response.json()["loyaltyProgramDetails"]
    assert len(details) == 6 and all("gapToRenewSummary" in d for d in details if d["programId"] != partner.pk)


def test_lookup_embed_query_count(api_client, figures, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        response = api_client.get(url(BY_LOOKUP, figures, "embed=points,mlp&gapToUpgrade=0&gapToRenew=0"))
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/v2/customers/{customer_id}?source=INSTORE&embed=points,mlp&gapToUpgrade=0",
                                  "/v2/customers/{customer_id}?embed=mlp&gapToRenew=0"])
def test_foreign_customer_is_refused(api_client, other_org, path):
    foreign = CustomerFactory(org=other_org)
    assert_refuses_foreign_org(api_client, Endpoint("GET", path), {"customer_id": foreign.pk})


def test_foreign_identifier_is_not_found(api_client, other_org, org, club, figures):
    # given: another org's customer with the same mobile, and points in that org
    CustomerFactory(org=other_org, mobile="919222222222")
    response = api_client.get("/v2/customers/lookup/customerDetails?source=INSTORE&identifierName=mobile"
                              "&identifierValue=919222222222&embed=points,mlp")
    assert response.status_code in (400, 404)
    assert v2_error_codes(response) == [8015]
