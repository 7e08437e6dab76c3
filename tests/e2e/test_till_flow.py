"""The till in a real browser: a cashier's shift from log in to log out, with a screenshot of each main screen."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from apps.communications.backends import LocmemBackend
from apps.points.choices import SourceType
from apps.points.models import PointsAccount, Redemption
from apps.points.services import points_credit, program_create
from apps.rules.services import default_earn_rule_ensure
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from apps.transactions.models import Bill
from tests.factories.coupons import CouponFactory, CouponSeriesFactory
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import OrganizationFactory, PaymentModeFactory, StoreFactory, TillFactory
from tests.factories.transactions import ProductFactory

from .browser import browser_tests

pytestmark = [*browser_tests, pytest.mark.django_db(transaction=True)]
D = Decimal
PASSWORD = "Demo-pass-2026"


@pytest.fixture
def shop(transactional_db):
    org = OrganizationFactory(name="Demo Retail")
    store = StoreFactory(org=org, code="blr-indiranagar", name="Indiranagar")
    till = TillFactory(org=org, store=store, code="blr-indiranagar-1", is_default=True)
    staff_user_create(org=org, username="demo.cashier", password=PASSWORD, role=StaffRole.TILL_OPERATOR,
                      store=store, first_name="Kiran", last_name="Das")
    program = program_create(org=org, name="Demo Club", is_default=True, point_value=D("0.25"),
                             validation_code_required=True, expiry_days=365)
    default_earn_rule_ensure(org=org, program=program, percent=D("10"))
    PaymentModeFactory(org=org, name="CASH")
    PaymentModeFactory(org=org, name="CARD")
    ProductFactory(org=org, item_code="TEA1", description="Assam tea", price=D("250"))
    member = CustomerFactory(org=org, mobile="919845012345", email="asha@example.com", first_name="Asha",
                             last_name="Rao")
    points_credit(org=org, customer=member, points=D("500"), program=program, source_type=SourceType.MANUAL,
                  reason="opening", idempotency_key="e2e-open")
    CouponFactory(org=org, customer=member, code="SAVE100",
                  series=CouponSeriesFactory(org=org, description="Diwali 100 off"))
    # Another org's customer with the same kind of data: the till must never find it.
    rival = OrganizationFactory(name="Rival Retail")
    CustomerFactory(org=rival, mobile="919845077777")
    LocmemBackend.outbox.clear()
    return {"org": org, "store": store, "till": till, "member": member, "program": program}


def log_in(page, username="demo.cashier", password=PASSWORD):
    page.goto("/till/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_cashiers_shift(page, shop, shot):
    member, org = shop["member"], shop["org"]

    # log in (a wrong password first: the message, then the right one)
    page.goto("/till/")
    assert "/till/login" in page.url
    shot(page, "01-login")
    log_in(page, password="wrong")
    assert page.get_by_text("Wrong username or password.").is_visible()
    log_in(page)
    page.wait_for_url("**/till/")
    assert page.get_by_role("navigation").get_by_text("Find customer").is_visible()

    # find a customer: typed mobile with spaces; another org's number is not found
    search = page.get_by_label(re.compile("Mobile, email, card number"))
    assert search.evaluate("el => el === document.activeElement")  # keyboard-first: the field has focus
    search.fill("98450 77777")
    search.press("Enter")
    assert page.get_by_text("No customer found").is_visible()
    page.get_by_label(re.compile("Mobile, email, card number")).fill("+91 98450 12345")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/till/customers/{member.pk}/")
    assert page.get_by_test_id("available").inner_text() == "500"
    assert page.get_by_text("SAVE100").is_visible()
    shot(page, "02-customer")

    # enrol a new customer
    page.get_by_role("link", name="Enrol").click()
    page.get_by_label("Mobile").fill("12")
    page.get_by_role("button", name="Enrol").click()
    assert re.search(r"Invalid Primary Id.*\(8014\)", page.locator("#id_mobile_error").inner_text())
    assert page.get_by_role("alert").get_by_role("link", name="Mobile").is_visible()  # the error summary
    shot(page, "03-enrol-error")
    page.get_by_label("Mobile").fill("9845011111")
    page.get_by_label("First name").fill("Ravi")
    page.get_by_label("Last name").fill("Kumar")
    page.get_by_role("button", name="Enrol").click()
    assert page.get_by_text("Customer enrolled.").is_visible()
    assert page.get_by_role("heading", name=re.compile("Ravi Kumar")).is_visible()

    # record a bill for Asha: the points shown before confirming, then confirmed
    page.goto(f"/till/customers/{member.pk}/")
    page.get_by_role("link", name="New bill").click()
    page.get_by_label("Bill number").fill("E2E-1001")
    page.get_by_label("Item code 1").fill("TEA1")
    page.get_by_label("Item code 1").press("Tab")  # SKU look-up: the product master fills the description
    page.wait_for_function("document.querySelector('input[name=description]').value === 'Assam tea'")
    page.get_by_label("Quantity 1").fill("2")
    assert page.get_by_label("Price 1").input_value() == "250"
    page.get_by_label("Item code 2").fill("RICE5")
    page.get_by_label("Price 2").fill("500")
    assert page.locator("#lines-total").inner_text() == "1000.00"  # the running total (plain JavaScript)
    page.get_by_label("Amount").fill("1000")
    page.get_by_role("button", name="Show points").click()
    assert page.get_by_test_id("points-preview").inner_text() == "100"
    assert page.get_by_test_id("bill-amount").inner_text() == "1000.00"
    shot(page, "04-bill-preview")
    page.get_by_role("button", name="Confirm bill").click()
    assert page.get_by_text("Bill E2E-1001 recorded: 100 points earned.").is_visible()
    assert page.get_by_test_id("bill-points").inner_text() == "100"
    shot(page, "05-bill-recorded")

    # redeem points with the validation code sent to the customer
    page.get_by_role("link", name="Redeem points on this bill").click()
    assert page.get_by_label("Bill number").input_value() == "E2E-1001"
    page.get_by_label("Points to redeem").fill("200")
    page.get_by_role("button", name="Check and send validation code").click()
    assert page.get_by_test_id("redeem-value").inner_text() == "50.00"
    body = LocmemBackend.outbox[-1]["body"]
    code = body.split("code is ")[1][:6]
    code_field = page.get_by_label("Validation code")
    assert code_field.evaluate("el => el === document.activeElement")  # focus moved to the code
    code_field.fill(code)
    shot(page, "06-redeem-points")
    page.get_by_role("button", name="Redeem", exact=True).click()
    assert page.get_by_text(re.compile("200 points redeemed for 50")).is_visible()
    assert page.get_by_test_id("available").inner_text() == "400"  # 500 + 100 earned - 200

    # redeem a coupon: an unknown code gets the documented reason, the real one goes through
    page.get_by_role("link", name="Redeem coupon").click()
    page.get_by_label("Coupon code").fill("NOPE")
    page.get_by_label("Bill number").fill("E2E-1001")
    page.get_by_role("button", name="Check coupon").click()
    assert page.locator("#id_code_error").inner_text() == "Coupon code is invalid (702)"
    page.get_by_label("Coupon code").fill("SAVE100")
    page.get_by_label("Bill amount").fill("1000")
    page.get_by_role("button", name="Check coupon").click()
    assert page.get_by_test_id("coupon-discount").inner_text() == "100.00"
    shot(page, "07-redeem-coupon")
    page.get_by_role("button", name="Redeem coupon").click()
    assert page.get_by_text(re.compile("Coupon SAVE100 redeemed on bill E2E-1001")).is_visible()

    # return one line of the bill
    page.get_by_role("link", name="Return a bill").click()
    page.get_by_label("Original bill number").fill("E2E-1001")
    page.get_by_role("button", name="Find bill").click()
    page.get_by_label("Some lines").check()
    page.get_by_label("Quantity to return of RICE5").fill("1")
    shot(page, "08-return")
    page.get_by_role("button", name="Record return").click()
    assert page.get_by_text(re.compile("Return recorded: 500.* returned, 50 points taken back")).is_visible()

    # today's activity at this till
    page.get_by_role("link", name="Today").click()
    assert page.get_by_test_id("bill-count").inner_text() == "2"
    assert page.get_by_test_id("enrolment-count").inner_text() == "1"
    assert page.get_by_test_id("points-redeemed").inner_text() == "200"
    assert page.get_by_test_id("coupon-count").inner_text() == "1"
    shot(page, "09-activity")

    # log out: the screens ask for a login again
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_text("You are logged out.").is_visible()
    page.goto("/till/activity")
    assert "/till/login" in page.url

    # what the browser did went through the services
    assert Bill.objects.get(org=org, number="E2E-1001", type="REGULAR").returned_amount == D("500")
    assert Redemption.objects.get(customer=member).points == D("200")
    assert PointsAccount.objects.get(customer=member).available == D("350")


def test_a_locked_out_username_cannot_log_in(page, shop, settings):
    settings.TILL_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        log_in(page, password="wrong")
    assert page.get_by_text("Too many failed attempts").is_visible()
    log_in(page)
    assert page.get_by_text("Too many failed attempts").is_visible()
    assert "/till/login" in page.url
