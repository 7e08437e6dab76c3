"""GET and POST v1.1/customer/tickets."""
from datetime import UTC, datetime

import pytest

from apps.customers.models import CustomerTicket
from tests.factories.customers import CustomerFactory, CustomerTicketFactory
from tests.helpers.api import v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import MOBILE, post, response_of, root

pytestmark = pytest.mark.django_db

PATH = "/v1.1/customer/tickets?format=json"


def test_documented_create_sample(api_client, till, customer):
    # given: the reference sample naming the customer by all its identifiers
    body = root({"email": "tom@example.com", "mobile": MOBILE, "external_id": "TOM345", "id": str(customer.pk),
                 "ticket": [{"status": "OPEN", "priority": "HIGH", "department": "INTERNAL", "subject": "points issue",
                             "message": "Unable to redeem points",
                             "custom_fields": {"field": [{"name": "field1", "value": "value1"}]}}]})
    # when
    response = post(api_client, PATH, body)
    # then
    assert response.status_code == 200
    ticket = CustomerTicket.objects.get(customer=customer)
    assert response_of(response)["customers"]["customer"] == {
        "id": str(customer.pk), "mobile": MOBILE, "email": "tom@example.com", "external_id": "TOM345",
        "ticket": {"code": ticket.code, "status": "OPEN", "priority": "HIGH", "department": "INTERNAL",
                   "subject": "points issue", "message": "Unable to redeem points",
                   "custom_fields": {"field": {"name": "field1", "value": "value1"}}},
        "item_status": {"success": "true", "code": "1300", "message": "Ticket added successfully",
                        "warnings": {"warning": []}}}
    assert (ticket.till, ticket.store) == (till, till.store)


def test_create_with_code_and_source(api_client, customer):
    # when
    response = post(api_client, PATH, root({"mobile": MOBILE, "ticket": {
        "subject": "Wrong bill", "priority": "low", "ticket_code": "TCK-1", "reported_from": "CALLCENTER",
        "type": "Customer"}}))
    # then
    assert response.status_code == 200
    ticket = CustomerTicket.objects.get(code="TCK-1")
    assert (ticket.priority, ticket.reported_from, ticket.type, ticket.status) == ("LOW", "CALLCENTER", "Customer",
                                                                                    "OPEN")


def test_get_filters_and_answers_the_customers_tickets(api_client, org, customer):
    # given
    high = CustomerTicketFactory(org=org, customer=customer, priority="HIGH", department="INTERNAL",
                                 subject="points issue", message="Product received is damaged",
                                 custom_fields={"field1": "value1"})
    CustomerTicketFactory(org=org, customer=customer, priority="LOW", status="CLOSED",
                          created_at=datetime(2020, 1, 1, tzinfo=UTC))
    CustomerTicketFactory(org=org, customer=CustomerFactory(org=org), priority="HIGH")
    # when
    response = api_client.get(f"/v1.1/customer/tickets?mobile={MOBILE}&priority=high&status=open")
    # then
    assert response.status_code == 200
    assert response_of(response)["customer"] == {
        "firstname": "Tom", "lastname": "Sawyer", "id": str(customer.pk), "mobile": MOBILE,
        "email": "tom@example.com", "external_id": "TOM345",
        "tickets": {"ticket": {"code": high.code, "status": "OPEN", "priority": "HIGH", "department": "INTERNAL",
                               "subject": "points issue", "message": "Product received is damaged",
                               "custom_fields": {"field": {"name": "field1", "value": "value1"}}}},
        "item_status": {"success": "true", "code": "1300", "message": "Ticket retrieved successfully",
                        "warnings": {"warning": []}}}


@pytest.mark.parametrize("query, codes", [
    ("ticket_code={code}", ["new"]), ("start_date=2021-01-01", ["new"]), ("end_date=2020-01-01", ["old"]),
    ("", ["new", "old"]), ("department=none", []),
])
def test_get_filters(api_client, org, customer, query, codes):
    # given
    tickets = {"new": CustomerTicketFactory(org=org, customer=customer),
               "old": CustomerTicketFactory(org=org, customer=customer, created_at=datetime(2020, 1, 1, tzinfo=UTC))}
    query = query.replace("{code}", tickets["new"].code)
    # when
    response = api_client.get(f"/v1.1/customer/tickets?mobile={MOBILE}&{query}")
    # then
    found = response_of(response)["customer"]["tickets"]["ticket"]
    found = found if isinstance(found, list) else [found]
    assert [t["code"] for t in found] == [tickets[name].code for name in codes]


@pytest.mark.parametrize("query, code, http", [
    (f"mobile={MOBILE}&start_date=01-01-2020", 400, 400), ("mobile=919999999999", 816, 404), ("", 1015, 400),
])
def test_get_refusals(api_client, customer, query, code, http):
    # when
    response = api_client.get(f"/v1.1/customer/tickets?{query}")
    # then
    assert response.status_code == http
    assert v11_status(response)["code"] == code


@pytest.mark.parametrize("item, code, http", [
    ({"mobile": MOBILE, "ticket": [{"message": "no subject"}]}, "1303", 400),
    ({"mobile": MOBILE, "ticket": []}, "1303", 400),
    ({"mobile": MOBILE, "ticket": [{"subject": "Open already"}]}, "1301", 400),
    ({"mobile": MOBILE, "ticket": [{"subject": "x", "priority": "urgent"}]}, "400", 400),
    ({"mobile": MOBILE, "ticket": [{"subject": "first"}, {"subject": ""}]}, "1303", 400),
    ({"mobile": "919999999999", "ticket": [{"subject": "x"}]}, "816", 404),
], ids=["no-subject", "no-ticket", "same-subject-open", "bad-priority", "second-ticket-bad", "unknown-customer"])
def test_post_refusals_write_nothing(api_client, org, customer, item, code, http):
    # given
    CustomerTicketFactory(org=org, customer=customer, subject="Open already")
    before = db_snapshot()
    # when
    response = post(api_client, PATH, root(item))
    # then
    assert response.status_code == http
    assert response_of(response)["customers"]["customer"]["item_status"]["code"] == code
    assert_nothing_written(before)
