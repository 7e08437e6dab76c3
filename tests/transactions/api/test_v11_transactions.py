"""v1.1 (and v1) transactions: the documented add, return, exchange, cancel, local-currency and update bodies."""
from __future__ import annotations

import json

import pytest

from apps.customers.models import Customer
from apps.points.models import PointsAccount
from apps.transactions.models import Bill
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot
from tests.transactions.api.samples import (V11_ADD, V11_CANCEL_LINE, V11_LOCAL_CURRENCY, V11_MIXED, V11_RETURN,
                                            V11_UPDATE, sample)
from tests.transactions.builders import D, set_config

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def points_never_expire(program):
    """The documented bodies are dated years ago: keep their points alive so balances can be read."""
    program.expiry_policy = "NEVER"
    program.save()


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def add(client, body, version="v1.1"):
    return post(client, f"/{version}/transaction/add?format=json", body)


def one(number, mobile, items, billing_time, kind="regular"):
    """A v1.1 bill: items are (item code, qty, rate)."""
    return {"root": {"transaction": [{
        "type": kind, "number": number, "billing_time": billing_time, "customer": {"mobile": mobile},
        "line_items": {"line_item": [{"item_code": code, "qty": str(qty), "rate": str(rate),
                                      "amount": str(qty * rate)} for code, qty, rate in items]}}]}}


def item_of(response) -> dict:
    transaction = response.json()["response"]["transactions"]["transaction"]
    return transaction[0] if isinstance(transaction, list) else transaction


@pytest.mark.parametrize("version", ["v1.1", "v1"])
def test_documented_add_registers_the_customer_and_earns(api_client, org, earn_rule, version):
    # when
    response = add(api_client, sample(V11_ADD), version)
    # then
    assert response.status_code == 200, response.content
    assert v11_status(response) == {"success": "true", "code": 200, "message": "Success", "total": "1",
                                    "success_count": "1"}
    item = item_of(response)
    assert item["item_status"]["code"] == "600" and item["number"] == "test00transact071"
    customer = Customer.objects.get()
    assert (customer.first_name, customer.last_name) == ("Tjuser", "eightysix")
    assert item["customer"]["user_id"] == str(customer.pk) and item["customer"]["loyalty_points"] == "600"
    assert item["side_effects"] == {"effect": [{"awarded_points": "600", "type": "points"}]}
    bill = Bill.objects.get()
    assert (bill.amount, bill.discount, bill.lines.get().qty) == (D("6000"), D("1000"), D("0.000875"))


def test_partial_batch_answers_201_with_per_item_status(api_client, member, earn_rule):
    # given one good bill and one with a negative amount
    body = one("B-1", "919845012345", [("RICE5", 1, 250)], "2024-01-05 10:00:00")
    bad = dict(body["root"]["transaction"][0], number="B-2", amount="-1")
    body["root"]["transaction"].append(bad)
    # when
    response = add(api_client, body)
    # then
    assert response.status_code == 200
    status = v11_status(response)
    assert (status["code"], status["success_count"]) == (201, "1")
    items = response.json()["response"]["transactions"]["transaction"]
    assert [i["item_status"]["code"] for i in items] == ["600", "631"]
    assert Bill.objects.count() == 1


def test_unknown_customer_is_611_when_registration_is_off(api_client, org, earn_rule):
    # given
    set_config(org, "CONF_TRANSACTION_AUTO_REGISTER", "0")
    before = db_snapshot()
    # when
    response = add(api_client, one("B-1", "919900011122", [("RICE5", 1, 250)], "2024-01-05"))
    # then
    assert response.status_code == 404
    assert v11_status(response)["code"] == 500 and item_of(response)["item_status"]["code"] == "611"
    assert_nothing_written(before)


