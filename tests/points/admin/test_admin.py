"""Back office for programmes and the ledger: grouped settings, read-only ledger screens with bounded queries, the
statement and adjustment screens, the invariant-check action and the liability view."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.points.models import LedgerEntry, LoyaltyProgram, PointsAccount, PointsCurrency
from apps.points.services import points_redeem, points_transfer, program_create, validation_code_issue
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db
D = Decimal


def credit(org, customer, program, points, ref="B1", **kwargs):
    from apps.points.services import points_credit

    return points_credit(org=org, customer=customer, points=D(points), program=program, source_type="BILL",
                         source_ref=ref, **kwargs)


def login(client, org, role, username):
    client.force_login(staff_user_create(org=org, username=username, password="Pass-word-123", role=role))
    return client


@pytest.fixture
def admin_client_org(client, org):
    return login(client, org, StaffRole.ORG_ADMIN, "boss")


@pytest.fixture
def member(org):
    return CustomerFactory(org=org, mobile="919800000001")


@pytest.fixture
def account(org, program, member):
    credit(org, member, program, 100)
    return PointsAccount.objects.get(customer=member)


PROGRAM_FORM = {
    "name": "Gold club", "description": "", "is_active": "on", "point_value": "0.25", "points_decimals": "0",
    "rounding_mode": "FLOOR", "promised_delay_days": "0", "min_redeem_points": "0", "max_redeem_per_bill": "",
    "redeem_multiple": "", "eligibility_basis": "CURRENT_POINTS", "eligibility_threshold": "0",
    "allow_redemption_reversal": "on", "validation_code_required": "on", "otp_validity_minutes": "10",
    "otp_max_attempts": "3", "expiry_policy": "DAYS", "expiry_days": "365", "expiry_months": "12",
    "expiry_fixed_date": "", "rolling_window_days": "365", "reminder_offsets_days": "[30, 7]",
    "deficit_policy": "CLAMP", "allow_transfer": "on", "min_transfer_points": "1",
}


def test_programme_settings_are_grouped(admin_client_org, program):
    page = admin_client_org.get(f"/admin/points/loyaltyprogram/{program.pk}/change/").content.decode()
    for heading in ("Earning", "Redemption", "Validation codes", "Expiry", "Returns", "Transfers"):
        assert f"<h2" in page and heading in page
    assert 'name="org"' not in page


def test_adding_a_default_programme_demotes_the_previous_one(admin_client_org, org, program):
    response = admin_client_org.post("/admin/points/loyaltyprogram/add/", {**PROGRAM_FORM, "is_default": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    gold = LoyaltyProgram.objects.get(name="Gold club")
    assert (gold.org, gold.is_default, gold.point_value, gold.reminder_offsets_days) == (org, True, D("0.25"), [30, 7])
    assert LoyaltyProgram.objects.get(pk=program.pk).is_default is False
    assert PointsCurrency.objects.filter(program=gold, is_default=True).exists()


def test_ledger_screens_are_read_only(admin_client_org, account):
    entry = LedgerEntry.objects.get()
    assert admin_client_org.get(f"/admin/points/ledgerentry/{entry.pk}/change/").status_code == 200
    assert admin_client_org.get("/admin/points/ledgerentry/add/").status_code == 403
    response = admin_client_org.post(f"/admin/points/pointsaccount/{account.pk}/change/", {"available": "999"})
    assert response.status_code == 403
    assert PointsAccount.objects.get().available == D(100)


def _fill(org, program, n):
    for _ in range(n):
        customer = CustomerFactory(org=org)
        credit(org, customer, program, 20, ref=f"B{customer.pk}")
        points_redeem(org=org, customer=customer, program=program, points=D(5))
        validation_code_issue(org=org, customer=customer, program=program)
    customers = list(PointsAccount.objects.filter(org=org).values_list("customer", flat=True))
    from apps.customers.models import Customer

    people = list(Customer.objects.filter(pk__in=customers).order_by("pk"))
    for i in range(n):
        points_transfer(org=org, from_customer=people[i], to_customer=people[(i + 1) % len(people)], program=program,
                        points=D(1))


@pytest.mark.parametrize("url", ["/admin/points/loyaltyprogram/", "/admin/points/pointsaccount/",
                                 "/admin/points/ledgerentry/", "/admin/points/pointslot/", "/admin/points/redemption/",
                                 "/admin/points/transfer/", "/admin/points/validationcode/",
                                 "/admin/points/loyaltyprogram/liability/"])
def test_changelist_queries_do_not_grow_with_rows(admin_client_org, org, program, url):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client_org.get(url).status_code == 200
        return len(ctx)

    _fill(org, program, 3)
    few = count()
    _fill(org, program, 30)
    assert count() == few


def test_foreign_rows_are_invisible(admin_client_org, org, other_org, program, account):
    foreign_program = program_create(org=other_org, name="Rival club", is_default=True)
    stranger = CustomerFactory(org=other_org)
    credit(other_org, stranger, foreign_program, 77, ref="FOREIGN-BILL")
    foreign_account = PointsAccount.objects.get(customer=stranger)
    page = admin_client_org.get("/admin/points/ledgerentry/").content.decode()
    assert "FOREIGN-BILL" not in page
    assert "Rival club" not in admin_client_org.get("/admin/points/pointsaccount/").content.decode()
    assert admin_client_org.get(f"/admin/points/pointsaccount/{foreign_account.pk}/statement/").status_code == 404
    assert admin_client_org.get(f"/admin/points/pointsaccount/{foreign_account.pk}/adjust/").status_code == 404


# -- statement -----------------------------------------------------------------------------------------------------
def test_statement_lists_entries_with_their_lots(admin_client_org, org, program, member, account):
    points_redeem(org=org, customer=member, program=program, points=D(30), bill_number="R-77")
    page = admin_client_org.get(f"/admin/points/pointsaccount/{account.pk}/statement/").content.decode()
    lot = account.lots.get()
    assert "R-77" in page and f"created lot {lot.pk}: 100.000" in page and f"lot {lot.pk}: -30.000" in page


def test_statement_queries_do_not_grow(admin_client_org, org, program, member, account):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client_org.get(f"/admin/points/pointsaccount/{account.pk}/statement/").status_code == 200
        return len(ctx)

    few = count()
    for i in range(15):
        credit(org, member, program, 10, ref=f"C{i}")
        points_redeem(org=org, customer=member, program=program, points=D(3))
    assert count() == few


# -- adjustments ---------------------------------------------------------------------------------------------------
def test_adjustment_credits_once_per_form(admin_client_org, org, program, account):
    form = admin_client_org.get(f"/admin/points/pointsaccount/{account.pk}/adjust/")
    token = form.context["form"].initial["token"]
    data = {"points": "50", "reason": "Goodwill for a late delivery", "token": token}
    first = admin_client_org.post(f"/admin/points/pointsaccount/{account.pk}/adjust/", data)
    again = admin_client_org.post(f"/admin/points/pointsaccount/{account.pk}/adjust/", data)  # double submit
    assert first.status_code == 302 and again.status_code == 302
    entry = LedgerEntry.objects.get(kind="ADJUST_CREDIT")
    assert (entry.available_delta, entry.reason, entry.actor_type) == (D(50), "Goodwill for a late delivery", "STAFF")
    assert PointsAccount.objects.get().available == D(150)


def test_adjustment_debit(admin_client_org, account):
    admin_client_org.post(f"/admin/points/pointsaccount/{account.pk}/adjust/",
                          {"points": "-40", "reason": "Duplicate bill", "token": "t-1"})
    account.refresh_from_db()
    assert (account.available, account.adjusted) == (D(60), D(-40))


@pytest.mark.parametrize("data, message", [({"points": "1.5", "reason": "x", "token": "t"}, "code 878"),
                                           ({"points": "0", "reason": "x", "token": "t"}, "code 801"),
                                           ({"points": "5", "reason": "", "token": "t"}, "This field is required")])
def test_adjustment_refusals_write_nothing(admin_client_org, account, data, message):
    response = admin_client_org.post(f"/admin/points/pointsaccount/{account.pk}/adjust/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert LedgerEntry.objects.count() == 1


def test_store_manager_cannot_adjust(client, org, account):
    login(client, org, StaffRole.STORE_MANAGER, "manager")
    response = client.post(f"/admin/points/pointsaccount/{account.pk}/adjust/",
                           {"points": "50", "reason": "x", "token": "t"})
    assert response.status_code == 403 and LedgerEntry.objects.count() == 1


def test_marketer_can_adjust(client, org, account):
    login(client, org, StaffRole.MARKETER, "marketer")
    response = client.post(f"/admin/points/pointsaccount/{account.pk}/adjust/",
                           {"points": "5", "reason": "Campaign fix", "token": "t-2"})
    assert response.status_code == 302 and LedgerEntry.objects.count() == 2


# -- invariant check action ----------------------------------------------------------------------------------------
def test_check_invariants_action(admin_client_org, org, program, account):
    other = CustomerFactory(org=org)
    credit(org, other, program, 10, ref="B2")
    broken = PointsAccount.objects.get(customer=other)
    PointsAccount.objects.filter(pk=broken.pk).update(available=D(9))
    response = admin_client_org.post("/admin/points/pointsaccount/", {
        "action": "check_invariants", "_selected_action": [account.pk, broken.pk]}, follow=True)
    text = response.content.decode()
    assert f"1 invariant violations in 2 accounts: account {broken.pk}" in text
    healthy = admin_client_org.post("/admin/points/pointsaccount/", {
        "action": "check_invariants", "_selected_action": [account.pk]}, follow=True)
    assert "1 accounts checked: every balance matches" in healthy.content.decode()
    by_programme = admin_client_org.post("/admin/points/loyaltyprogram/", {
        "action": "check_invariants", "_selected_action": [program.pk]}, follow=True)
    assert "1 invariant violations in 2 accounts" in by_programme.content.decode()


# -- liability -----------------------------------------------------------------------------------------------------
def test_liability_by_expiry_month(admin_client_org, org, other_org, program, member, clock):
    credit(org, member, program, 100, ref="A", expires_at=clock.now + timedelta(days=20))   # Feb 2026
    credit(org, member, program, 60, ref="B", expires_at=clock.now + timedelta(days=25))    # Feb 2026
    credit(org, member, program, 40, ref="C", expires_at=clock.now + timedelta(days=60))    # Mar 2026
    foreign_program = program_create(org=other_org, name="Rival club", is_default=True)
    credit(other_org, CustomerFactory(org=other_org), foreign_program, 999, ref="F")
    response = admin_client_org.get("/admin/points/loyaltyprogram/liability/")
    rows = [(r["month"].strftime("%Y-%m"), r["available"], r["value"]) for r in response.context["rows"]]
    assert rows == [("2026-02", D(160), D("80.0000")), ("2026-03", D(40), D("20.0000"))]  # point value 0.5
    assert response.context["totals"][0]["value"] == D(100)
    assert "Rival club" not in response.content.decode()
