"""GET v1.1/customer/get: one or several customers by one identifier type, with a constant query count."""
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.utils import timezone

from apps.customers.choices import IdentifierType
from tests.factories.customers import CustomerFactory, CustomerIdentifierFactory
from tests.helpers.api import v11_status

from .conftest import MOBILE, OTHER_MOBILE, item_codes, items_of, response_of

pytestmark = pytest.mark.django_db


def test_documented_sample_request(api_client, org, till, customer):
    # given
    customer.extended_fields = {"gender": "Male", "city": "Bangalore"}
    customer.custom_fields = {"favourite_store": "Indiranagar"}
    customer.gender = "Male"
    customer.registered_on = datetime(2017, 5, 31, 9, 27, 4, tzinfo=UTC)
    customer.save()
    CustomerIdentifierFactory(org=org, customer=customer, type=IdentifierType.WECHAT, value="wx-tom")
    # when
    response = api_client.get(f"/v1.1/customer/get?mobile={MOBILE}&mlp=true")
    # then
    assert response.status_code == 200
    assert response_of(response)["status"] == {"success": "true", "code": 200, "message": "Success", "total": "1",
                                               "success_count": "1"}
    [item] = items_of(response)
    assert item == {
        "firstname": "Tom", "lastname": "Sawyer", "mobile": MOBILE, "email": "tom@example.com",
        "external_id": "TOM345", "lifetime_points": "0", "lifetime_purchases": "0", "loyalty_points": "0",
        "current_slab": "", "tier_expiry_date": "", "points_summaries": {"points_summary": []},
        "registered_on": "2017-05-31 14:57:04",
        "updated_on": timezone.localtime(customer.updated_at, timezone.get_fixed_timezone(330)).strftime(
            "%Y-%m-%d %H:%M:%S"),
        "type": "LOYALTY", "source": "instore", "identifiers": [{"type": "wechat", "value": "wx-tom"}],
        "gender": "Male", "registered_by": till.code,
        "registered_store": {"code": till.store.code, "name": till.store.name},
        "registered_till": {"code": till.code, "name": till.name},
        "fraud_details": {"status": "NONE", "marked_by": "", "modified_on": "", "reason": ""},
        "custom_fields": {"field": [{"name": "favourite_store", "value": "Indiranagar"}]},
        "extended_fields": {"field": [{"name": "city", "value": "Bangalore"}, {"name": "gender", "value": "Male"}]},
        "coupons": [],
        "item_status": {"success": "true", "code": "1000", "message": "Customer successfully retrieved",
                        "warnings": {"warning": []}},
    }


def test_several_ids_with_user_id(api_client, org):
    # given
    first, second = CustomerFactory(org=org), CustomerFactory(org=org)
    # when
    response = api_client.get(f"/v1.1/customer/get?format=json&id={first.pk},{second.pk}&user_id=true")
    # then
    assert response.status_code == 200
    assert [item["user_id"] for item in items_of(response)] == [first.pk, second.pk]


def test_several_emails_some_missing(api_client, org):
    # given
    CustomerFactory(org=org, email="a@example.com")
    CustomerFactory(org=org, email="b@example.com")
    # when
    emails = quote("a@example.com,x@example.com,B@example.com")
    response = api_client.get(f"/v1.1/customer/get?format=json&email={emails}")
    # then
    assert response.status_code == 200
    assert response_of(response)["status"] == {"success": "true", "code": 201, "total": "3", "success_count": "2",
                                               "message": "Some requests have failed due to errors"}
    assert item_codes(response) == ["1000", "816", "1000"]
    assert items_of(response)[1] == {"email": "x@example.com", "item_status": {
        "success": "false", "code": "816", "message": "Customer not found for the given identifiers",
        "warnings": {"warning": []}}}
    assert "user_id" not in items_of(response)[0]


@pytest.mark.parametrize("query", [
    "mobile=" + quote("+91 98450 12345"), "external_id=TOM345", "email=TOM@example.com", "card_number=CARD0001",
], ids=["formatted-mobile", "external-id", "email-any-case", "card-number"])
def test_lookup_by_each_identifier(api_client, org, customer, query):
    # given
    CustomerIdentifierFactory(org=org, customer=customer, type=IdentifierType.CARD_NUMBER, value="CARD0001")
    # when
    response = api_client.get(f"/v1.1/customer/get.json?{query}")
    # then
    assert response.status_code == 200
    assert [item["mobile"] for item in items_of(response)] == [MOBILE]


@pytest.mark.parametrize("query", [f"mobile={OTHER_MOBILE}", "id=abc", "id=999999", "mobile=12",
                                   f"mobile={OTHER_MOBILE},919845000001"])
def test_unknown_customers_answer_404(api_client, customer, query):
    # when
    response = api_client.get(f"/v1.1/customer/get?{query}")
    # then
    assert response.status_code == 404
    assert v11_status(response)["success"] == "false" and v11_status(response)["code"] == 500
    assert set(item_codes(response)) == {"816"}


@pytest.mark.parametrize("query", ["", "format=json", "mobile=", "mobile=,,", "user_id=true"])
def test_no_identifier_is_1015(api_client, query):
    # when
    response = api_client.get(f"/v1.1/customer/get?{query}")
    # then
    assert response.status_code == 400
    assert v11_status(response) == {"success": "false", "code": 1015, "message": "Lookup failed, No identifiers passed"}


def test_too_many_values_is_1060(api_client):
    # when
    response = api_client.get("/v1.1/customer/get?id=" + ",".join(str(n) for n in range(1, 102)))
    # then
    assert response.status_code == 400
    assert v11_status(response)["code"] == 1060


def test_query_count_does_not_grow_with_the_number_of_customers(api_client, org, till, django_assert_num_queries):
    # given
    customers = [CustomerFactory(org=org, email=f"member{n}@example.com", registered_till=till,
                                 registered_store=till.store) for n in range(30)]
    api_client.get(f"/v1.1/customer/get?mobile={MOBILE}")  # warm the authentication cache
    one = ",".join(c.identifiers.get(type="mobile").value for c in customers[:1])
    thirty = ",".join(c.identifiers.get(type="mobile").value for c in customers)
    # when / then: the same queries for one customer and for thirty
    with django_assert_num_queries(7) as single:  # 4 + programmes, purchases, coupons (till cached)
        assert len(items_of(api_client.get(f"/v1.1/customer/get?mobile={one}"))) == 1
    with django_assert_num_queries(len(single.captured_queries)):
        assert len(items_of(api_client.get(f"/v1.1/customer/get?mobile={thirty}"))) == 30
    with django_assert_num_queries(len(single.captured_queries)):
        ids = ",".join(str(c.pk) for c in customers)
        assert len(items_of(api_client.get(f"/v1.1/customer/get?id={ids}"))) == 30
