"""Redeeming points with a validation code, redeeming and issuing coupons, and the till's day."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.coupons.models import Coupon, CouponRedemption
from apps.points.models import PointsAccount, Redemption
from apps.staff.choices import StaffRole
from apps.transactions.services import BillInput, CustomerRef, LineInput, bill_add
from tests.factories.coupons import CouponFactory, CouponSeriesFactory
from tests.factories.customers import CustomerFactory
from tests.helpers.tenancy import db_snapshot

from .conftest import logged_in, sent_code

pytestmark = pytest.mark.django_db
D = Decimal
NONCE = "0123456789abcdef0123456789abcdef"


def send(client, customer, points="100", bill="B-1", capture=None):
    with capture(execute=True):
        return client.post(f"/till/customers/{customer.pk}/redeem-points",
                           {"points": points, "bill_number": bill, "action": "send", "nonce": NONCE})


def test_send_shows_the_value_and_sends_the_code(cashier_client, member_with_points, outbox,
                                                 django_capture_on_commit_callbacks):
    response = send(cashier_client, member_with_points, capture=django_capture_on_commit_callbacks)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="redeem-value">25.00<' in body  # 100 points x 0.25
    assert 'name="code"' in body and outbox[-1]["recipient"] == "919845012345"


def test_redeem_with_the_code_debits_the_points(cashier_client, member_with_points, outbox, till,
                                                django_capture_on_commit_callbacks):
    send(cashier_client, member_with_points, capture=django_capture_on_commit_callbacks)
    response = cashier_client.post(f"/till/customers/{member_with_points.pk}/redeem-points",
                                   {"points": "100", "bill_number": "B-1", "code": sent_code(outbox),
                                    "action": "redeem", "nonce": NONCE})
    assert response.status_code == 302
    redemption = Redemption.objects.get(customer=member_with_points)
    assert redemption.points == D("100") and redemption.till_id == till.pk and redemption.bill_number == "B-1"
    assert PointsAccount.objects.get(customer=member_with_points).available == D("400")


def test_a_repeated_submit_redeems_once(cashier_client, member_with_points, outbox,
                                        django_capture_on_commit_callbacks):
    send(cashier_client, member_with_points, capture=django_capture_on_commit_callbacks)
    data = {"points": "100", "bill_number": "B-1", "code": sent_code(outbox), "action": "redeem", "nonce": NONCE}
    assert cashier_client.post(f"/till/customers/{member_with_points.pk}/redeem-points", data).status_code == 302
    assert cashier_client.post(f"/till/customers/{member_with_points.pk}/redeem-points", data).status_code == 302
    assert Redemption.objects.filter(customer=member_with_points).count() == 1
    assert PointsAccount.objects.get(customer=member_with_points).available == D("400")


def test_a_form_without_its_nonce_is_refused(cashier_client, member_with_points):
    response = cashier_client.post(f"/till/customers/{member_with_points.pk}/redeem-points",
                                   {"points": "100", "bill_number": "B-1", "action": "send"})
    assert response.status_code == 400 and "The form has expired" in response.content.decode()


def test_a_wrong_code_is_refused_and_nothing_is_redeemed(cashier_client, member_with_points, outbox,
                                                         django_capture_on_commit_callbacks):
    send(cashier_client, member_with_points, capture=django_capture_on_commit_callbacks)
    wrong = "000000" if sent_code(outbox) != "000000" else "111111"
    response = cashier_client.post(f"/till/customers/{member_with_points.pk}/redeem-points",
                                   {"points": "100", "bill_number": "B-1", "code": wrong, "action": "redeem",
                                    "nonce": NONCE})
    assert response.status_code == 400 and "(808)" in response.content.decode()
    assert not Redemption.objects.exists()


def test_a_missing_code_is_asked_for(cashier_client, member_with_points):
    response = cashier_client.post(f"/till/customers/{member_with_points.pk}/redeem-points",
                                   {"points": "100", "bill_number": "B-1", "action": "redeem", "nonce": NONCE})
    assert response.status_code == 400 and "Enter the validation code" in response.content.decode()


def test_more_than_available_is_refused_with_the_platforms_reason(cashier_client, member_with_points, outbox,
                                                                   django_capture_on_commit_callbacks):
    before = db_snapshot()
    response = send(cashier_client, member_with_points, points="900", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 422 and "(8" in response.content.decode() and not outbox
    assert db_snapshot() == before


def test_bad_points_input(cashier_client, member_with_points):
    response = cashier_client.post(f"/till/customers/{member_with_points.pk}/redeem-points",
                                   {"points": "abc", "bill_number": "", "action": "send"})
    assert response.status_code == 400 and "Enter a number." in response.content.decode()


def test_redeem_for_another_orgs_customer_is_404(cashier_client, other_org, program):
    rival = CustomerFactory(org=other_org)
    assert cashier_client.get(f"/till/customers/{rival.pk}/redeem-points").status_code == 404
    assert cashier_client.post(f"/till/customers/{rival.pk}/redeem-points",
                               {"points": "1", "bill_number": "B", "action": "send"}).status_code == 404


def test_redeem_screen_queries_are_bounded(cashier_client, member_with_points, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        cashier_client.get(f"/till/customers/{member_with_points.pk}/redeem-points")


# -- coupons -----------------------------------------------------------------------------------------------------------
@pytest.fixture
def coupon(org, member):
    return CouponFactory(org=org, customer=member, code="SAVE100",
                         series=CouponSeriesFactory(org=org, description="Diwali 100 off"))


def test_panel_lists_active_coupons(cashier_client, coupon, member, program):
    body = cashier_client.get(f"/till/customers/{member.pk}/").content.decode()
    assert "SAVE100" in body and "Diwali 100 off" in body


def test_check_then_redeem_a_coupon(cashier_client, coupon, member, till):
    check = cashier_client.post(f"/till/customers/{member.pk}/redeem-coupon",
                                {"code": "SAVE100", "bill_number": "B-7", "bill_amount": "1000", "action": "check"})
    body = check.content.decode()
    assert check.status_code == 200 and "can be redeemed" in body and 'data-testid="coupon-discount">100.00<' in body
    redeem = cashier_client.post(f"/till/customers/{member.pk}/redeem-coupon",
                                 {"code": "SAVE100", "bill_number": "B-7", "bill_amount": "1000", "action": "redeem"})
    assert redeem.status_code == 302
    used = CouponRedemption.objects.get(coupon=coupon)
    assert used.till_id == till.pk and used.bill_number == "B-7"


@pytest.mark.parametrize("code, expected", [("NOPE", "(702)")])
def test_unknown_coupon_gives_the_documented_reason(cashier_client, member, coupon, code, expected):
    response = cashier_client.post(f"/till/customers/{member.pk}/redeem-coupon",
                                   {"code": code, "bill_number": "B-7", "action": "check"})
    assert response.status_code == 400 or response.status_code == 422
    assert expected in response.content.decode()


def test_a_redeemed_coupon_is_refused_with_its_reason(cashier_client, member, coupon):
    data = {"code": "SAVE100", "bill_number": "B-7", "action": "redeem"}
    cashier_client.post(f"/till/customers/{member.pk}/redeem-coupon", data)
    again = cashier_client.post(f"/till/customers/{member.pk}/redeem-coupon", {**data, "bill_number": "B-8"})
    assert again.status_code == 422 and "(711)" in again.content.decode()


def test_another_orgs_coupon_code_is_invalid_here(cashier_client, member, other_org, program):
    CouponFactory(org=other_org, code="RIVAL1", customer=CustomerFactory(org=other_org))
    before = db_snapshot()
    response = cashier_client.post(f"/till/customers/{member.pk}/redeem-coupon",
                                   {"code": "RIVAL1", "bill_number": "B-7", "action": "redeem"})
    assert "(702)" in response.content.decode()
    assert db_snapshot() == before


def test_cashier_may_not_issue_coupons_but_a_manager_may(cashier_client, manager_client, member, org):
    series = CouponSeriesFactory(org=org, description="Welcome 50")
    assert cashier_client.get(f"/till/customers/{member.pk}/issue-coupon").status_code == 403
    assert "issue-coupon" not in cashier_client.get(f"/till/customers/{member.pk}/").content.decode()
    page = manager_client.get(f"/till/customers/{member.pk}/issue-coupon").content.decode()
    assert "Welcome 50" in page
    response = manager_client.post(f"/till/customers/{member.pk}/issue-coupon", {"series": series.pk})
    assert response.status_code == 302
    assert Coupon.objects.filter(customer=member, series=series).exists()


def test_issue_refuses_another_orgs_series(manager_client, member, other_org):
    rival = CouponSeriesFactory(org=other_org)
    response = manager_client.post(f"/till/customers/{member.pk}/issue-coupon", {"series": rival.pk})
    assert response.status_code == 400 and not Coupon.objects.filter(customer=member).exists()


# -- today's activity --------------------------------------------------------------------------------------------------
def test_activity_totals_this_tills_day(cashier_client, org, till, member, earn_rule, other_store_till, coupon):
    for n, till_used in enumerate([till, till, other_store_till]):
        bill_add(org=org, till=till_used, data=BillInput(
            type="REGULAR", number=f"A-{n}", lines=[LineInput(item_code="A", rate=D(100))],
            customer=CustomerRef(identifier_name="id", identifier_value=str(member.pk))))
    cashier_client.post("/till/enrol", {"mobile": "9845011119", "first_name": "New"})
    cashier_client.post(f"/till/customers/{member.pk}/redeem-coupon",
                        {"code": "SAVE100", "bill_number": "A-0", "action": "redeem"})
    body = cashier_client.get("/till/activity").content.decode()
    assert 'data-testid="bill-count">2<' in body and 'data-testid="sales">200.00<' in body
    assert 'data-testid="enrolment-count">1<' in body and 'data-testid="coupon-count">1<' in body
    assert "A-2" not in body


def test_activity_queries_are_bounded(cashier_client, org, till, member, earn_rule, django_assert_max_num_queries):
    for n in range(15):
        bill_add(org=org, till=till, data=BillInput(
            type="REGULAR", number=f"Q-{n}", lines=[LineInput(item_code="A", rate=D(100))],
            customer=CustomerRef(identifier_name="id", identifier_value=str(member.pk))))
    with django_assert_max_num_queries(20):
        assert cashier_client.get("/till/activity").status_code == 200


def test_activity_is_hidden_from_a_role_without_it(staff, store):
    from django.contrib.auth.models import Group, Permission

    user = staff(StaffRole.TILL_OPERATOR, username="nodaycash")
    client = logged_in(user)
    Group.objects.get(name="till:TILL_OPERATOR").permissions.remove(Permission.objects.get(codename="view_activity"))
    assert "/till/activity" not in client.get("/till/").content.decode()
    assert client.get("/till/activity").status_code == 403


def test_panel_leaves_out_coupons_of_series_for_other_stores(cashier_client, org, member, program, store,
                                                           other_store_till):
    CouponFactory(org=org, customer=member, code="HERE1", series=CouponSeriesFactory(org=org, store_ids=[store.pk]))
    CouponFactory(org=org, customer=member, code="THERE1",
                  series=CouponSeriesFactory(org=org, store_ids=[other_store_till.store_id]))
    body = cashier_client.get(f"/till/customers/{member.pk}/").content.decode()
    assert "HERE1" in body and "THERE1" not in body