def test_documented_return_takes_back_the_amount_share(api_client, org, earn_rule):
    # given the bill RE123 it returns (1 x item-001 at 1000 on 2018-04-01, earning 100)
    CustomerFactory(org=org, mobile="919999000000")
    assert add(api_client, one("RE123", "919999000000", [("item-001", 100, 10)], "2018-04-01 11:00:00")
               ).status_code == 200
    # when the documented AMOUNT return (500 of 1000) is sent
    response = add(api_client, sample(V11_RETURN))
    # then
    assert response.status_code == 200, response.content
    item = item_of(response)
    assert (item["type"], item["return_type"], item["parent_bill_number"]) == ("RETURN", "AMOUNT", "RE123")
    assert (item["points_deducted"], item["points_balance"]) == ("50", "50")
    assert Bill.objects.get(number="RE123").returned_amount == D("500")


def test_documented_exchange_returns_a_line_and_earns_on_the_new_one(api_client, org, earn_rule):
    # given the bill RC-15 whose code02 line comes back
    customer = CustomerFactory(org=org, mobile="919540000000")
    add(api_client, one("RC-15", "919540000000", [("code02", 1, 50), ("code03", 1, 150)], "2018-09-25 10:10:10"))
    # when
    from tests.factories.organizations import PaymentModeFactory

    PaymentModeFactory(org=org, name="CASH")
    PaymentModeFactory(org=org, name="Card")
    response = add(api_client, sample(V11_MIXED))
    # then
    assert response.status_code == 200, response.content
    item = item_of(response)
    assert item["type"] == "MIXED" and item["points_deducted"] == "5"
    assert item["side_effects"]["effect"][0]["awarded_points"] == "50"
    assert PointsAccount.objects.get(customer=customer).available == D("65")
    assert Bill.objects.get(number="Exch-1112").tenders.count() == 2


def test_documented_cancel_line_item(api_client, org, earn_rule):
    # given the order whose line number0-1 is cancelled
    CustomerFactory(org=org, mobile="919111111111")
    add(api_client, one("numbr8674477501", "919111111111", [("number0-1", 1, 50), ("number0-2", 1, 70)],
                        "2018-02-13 09:00:00"))
    # when
    response = post(api_client, "/v1.1/transaction/add?format=json", sample(V11_CANCEL_LINE))
    # then
    assert response.status_code == 200, response.content
    item = item_of(response)
    assert (item["type"], item["return_type"], item["points_deducted"]) == ("RETURN", "CANCELLED", "5")
    parent = Bill.objects.get(number="numbr8674477501", type="REGULAR")
    assert parent.lines.get(item_code="number0-1").returned_qty == D("1") and not parent.is_fully_returned


def test_documented_local_currency_bill_is_converted(api_client, org, till, earn_rule):
    # given a store billing in AED and the org's ratio
    till.store.currency = "AED"
    till.store.save()
    set_config(org, "CONF_CURRENCY_CONVERSION_ENABLE", "1")
    set_config(org, "CONF_CURRENCY_CONVERSION_RATIOS", "AED:22.60")
    body = sample(V11_LOCAL_CURRENCY)
    body["root"]["transaction"][0]["customer"]["mobile"] = "919100000099"
    # when
    response = post(api_client, "/v1.1/transaction/add_with_local_currency?format=json", body)
    # then
    assert response.status_code == 200, response.content
    bill = Bill.objects.get()
    assert (bill.local_currency, bill.local_amount, bill.amount) == ("AED", D("2000"), D("45200"))
    assert item_of(response)["side_effects"]["effect"][0]["awarded_points"] == "4520"


def test_local_currency_needs_conversion_enabled(api_client, org, earn_rule):
    body = sample(V11_LOCAL_CURRENCY)
    body["root"]["transaction"][0]["customer"]["mobile"] = "919100000099"
    response = post(api_client, "/v1.1/transaction/add_with_local_currency", body)
    assert response.status_code == 422 and item_of(response)["item_status"]["code"] == "682"


