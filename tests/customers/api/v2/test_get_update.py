"""GET and PUT /v2/customers/{id}: documented shapes, embeds, update rules."""
import pytest

from apps.customers import errors
from apps.customers.models import Customer, CustomerEvent
from apps.customers.services import customer_create
from tests.factories.customers import CustomerFactory, CustomerSubscriptionFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

# "Update Customer Details (using userId)" sample body, verbatim.
UPDATE_SAMPLE = {
    "profiles": [{
        "firstName": "Tom", "lastName": "Sawyer", "fields": {"gender": "Male", "city": "Bangalore"},
        "identifiers": [{"type": "mobile", "value": 919111111111}, {"type": "email", "value": "tom.sawyer@example.com"},
                        {"type": "wechat", "value": "wc_2"}],
        "commChannels": [
            {"type": "email", "value": "tom.sawyer@example.com", "primary": "true", "verified": "false",
             "meta": {"residence": True}},
            {"type": "wechat", "value": "wc_2", "primary": "true", "verified": "true", "meta": {"residence": True}}],
        "source": "WECHAT", "accountId": "1234"}],
    "loyaltyInfo": {"loyaltyType": "loyalty"},
    "extendedFields": {"gender": "MALE", "city": "Bangalore"},
}


@pytest.fixture
def tom(org, till):
    customer, _ = customer_create(org=org, till=till, source="INSTORE", first_name="Tom", last_name="S",
                                  identifiers=[{"type": "mobile", "value": "919111111111"}])
    return customer


def test_get_returns_the_documented_shape(api_client, org, tom):
    body = api_client.get(f"/v2/customers/{tom.pk}?source=INSTORE").json()
    assert body["id"] == tom.pk and body["warnings"] == []
    assert body["profiles"][0]["identifiers"] == [{"type": "mobile", "value": "919111111111"}]
    assert body["profiles"][0]["userId"] == tom.pk and body["profiles"][0]["source"] == "INSTORE"
    assert body["loyaltyInfo"]["attributionV2"]["createdFromSource"] == "INSTORE"
    assert "subscriptionInfo" not in body and "customerImage" not in body


def test_embed_subscriptions_and_unknown_embeds_are_ignored(api_client, tom):
    response = api_client.get(f"/v2/customers/{tom.pk}?source=ALL&embed=points,subscriptions,mlp,bogus")
    assert response.status_code == 200
    subscriptions = response.json()["subscriptionInfo"]["subscriptions"]
    assert {(s["channel"], s["priority"], s["type"]) for s in subscriptions} == {
        ("SMS", "TRANS", "OPTIN"), ("SMS", "BULK", "OPTIN"), ("WHATSAPP", "TRANS", "OPTIN"),
        ("WHATSAPP", "BULK", "OPTIN")}
    assert "pointsSummary" not in response.json()


def test_get_unknown_is_404_8015(api_client):
    response = api_client.get("/v2/customers/999999")
    assert response.status_code == 404 and v2_error_codes(response) == [errors.CustomerNotFound.code]


def test_get_with_invalid_source_is_400(api_client, tom):
    response = api_client.get(f"/v2/customers/{tom.pk}?source=MOON")
    assert response.status_code == 400 and v2_error_codes(response) == [errors.SourceInvalid.code]


def test_get_query_count_does_not_depend_on_identifier_count(api_client, org, django_assert_max_num_queries):
    customer = CustomerFactory(org=org, email="a@b.in", external_id="E1")
    for n in range(5):
        CustomerSubscriptionFactory(customer=customer, channel="EMAIL", priority="BULK", account_id=f"a{n}")
    with django_assert_max_num_queries(12):
        assert api_client.get(f"/v2/customers/{customer.pk}?embed=subscriptions").status_code == 200


def test_update_sample_adds_the_wechat_account_and_new_identifiers(api_client, org, tom, customer_fields):
    # when
    response = api_client.put(f"/v2/customers/{tom.pk}?source=WECHAT&accountId=22232", UPDATE_SAMPLE, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert response.json() == {"createdId": tom.pk, "warnings": [
        {"status": False, "code": 1017, "message": response.json()["warnings"][0]["message"], "field": "gender"},
        {"status": False, "code": 1017, "message": response.json()["warnings"][1]["message"], "field": "city"}],
        "sideEffects": []}
    tom.refresh_from_db()
    assert (tom.first_name, tom.last_name, tom.extended_fields["city"]) == ("Tom", "Sawyer", "Bangalore")
    assert sorted(tom.profiles.values_list("source", "account_id")) == [("INSTORE", ""), ("WECHAT", "22232")]
    assert sorted(tom.identifiers.values_list("type", "value")) == [
        ("email", "tom.sawyer@example.com"), ("mobile", "919111111111"), ("wechat", "wc_2")]
    assert CustomerEvent.objects.filter(customer=tom, type="UPDATED").count() == 1


def test_update_never_replaces_an_identifier(api_client, tom):
    body = {"profiles": [{"identifiers": [{"type": "mobile", "value": "919111111112"}], "source": "INSTORE"}]}
    response = api_client.put(f"/v2/customers/{tom.pk}?source=INSTORE", body, format="json")
    assert response.status_code == 200
    assert [w["code"] for w in response.json()["warnings"]] == [errors.IdentifierUpdateIgnored.code]
    assert list(tom.identifiers.values_list("value", flat=True)) == ["919111111111"]


def test_update_refuses_another_customers_identifier(api_client, org, tom):
    CustomerFactory(org=org, email="taken@example.in")
    before = db_snapshot()
    body = {"profiles": [{"identifiers": [{"type": "email", "value": "TAKEN@example.in"}]}]}
    response = api_client.put(f"/v2/customers/{tom.pk}", body, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [errors.IdentifierOwnedByOther.code]
    assert_nothing_written(before)


def test_non_loyalty_may_become_loyalty_but_not_back(api_client, org, tom):
    Customer.objects.filter(pk=tom.pk).update(loyalty_type="NON_LOYALTY")
    up = api_client.put(f"/v2/customers/{tom.pk}", {"loyaltyInfo": {"loyaltyType": "loyalty"}}, format="json")
    assert up.status_code == 200
    before = db_snapshot()
    down = api_client.put(f"/v2/customers/{tom.pk}", {"loyaltyInfo": {"loyaltyType": "non_loyalty"}}, format="json")
    assert down.status_code == 400 and v2_error_codes(down) == [errors.LoyaltyDowngradeRefused.code]
    assert_nothing_written(before)
    tom.refresh_from_db()
    assert tom.loyalty_type == "LOYALTY"


def test_update_unknown_customer_is_404(api_client):
    response = api_client.put("/v2/customers/424242", {"profiles": []}, format="json")
    assert response.status_code == 404 and v2_error_codes(response) == [errors.CustomerNotFound.code]
