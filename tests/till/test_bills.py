"""Recording a bill (points shown first through the simulation service, then confirmed) and returns."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.organizations.models import OrgConfig
from apps.points.models import PointsAccount
from apps.transactions.models import Bill
from apps.transactions.services import BillInput, CustomerRef, LineInput, bill_add
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import PaymentModeFactory
from tests.factories.transactions import ProductFactory
from tests.helpers.tenancy import db_snapshot

pytestmark = pytest.mark.django_db
D = Decimal


def bill_post(number="B-1", lines=(("SKU1", "2", "250"), ("SKU2", "", "500")), action="preview", tenders=()):
    data = {"number": number, "action": action, "item_code": [], "description": [], "qty": [], "rate": [],
            "tender_mode": [], "tender_value": []}
    for code, qty, rate in lines:
        data["item_code"].append(code)
        data["description"].append("")
        data["qty"].append(qty)
        data["rate"].append(rate)
    for mode, value in tenders:
        data["tender_mode"].append(mode)
        data["tender_value"].append(value)
    return data


def test_bill_page_suggests_a_number_and_offers_payment_modes(cashier_client, member, org):
    PaymentModeFactory(org=org, name="CARD")
    body = cashier_client.get(f"/till/customers/{member.pk}/bill").content.decode()
    assert 'name="number"' in body and "CARD</option>" in body


def test_preview_shows_the_points_and_writes_nothing(cashier_client, member, earn_rule):
    before = db_snapshot()
    response = cashier_client.post(f"/till/customers/{member.pk}/bill", bill_post())
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="points-preview">100<' in body  # 10% of 1000
    assert 'data-testid="bill-amount">1000.00<' in body
    assert db_snapshot() == before


def test_confirm_records_the_bill_at_this_till_and_awards_the_points(cashier_client, member, earn_rule, till, org):
    PaymentModeFactory(org=org, name="CASH")
    response = cashier_client.post(f"/till/customers/{member.pk}/bill", bill_post(action="confirm",
                                                                                   tenders=[("CASH", "1000")]))
    bill = Bill.objects.get(org=org, number="B-1")
    assert response.status_code == 302 and response["Location"] == f"/till/bills/{bill.pk}/"
    assert bill.till_id == till.pk and bill.store_id == till.store_id and bill.customer_id == member.pk
    assert bill.amount == D("1000") and bill.points == D("100")
    assert PointsAccount.objects.get(customer=member).available == D("100")
    receipt = cashier_client.get(response["Location"]).content.decode()
    assert 'data-testid="bill-points">100<' in receipt


def test_preview_and_confirm_agree(cashier_client, member, earn_rule, org):
    preview = cashier_client.post(f"/till/customers/{member.pk}/bill", bill_post(number="B-9"))
    assert 'data-testid="points-preview">100<' in preview.content.decode()
    cashier_client.post(f"/till/customers/{member.pk}/bill", bill_post(number="B-9", action="confirm"))
    assert Bill.objects.get(org=org, number="B-9").points == D("100")


def test_bad_input_is_explained_and_nothing_is_written(cashier_client, member, earn_rule):
    before = db_snapshot()
    response = cashier_client.post(f"/till/customers/{member.pk}/bill",
                                   bill_post(lines=[("SKU1", "x", "-5"), ("", "1", "10")], action="confirm"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Line 1 quantity: “x” is not a number." in body and "Line 1 price must be zero or more." in body
    assert "Line 2 needs an item code." in body
    assert db_snapshot() == before


def test_an_empty_bill_is_refused(cashier_client, member):
    response = cashier_client.post(f"/till/customers/{member.pk}/bill", bill_post(lines=[]))
    assert response.status_code == 400 and "Add at least one line" in response.content.decode()


def test_service_errors_carry_the_platforms_code(cashier_client, member, earn_rule, org):
    OrgConfig.objects.create(org=org, key="CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE", value="true")
    cashier_client.post(f"/till/customers/{member.pk}/bill", bill_post(action="confirm"))
    response = cashier_client.post(f"/till/customers/{member.pk}/bill", bill_post(action="confirm"))
    assert response.status_code == 400
    assert Bill.objects.filter(org=org, number="B-1").count() == 1
    assert "(6" in response.content.decode()  # duplicate bill number


def test_unknown_payment_mode_rejection_is_shown(cashier_client, member, earn_rule, org):
    OrgConfig.objects.create(org=org, key="CONF_TRANSACTION_REQUIRE_KNOWN_TENDER", value="true")
    response = cashier_client.post(f"/till/customers/{member.pk}/bill",
                                   bill_post(action="confirm", tenders=[("BITCOIN", "1000")]))
    assert response.status_code == 422 and "BITCOIN" in response.content.decode()
    assert not Bill.objects.filter(org=org).exists()


def test_unknown_sku_rejection_is_shown(cashier_client, member, earn_rule, org):
    OrgConfig.objects.create(org=org, key="CONF_TRANSACTION_REQUIRE_KNOWN_SKU", value="true")
    response = cashier_client.post(f"/till/customers/{member.pk}/bill", bill_post(action="preview"))
    assert response.status_code == 400 and "SKU1" in response.content.decode()


def test_bill_for_another_orgs_customer_is_404(cashier_client, other_org):
    rival = CustomerFactory(org=other_org)
    assert cashier_client.get(f"/till/customers/{rival.pk}/bill").status_code == 404
    assert cashier_client.post(f"/till/customers/{rival.pk}/bill", bill_post(action="confirm")).status_code == 404
    assert not Bill.objects.exists()


def test_bill_receipt_of_another_store_or_org_is_404(cashier_client, member, other_store_till, org, other_org,
                                                     other_till):
    data = BillInput(type="REGULAR", number="X1", lines=[LineInput(item_code="A", rate=D(10))],
                     customer=CustomerRef(identifier_name="id", identifier_value=str(member.pk)))
    elsewhere = bill_add(org=org, data=data, till=other_store_till).bill
    rival = CustomerFactory(org=other_org)
    data.customer = CustomerRef(identifier_name="id", identifier_value=str(rival.pk))
    foreign = bill_add(org=other_org, data=data, till=other_till).bill
    assert cashier_client.get(f"/till/bills/{elsewhere.pk}/").status_code == 404
    assert cashier_client.get(f"/till/bills/{foreign.pk}/").status_code == 404


def test_bill_screens_are_a_bounded_number_of_queries(cashier_client, member, earn_rule,
                                                      django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        cashier_client.get(f"/till/customers/{member.pk}/bill")
    many = [(f"SKU{n}", "1", "10") for n in range(20)]
    with django_assert_max_num_queries(40):
        cashier_client.post(f"/till/customers/{member.pk}/bill", bill_post(lines=many))


def test_sku_lookup_returns_the_product_of_this_org_only(cashier_client, org, other_org):
    ProductFactory(org=org, item_code="TEA1", description="Assam tea", price=D("120.00"))
    ProductFactory(org=other_org, item_code="RIVAL1", description="Rival", price=D("1"))
    found = cashier_client.get("/till/sku", {"code": "TEA1"})
    assert found.status_code == 200 and found.json() == {"found": True, "item_code": "TEA1",
                                                         "description": "Assam tea", "price": "120"}
    assert cashier_client.get("/till/sku", {"code": "RIVAL1"}).status_code == 404


# -- returns -----------------------------------------------------------------------------------------------------------
@pytest.fixture
def sold(org, till, member, earn_rule):
    data = BillInput(type="REGULAR", number="S-100", lines=[LineInput(item_code="A", qty=D(2), rate=D(100)),
                                                             LineInput(item_code="B", qty=D(1), rate=D(300))],
                     customer=CustomerRef(identifier_name="id", identifier_value=str(member.pk)))
    return bill_add(org=org, data=data, till=till).bill


def test_return_finds_the_bill_by_number(cashier_client, sold):
    response = cashier_client.get("/till/returns", {"number": "S-100"})
    body = response.content.decode()
    assert response.status_code == 200 and f'name="bill" value="{sold.pk}"' in body and f'name="qty_' in body


def test_return_of_an_unknown_number_says_so(cashier_client, sold):
    response = cashier_client.get("/till/returns", {"number": "NOPE"})
    assert response.status_code == 404 and "No bill NOPE at this store." in response.content.decode()


def test_full_return_takes_the_points_back(cashier_client, sold, member):
    response = cashier_client.post("/till/returns", {"bill": sold.pk, "return_type": "FULL"})
    assert response.status_code == 302
    sold.refresh_from_db()
    assert sold.is_fully_returned and PointsAccount.objects.get(customer=member).available == 0


def test_line_return(cashier_client, sold):
    line_b = sold.lines.get(item_code="B")
    response = cashier_client.post("/till/returns", {"bill": sold.pk, "return_type": "LINE_ITEM",
                                                     f"qty_{line_b.pk}": "1"})
    assert response.status_code == 302
    sold.refresh_from_db()
    assert sold.returned_amount == D("300") and not sold.is_fully_returned


def test_amount_return(cashier_client, sold):
    response = cashier_client.post("/till/returns", {"bill": sold.pk, "return_type": "AMOUNT", "amount": "250"})
    assert response.status_code == 302
    sold.refresh_from_db()
    assert sold.returned_amount == D("250")


def test_return_errors_are_shown_and_nothing_is_written(cashier_client, sold):
    before = db_snapshot()
    too_much = cashier_client.post("/till/returns", {"bill": sold.pk, "return_type": "AMOUNT", "amount": "9999"})
    assert too_much.status_code == 400 and "(6" in too_much.content.decode()
    no_lines = cashier_client.post("/till/returns", {"bill": sold.pk, "return_type": "LINE_ITEM"})
    assert "Enter the quantity to return" in no_lines.content.decode()
    no_type = cashier_client.post("/till/returns", {"bill": sold.pk})
    assert "Choose how to return the bill." in no_type.content.decode()
    assert db_snapshot() == before


def test_returning_twice_is_refused(cashier_client, sold):
    cashier_client.post("/till/returns", {"bill": sold.pk, "return_type": "FULL"})
    again = cashier_client.post("/till/returns", {"bill": sold.pk, "return_type": "FULL"})
    assert again.status_code == 400


def test_bills_of_another_store_cannot_be_returned_here(cashier_client, org, member, other_store_till, earn_rule):
    data = BillInput(type="REGULAR", number="S-200", lines=[LineInput(item_code="A", rate=D(100))],
                     customer=CustomerRef(identifier_name="id", identifier_value=str(member.pk)))
    elsewhere = bill_add(org=org, data=data, till=other_store_till).bill
    assert cashier_client.get("/till/returns", {"number": "S-200"}).status_code == 404
    assert cashier_client.post("/till/returns", {"bill": elsewhere.pk, "return_type": "FULL"}).status_code == 404
    elsewhere.refresh_from_db()
    assert not elsewhere.return_mode


def test_return_screen_is_a_bounded_number_of_queries(cashier_client, sold, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        cashier_client.get("/till/returns", {"number": "S-100"})