def test_documented_update_changes_fields_of_the_customers_bill(api_client, org, member, earn_rule):
    # given
    from apps.fields.services import extended_field_create

    extended_field_create(org=org, entity="TRANSACTION", name="cashier_id")
    extended_field_create(org=org, entity="TRANSACTION", name="CentralGST")
    add(api_client, one("BILL-001", "919845012345", [("RICE5", 1, 250)], "2024-01-05"))
    body = sample(V11_UPDATE)
    body["root"]["transaction"][0].update(id="", customer={"mobile": "919845012345"})
    # when
    response = post(api_client, "/v1.1/transaction/update?format=json", body)
    # then
    assert response.status_code == 200, response.content
    item = item_of(response)
    assert item["item_status"]["code"] == "600" and item["item_status"]["warnings"]["warning"] == ["1017", "1017"]
    assert Bill.objects.get().extended_fields == {"CentralGST": "8.5", "cashier_id": "12345678"}


def test_get_by_number_and_by_store(api_client, org, till, member, earn_rule):
    # given
    add(api_client, one("BILL7", "919845012345", [("RICE5", 2, 250)], "2024-01-05 10:00:00"))
    # when
    by_number = api_client.get("/v1.1/transaction/get?number=BILL7&format=json&tenders=true&user_id=true")
    by_store = api_client.get(f"/v1.1/transaction/get?store_code={till.store.code}")
    # then
    assert by_number.status_code == 200
    transactions = by_number.json()["response"]["transactions"]
    item = transactions["transaction"][0]
    assert transactions["count"] == 1 and item["number"] == "BILL7" and item["billing_time"] == "2024-01-05 10:00:00"
    assert item["points"]["issued"] == "50" and item["customer"] == {"user_id": str(member.pk)}
    assert item["line_items"]["line_item"][0]["qty"] == "2"
    assert by_store.json()["response"]["transactions"]["count"] == 1


def test_get_needs_an_identifier_and_answers_620_for_none(api_client):
    assert v11_status(api_client.get("/v1.1/transaction/get"))["code"] == 670
    response = api_client.get("/v1.1/transaction/get?number=NOPE")
    assert response.status_code == 404 and v11_status(response)["code"] == 620


def test_customer_transactions_history(api_client, member, earn_rule):
    # given
    for number in ("B-1", "B-2", "B-3"):
        add(api_client, one(number, "919845012345", [("RICE5", 1, 250)], f"2024-01-0{number[-1]} 10:00:00"))
    # when
    response = api_client.get("/v1.1/customer/transactions?format=json&mobile=919845012345&limit=2")
    # then
    assert response.status_code == 200
    customer = response.json()["response"]["customer"]
    assert (customer["count"], customer["rows"], customer["loyalty_points"]) == (3, "2", "75")
    assert [t["number"] for t in customer["transactions"]["transaction"]] == ["B-3", "B-2"]
    assert customer["item_status"]["code"] == "1052"


def test_customer_transactions_of_unknown_customer_is_816(api_client):
    response = api_client.get("/v1.1/customer/transactions?mobile=919900011122")
    assert response.status_code == 404 and v11_status(response)["code"] == 816


@pytest.mark.parametrize("rows", [3, 30])
def test_customer_transactions_query_count_does_not_grow(api_client, member, rows, django_assert_num_queries):
    # given
    from tests.factories.transactions import BillFactory

    BillFactory.create_batch(rows, org=member.org, customer=member)
    # when / then: auth (3), customer lookup, count, page, lines, tenders, identifiers, programme, balance, purchases
    with django_assert_num_queries(12):
        response = api_client.get("/v1.1/customer/transactions?mobile=919845012345&limit=50")
    assert len(response.json()["response"]["customer"]["transactions"]["transaction"]) == rows


@pytest.mark.parametrize("change", [
    {"line_items": {"line_item": ["soap"]}}, {"line_items": "soap"}, {"payment_details": {"payment": [
        {"mode": "CASH", "value": "ten"}]}}, {"customer": "9845012345"}, {"billing_time": "yesterday"},
    {"amount": None, "number": None}, {"type": None},
])
def test_malformed_items_fail_alone_with_400(api_client, member, earn_rule, change):
    body = one("B-1", "919845012345", [("RICE5", 1, 250)], "2024-01-05")
    body["root"]["transaction"][0].update(change)
    before = db_snapshot()
    response = add(api_client, body)
    assert response.status_code == 400 and item_of(response)["item_status"]["success"] == "false"
    assert_nothing_written(before)
