"""POST v1.1/customer/update: the documented sample, lookups, per-item failures and partial batches."""
import pytest

from apps.customers.choices import CustomerEventType, FraudStatus, IdentifierType, LoyaltyType
from apps.customers.models import Customer, CustomerEvent, CustomerIdentifier, CustomerSubscription
from apps.fields.choices import ExtendedFieldDataType
from tests.factories.customers import CustomerFactory
from tests.factories.fields import ExtendedFieldFactory
from tests.helpers.api import v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import MOBILE, OTHER_MOBILE, item_codes, items_of, post, response_of, root

pytestmark = pytest.mark.django_db

UPDATE = "/v1.1/customer/update?format=json"


def test_documented_sample_updates_the_customer(api_client, org, customer, customer_fields):
    # given: the v1.1 reference sample, naming the fixture customer by mobile and sending an ISO country
    ExtendedFieldFactory(org=org, name="Nationality", data_type=ExtendedFieldDataType.COUNTRY)
    CustomerFactory(org=org)  # another customer, untouched
    body = root({
        "mobile": MOBILE, "email": "", "external_id": "", "firstname": "Rita", "lastname": "James",
        "updated_on": "2019-09-11 10:12:00", "registered_till": "", "associated_with": "", "type": "LOYALTY",
        "fraud_status": {"status": ""},
        "subscriptions": {"subscription": [
            {"priority": "TRANS", "scope": "all", "is_subscribed": "1", "channel": "email"},
            {"priority": "BULK", "scope": "all", "is_subscribed": "0", "channel": "email"},
            {"priority": "TRANS", "scope": "all", "is_subscribed": "1", "channel": "sms"},
            {"priority": "BULK", "scope": "all", "is_subscribed": "1", "channel": "sms"}]},
        "extended_fields": {"field": [{"name": "gender", "value": "male"}, {"name": "Nationality", "value": "IN"}]},
        "custom_fields": {"field": [{"name": "age", "value": "[\u201c46\u201d]"}]},
    })
    # when
    response = post(api_client, UPDATE, body)
    # then
    assert response.status_code == 200
    assert response_of(response)["status"] == {"success": "true", "code": 200, "message": "Success", "total": "1",
                                               "success_count": "1"}
    [item] = items_of(response)
    assert (item["user_id"], item["firstname"], item["lastname"], item["mobile"], item["email"]) == (
        customer.pk, "Rita", "James", MOBILE, "tom@example.com")
    assert item["extended_fields"] == {"field": [{"name": "Nationality", "value": "IN"},
                                                 {"name": "gender", "value": "Male"}]}
    assert item["item_status"] == {"success": "true", "code": "1000", "warnings": {"warning": ["1017"]},
                                   "message": "Customer successfully updated, Provided Custom Field is invalid"}
    subscribed = dict(((row.channel, row.priority), row.is_subscribed)
                      for row in CustomerSubscription.objects.filter(customer=customer))
    assert subscribed[("EMAIL", "BULK")] is False and subscribed[("SMS", "BULK")] is True
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.gender) == ("Rita", "James", "Male")


def test_put_is_accepted_as_the_current_reference_documents(api_client, customer):
    # when
    response = api_client.put(UPDATE, root({"mobile": MOBILE, "lastname": "Finn"}), format="json")
    # then
    assert response.status_code == 200
    assert items_of(response)[0]["lastname"] == "Finn"


def test_missing_identifiers_are_filled_but_existing_ones_kept(api_client, org):
    # given: a customer with a mobile only
    customer = CustomerFactory(org=org, mobile=MOBILE)
    # when: found by id, sending a new email and another mobile
    response = post(api_client, UPDATE, root({"id": str(customer.pk), "email": "new@example.com",
                                              "mobile": OTHER_MOBILE}))
    # then
    [item] = items_of(response)
    assert (item["mobile"], item["email"]) == (MOBILE, "new@example.com")
    assert item["item_status"]["warnings"]["warning"] == ["91006"]
    assert set(CustomerIdentifier.objects.filter(customer=customer).values_list("type", "value")) == {
        (IdentifierType.MOBILE, MOBILE), (IdentifierType.EMAIL, "new@example.com")}


def test_fraud_status_and_loyalty_conversion(api_client, org):
    # given
    customer = CustomerFactory(org=org, mobile=MOBILE, loyalty_type=LoyaltyType.NON_LOYALTY)
    # when
    response = post(api_client, UPDATE, root({"mobile": MOBILE, "type": "LOYALTY",
                                              "fraud_status": {"status": "CONFIRMED"}}))
    # then
    [item] = items_of(response)
    assert (item["type"], item["fraud_status"]) == ("LOYALTY", "CONFIRMED")
    customer.refresh_from_db()
    assert (customer.loyalty_type, customer.fraud_status) == (LoyaltyType.LOYALTY, FraudStatus.CONFIRMED)
    assert CustomerEvent.objects.filter(customer=customer, type=CustomerEventType.FRAUD_STATUS_CHANGED).count() == 1


@pytest.mark.parametrize("item, code, http", [
    ({"mobile": "919999999999", "firstname": "Ghost"}, "816", 404),
    ({"firstname": "Nobody"}, "1015", 400),
    ({"mobile": MOBILE, "type": "NON_LOYALTY"}, "1046", 400),
    ({"mobile": MOBILE, "email": "not-an-email"}, "1002", 400),
    ({"mobile": MOBILE, "lastname": ["a", "b"]}, "400", 400),
    ({"mobile": MOBILE, "fraud_status": {"status": "WHATEVER"}}, "400", 400),
    ({"mobile": MOBILE, "firstname": "Changed", "subscriptions": {"subscription": [
        {"channel": "sms", "priority": "URGENT", "is_subscribed": "1"}]}}, "1102", 400),
], ids=["not-found", "no-identifier", "loyalty-downgrade", "invalid-email", "wrong-type", "bad-fraud-status",
        "bad-subscription-rolls-back"])
def test_bad_item_is_refused_and_nothing_written(api_client, customer, item, code, http):
    # given
    before = db_snapshot()
    # when
    response = post(api_client, UPDATE, root(item))
    # then
    assert response.status_code == http
    assert v11_status(response)["code"] == 500
    assert item_codes(response) == [code]
    assert_nothing_written(before)
    customer.refresh_from_db()
    assert customer.first_name == "Tom"


def test_mixed_batch_updates_the_good_items_only(api_client, org, customer):
    # given
    other = CustomerFactory(org=org, mobile=OTHER_MOBILE, first_name="Rita")
    body = root({"mobile": MOBILE, "firstname": "Thomas"}, {"mobile": "919999999999", "firstname": "Ghost"},
                {"external_id": "TOM345", "lastname": "Hanks"}, {"id": str(other.pk), "type": "NON_LOYALTY"})
    # when
    response = post(api_client, UPDATE, body)
    # then
    assert response.status_code == 200
    assert response_of(response)["status"]["code"] == 201
    assert response_of(response)["status"]["success_count"] == "2"
    assert item_codes(response) == ["1000", "816", "1000", "1046"]
    assert items_of(response)[1]["mobile"] == "919999999999"
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name) == ("Thomas", "Hanks")
    assert Customer.objects.get(pk=other.pk).loyalty_type == LoyaltyType.LOYALTY
