"""GET and POST v1.1/customer/preferences (preferences are custom fields of the customer_preferences scope)."""
import pytest

from apps.customers.models import CustomerPreference
from tests.factories.customers import CustomerFactory, CustomerPreferenceFactory
from tests.factories.organizations import CustomFieldFactory, StoreFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import MOBILE, OTHER_MOBILE, item_codes, items_of, post, response_of, root

pytestmark = pytest.mark.django_db

PATH = "/v1.1/customer/preferences?format=json"


@pytest.fixture
def preference_fields(org):
    CustomFieldFactory(org=org, name="Favorite Brand", scope="customer_preferences")
    CustomFieldFactory(org=org, name="Favorite Color", scope="customer_preferences")


def test_documented_update_sample(api_client, org, customer, preference_fields):
    # given
    store = StoreFactory(org=org, code="storecode", name="store Name")
    body = root({"mobile": MOBILE, "email": "tom@example.com", "external_id": "TOM345", "user_id": str(customer.pk),
                 "store": {"code": "storecode", "id": str(store.pk)},
                 "custom_fields": {"field": [{"name": "Favorite Brand", "value": "[\u201cpuma\u201d]"},
                                             {"name": "Favorite Color", "value": "Blue"}]}})
    # when
    response = post(api_client, PATH, body)
    # then
    assert response.status_code == 200
    assert response_of(response)["customers"]["customer"] == {
        "user_id": str(customer.pk), "mobile": MOBILE, "email": "tom@example.com", "external_id": "TOM345",
        "custom_fields": {"field": [{"name": "Favorite Brand", "value": "[\u201cpuma\u201d]"},
                                    {"name": "Favorite Color", "value": "Blue"}]},
        "store": {"id": str(store.pk), "code": "storecode", "name": "store Name", "status": "SUCCESS"},
        "item_status": {"success": "true", "code": "1000", "message": "Customer preferences updated successfully",
                        "warnings": {"warning": []}}}
    assert set(CustomerPreference.objects.filter(customer=customer, store=store).values_list("name", "value")) == {
        ("Favorite Brand", "[\u201cpuma\u201d]"), ("Favorite Color", "Blue")}


def test_unknown_preference_is_a_warning(api_client, customer, preference_fields):
    # when
    response = post(api_client, PATH, root({"mobile": MOBILE, "custom_fields": {"field": [
        {"name": "Favorite Color", "value": "Green"}, {"name": "Likes", "value": "Shoes"}]}}))
    # then
    [item] = items_of(response)
    assert item["custom_fields"] == {"field": [{"name": "Favorite Color", "value": "Green"}]}
    assert item["item_status"]["warnings"] == {"warning": ["1017"]}
    assert "store" not in item


def test_store_by_code(api_client, org, customer, preference_fields):
    # given
    store = StoreFactory(org=org, code="doc123")
    # when
    response = post(api_client, PATH, root({"mobile": MOBILE, "store": {"code": "doc123"},
                                            "custom_fields": {"field": {"name": "Favorite Color", "value": "Red"}}}))
    # then
    assert items_of(response)[0]["store"]["id"] == str(store.pk)


@pytest.mark.parametrize("item, code, http", [
    ({"mobile": MOBILE, "store": {"code": "nowhere"}, "custom_fields": {"field": []}}, "902", 404),
    ({"mobile": MOBILE, "store": {"id": "999999"}}, "902", 404),
    ({"mobile": MOBILE, "custom_fields": "Blue"}, "400", 400),
    ({"mobile": "919999999999", "custom_fields": {"field": [{"name": "Favorite Color", "value": "Red"}]}}, "816", 404),
], ids=["unknown-store-code", "unknown-store-id", "fields-string", "unknown-customer"])
def test_post_refusals_write_nothing(api_client, customer, preference_fields, item, code, http):
    # given
    before = db_snapshot()
    # when
    response = post(api_client, PATH, root(item))
    # then
    assert response.status_code == http
    assert item_codes(response) == [code]
    assert_nothing_written(before)


def test_get_documented_sample_and_several_customers(api_client, org, customer):
    # given
    other = CustomerFactory(org=org, mobile=OTHER_MOBILE)
    CustomerPreferenceFactory(org=org, customer=customer, name="Favorite Color", value="Green")
    CustomerPreferenceFactory(org=org, customer=customer, name="Favorite Brand", value="Puma")
    CustomerPreferenceFactory(org=org, customer=other, name="Likes", value="Shoes")
    # when
    single = api_client.get(f"/v1.1/customer/preferences?format=json&mobile={MOBILE}")
    several = api_client.get(f"/v1.1/customer/preferences?format=json&mobile={MOBILE},{OTHER_MOBILE},919999999999")
    # then
    assert single.status_code == 200
    assert response_of(single)["customers"]["customer"] == {
        "user_id": str(customer.pk), "mobile": MOBILE, "email": "tom@example.com", "external_id": "TOM345",
        "custom_fields": {"field": [{"name": "Favorite Brand", "value": "Puma"},
                                    {"name": "Favorite Color", "value": "Green"}]},
        "item_status": {"success": "true", "code": "1000", "message": "Customer preferences retrieved successfully",
                        "warnings": {"warning": []}}}
    assert several.status_code == 200
    assert item_codes(several) == ["1000", "1000", "816"]
    assert items_of(several)[1]["custom_fields"] == {"field": [{"name": "Likes", "value": "Shoes"}]}


def test_get_query_count_does_not_grow(api_client, org, django_assert_num_queries):
    # given
    customers = [CustomerFactory(org=org) for _ in range(30)]
    for c in customers:
        CustomerPreferenceFactory(org=org, customer=c)
    ids = [str(c.pk) for c in customers]
    api_client.get(f"/v1.1/customer/preferences?id={ids[0]}")
    # when / then
    with django_assert_num_queries(5) as single:  # the till comes from the credentials cache
        api_client.get(f"/v1.1/customer/preferences?id={ids[0]}")
    with django_assert_num_queries(len(single.captured_queries)):
        assert len(items_of(api_client.get(f"/v1.1/customer/preferences?id={','.join(ids)}"))) == 30
