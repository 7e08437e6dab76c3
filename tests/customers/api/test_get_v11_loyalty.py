"""GET v1.1/customer/get: the points, tier, purchase and coupon blocks (lifetime_points, lifetime_purchases,
loyalty_points, current_slab, tier_expiry_date, points_summaries, coupons)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.points.services import points_credit, points_redeem, program_create
from tests.factories.coupons import CouponFactory, CouponSeriesFactory
from tests.factories.customers import CustomerFactory
from tests.factories.tiers import TierMembershipFactory, ladder_build
from tests.factories.transactions import BillFactory
from tests.helpers.api import v11_status

from .v1_1.conftest import MOBILE, items_of

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def club(org):
    return program_create(org=org, name="Club", is_default=True)


@pytest.fixture
def partner(org):
    return program_create(org=org, name="Partner")


@pytest.fixture
def member(org, till, club, partner):
    """Tom: Gold in Club until next year, 1000 earned, 100 redeemed, 2500.50 of Club bills; 40 in Partner."""
    tom = CustomerFactory(org=org, mobile=MOBILE, first_name="Tom", registered_till=till,
                          registered_store=till.store)
    silver, gold, platinum = ladder_build(org=org, program=club)
    gold.description = "Gold tier"
    gold.save()
    TierMembershipFactory(org=org, customer=tom, program=club, tier=gold,
                          valid_until=timezone.localdate() + timedelta(days=200))
    points_credit(org=org, customer=tom, program=club, points=D(1000), source_type="BILL", source_ref="B1")
    points_redeem(org=org, customer=tom, program=club, points=D(100))
    points_credit(org=org, customer=tom, program=partner, points=D(40), source_type="BILL", source_ref="P1")
    BillFactory(org=org, customer=tom, program=club, amount=D("2000.50"))
    BillFactory(org=org, customer=tom, program=club, amount=D("500"))
    BillFactory(org=org, customer=tom, program=partner, amount=D("99.50"))
    return tom


def test_points_and_tier_blocks(api_client, org, club, partner, member):
    # when
    response = api_client.get(f"/v1.1/customer/get?mobile={MOBILE}&mlp=true")
    # then
    assert response.status_code == 200
    [item] = items_of(response)
    expiry = f"{(timezone.localdate() + timedelta(days=200)).isoformat()} 23:59:59"
    assert {k: item[k] for k in ("lifetime_points", "lifetime_purchases", "loyalty_points", "current_slab",
                                 "tier_expiry_date")} == {
        "lifetime_points": "1000", "lifetime_purchases": "2600", "loyalty_points": "900", "current_slab": "Gold",
        "tier_expiry_date": expiry}
    first, second = item["points_summaries"]["points_summary"]
    assert first == {
        "programId": str(club.pk), "redeemed": "100", "expired": "0", "returned": "0", "adjusted": "0",
        "lifetimePoints": "1000", "loyaltyPoints": "900", "cumulativePurchases": "2500.5", "currentSlab": "Gold",
        "nextSlab": "Platinum", "nextSlabSerialNumber": "3", "nextSlabDescription": "", "slabSNo": "2",
        "slabExpiryDate": expiry, "totalPoints": "900"}
    assert second == {
        "programId": str(partner.pk), "redeemed": "0", "expired": "0", "returned": "0", "adjusted": "0",
        "lifetimePoints": "40", "loyaltyPoints": "40", "cumulativePurchases": "99.5", "currentSlab": "",
        "nextSlab": "", "nextSlabSerialNumber": "-1", "nextSlabDescription": "", "slabSNo": "",
        "slabExpiryDate": "", "totalPoints": "40"}


def test_base_tier_without_membership_never_expires(api_client, org, club):
    # given: a ladder, and a customer who never bought
    ladder_build(org=org, program=club)
    CustomerFactory(org=org, mobile=MOBILE)
    # when
    [item] = items_of(api_client.get(f"/v1.1/customer/get?mobile={MOBILE}"))
    # then
    assert (item["current_slab"], item["tier_expiry_date"], item["loyalty_points"]) == (
        "Silver", "2125-12-31 23:59:59", "0")
    assert item["points_summaries"]["points_summary"][0]["nextSlab"] == "Gold"


def test_coupons_newest_first_with_limit_and_offset(api_client, org, member):
    # given
    series = CouponSeriesFactory(org=org, description="API Series")
    now = timezone.now()
    old = CouponFactory(org=org, series=series, customer=member, issued_at=now - timedelta(days=3),
                        redemption_count=1)
    mid = CouponFactory(org=org, series=series, customer=member, issued_at=now - timedelta(days=2))
    new = CouponFactory(org=org, series=series, customer=member, issued_at=now - timedelta(days=1))
    CouponFactory(org=org, series=series)  # someone else's
    # when
    default = items_of(api_client.get(f"/v1.1/customer/get?mobile={MOBILE}"))[0]["coupons"]
    paged = items_of(api_client.get(f"/v1.1/customer/get?mobile={MOBILE}&coupon_limit=1&coupon_offset=1"))[0]
    oldest = items_of(api_client.get(f"/v1.1/customer/get?mobile={MOBILE}&coupon_sort_order=asc"))[0]["coupons"]
    # then
    assert [c["id"] for c in default] == [str(new.pk), str(mid.pk), str(old.pk)]
    assert default[2] == {"id": str(old.pk), "series_id": str(series.pk), "code": old.code,
                          "description": "API Series",
                          "created_date": timezone.localtime(old.issued_at, timezone.get_fixed_timezone(330))
                          .strftime("%Y-%m-%d %H:%M:%S"),
                          "valid_till": timezone.localtime(old.valid_till, timezone.get_fixed_timezone(330))
                          .strftime("%Y-%m-%d %H:%M:%S"),
                          "redeemed": "true"}
    assert default[0]["redeemed"] == "false"
    assert [c["id"] for c in paged["coupons"]] == [str(mid.pk)]
    assert [c["id"] for c in oldest] == [str(old.pk), str(mid.pk), str(new.pk)]


@pytest.mark.parametrize("query", ["coupon_limit=-1", "coupon_limit=many", "coupon_offset=-2",
                                   "coupon_sort_order=up", "coupon_order_by=colour"])
def test_bad_coupon_parameters_are_refused(api_client, member, query):
    response = api_client.get(f"/v1.1/customer/get?mobile={MOBILE}&{query}")
    assert response.status_code == 400
    assert v11_status(response)["success"] == "false"


def test_query_count_does_not_grow_with_customers_or_programmes(api_client, org, till, club, partner,
                                                                django_assert_num_queries):
    # given: ten customers, each with points in both programmes, a tier, bills and coupons
    silver, gold, _ = ladder_build(org=org, program=club)
    customers = []
    for n in range(10):
        customer = CustomerFactory(org=org, email=f"m{n}@example.com", registered_till=till,
                                   registered_store=till.store)
        for program in (club, partner):
            points_credit(org=org, customer=customer, program=program, points=D(10), source_type="BILL",
                          source_ref=f"B{n}")
            BillFactory(org=org, customer=customer, program=program)
        TierMembershipFactory(org=org, customer=customer, program=club, tier=gold)
        CouponFactory.create_batch(2, org=org, customer=customer)
        customers.append(customer)
    api_client.get("/v1.1/customer/get?email=m0@example.com")  # warm the authentication cache
    # when / then: one customer and ten customers cost the same queries
    with django_assert_num_queries(10) as single:  # the till comes from the credentials cache
        assert len(items_of(api_client.get("/v1.1/customer/get?email=m0@example.com"))) == 1
    emails = ",".join(f"m{n}@example.com" for n in range(10))
    with django_assert_num_queries(len(single.captured_queries)):
        items = items_of(api_client.get(f"/v1.1/customer/get?email={emails}"))
    assert [len(i["coupons"]) for i in items] == [2] * 10
    assert all(i["current_slab"] == "Gold" and len(i["points_summaries"]["points_summary"]) == 2 for i in items)
    # and a third programme adds no query
    program_create(org=org, name="Third")
    with django_assert_num_queries(len(single.captured_queries)):
        items = items_of(api_client.get(f"/v1.1/customer/get?email={emails}"))
    assert all(len(i["points_summaries"]["points_summary"]) == 3 for i in items)


def test_other_orgs_customers_and_coupons_stay_out(api_client, other_api_client, org, other_org, member):
    # given: org B has a customer with the same mobile, with points and coupons of its own
    other_program = program_create(org=other_org, name="B club", is_default=True)
    stranger = CustomerFactory(org=other_org, mobile=MOBILE)
    points_credit(org=other_org, customer=stranger, program=other_program, points=D(777), source_type="BILL",
                  source_ref="X")
    foreign = CouponFactory(org=other_org, customer=stranger)
    # when
    [mine] = items_of(api_client.get(f"/v1.1/customer/get?mobile={MOBILE}"))
    [theirs] = items_of(other_api_client.get(f"/v1.1/customer/get?mobile={MOBILE}"))
    # then
    assert mine["loyalty_points"] == "900" and foreign.code not in str(mine)
    assert theirs["loyalty_points"] == "777" and [c["code"] for c in theirs["coupons"]] == [foreign.code]
    assert theirs["points_summaries"]["points_summary"][0]["programId"] == str(other_program.pk)
    # and org A's customer id asked of org B is not found
    response = other_api_client.get(f"/v1.1/customer/get?id={member.pk}")
    assert response.status_code == 404


def test_mlp_gap_to_upgrade_and_renew(api_client, org, club, partner, member):
    # given: Gold renews with 3000 of purchases in the cycle
    gold = member.tier_memberships.get(program=club).tier
    gold.renew_purchase_amount = D("3000")
    gold.save()
    # when
    [item] = items_of(api_client.get(
        f"/v1.1/customer/get?mobile={MOBILE}&mlp=true&gap_to_upgrade_for=0&gap_to_renew_for=0"))
    # then
    first, second = item["points_summaries"]["points_summary"]
    assert first["gap_to_upgrade"] == {"upgrade_strategy": [{
        "upgrade_based_on": "CUMULATIVE_PURCHASES", "upgrade_threshold": "5000",
        "customer_upgrade_entity_values": {"current_value": "2500.5", "gap_to_upgrade": "2499.5",
                                           "value_valid_upto": ""}}]}
    assert first["gap_to_renew"] == {
        "tier_expiry_date": (timezone.localdate() + timedelta(days=200)).isoformat(), "renew_confirmed": "false",
        "renew_strategy": [{"renew_based_on": "PURCHASE", "renew_entity_identifiers": {}, "renew_threshold": "3000",
                            "customer_renew_entity_value": "2500.5", "customer_gap_to_renew_value": "499.5"}]}
    # no ladder in Partner: nothing to climb, nothing to renew
    assert second["gap_to_upgrade"] == {"upgrade_strategy": []} and "gap_to_renew" not in second


def test_gaps_need_mlp(api_client, member):
    [item] = items_of(api_client.get(f"/v1.1/customer/get?mobile={MOBILE}&gap_to_upgrade_for=0&gap_to_renew_for=0"))
    first = item["points_summaries"]["points_summary"][0]
    assert "gap_to_upgrade" not in first and "gap_to_renew" not in first


@pytest.mark.parametrize("query", ["gap_to_upgrade_for=-1", "gap_to_renew_for=soon"])
def test_bad_gap_days_are_refused(api_client, member, query):
    response = api_client.get(f"/v1.1/customer/get?mobile={MOBILE}&mlp=true&{query}")
    assert response.status_code == 400


def test_gap_query_count_does_not_grow_with_customers(api_client, org, till, club, django_assert_max_num_queries):
    # given: ten Gold customers with bills, in a ladder judged on a spend tracker
    _, gold, _ = ladder_build(org=org, program=club, criterion="TRACKER", tracker_window_days=90)
    gold.renew_visits = 2
    gold.save()
    for n in range(10):
        customer = CustomerFactory(org=org, email=f"g{n}@example.com")
        TierMembershipFactory(org=org, customer=customer, program=club, tier=gold,
                              cycle_start=timezone.now() - timedelta(days=5),
                              valid_until=timezone.localdate() + timedelta(days=30))
        BillFactory(org=org, customer=customer, program=club, amount=D(100 + n))
    query = "mlp=true&gap_to_upgrade_for=10&gap_to_renew_for=0"
    api_client.get(f"/v1.1/customer/get?email=g0@example.com&{query}")  # warm the authentication cache
    # when / then
    with django_assert_max_num_queries(17) as single:
        api_client.get(f"/v1.1/customer/get?email=g0@example.com&{query}")
    emails = ",".join(f"g{n}@example.com" for n in range(10))
    with django_assert_max_num_queries(len(single.captured_queries)):
        items = items_of(api_client.get(f"/v1.1/customer/get?email={emails}&{query}"))
    values = [i["points_summaries"]["points_summary"][0]["gap_to_upgrade"]["upgrade_strategy"][0]
              ["customer_upgrade_entity_values"]["current_value"] for i in items]
    assert values == [str(100 + n) for n in range(10)]
    assert {i["points_summaries"]["points_summary"][0]["gap_to_renew"]["renew_strategy"][0]
            ["customer_gap_to_renew_value"] for i in items} == {"1"}
