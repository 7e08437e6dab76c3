"""POST /v2/integrations/customer/upsert/bulk: per-item results, good items committed, bad ones reported."""
import pytest

from apps.core.errors import BatchLimitExceeded
from apps.customers import errors
from apps.customers.models import Customer
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes

pytestmark = pytest.mark.django_db

# "Customer Upsert API" sample bodies, verbatim.
UPSERT_SAMPLE = [{"profiles": [{
    "firstName": "Vishal", "lastName": "K",
    "identifiers": [{"type": "externalId", "value": "VISHKWJEJWJC2381"}, {"type": "mobile", "value": "916360499160"}],
    "commChannels": [{"type": "mobile", "value": "916360499160", "primary": True, "verified": True,
                      "meta": {"lastViewedDate": "", "residence": True, "office": False}}],
    "source": "WEB_ENGAGE", "accountId": "311c4dd1"}], "extendedFields": {"gender": "Male"}}]
UPSERT_WITH_SUBSCRIPTION = [{
    "loyaltyInfo": {"loyaltyType": "loyalty"},
    "profiles": [{"identifiers": [{"type": "mobile", "value": "6289999999"}]}],
    "statusLabel": "Active",
    "subscriptionInfo": {"subscriptions": [{"channel": "ios", "accountId": "~1341059D8", "priority": "BULK",
                                            "type": "OPTIN", "sourceName": "WEB_ENGAGE"}]}}]


def test_documented_upsert_registers_then_updates(api_client, org, customer_fields):
    # when
    first = api_client.post("/v2/integrations/customer/upsert/bulk?skipChangeIdentifier=false", UPSERT_SAMPLE,
                            format="json")
    # then
    assert first.status_code == 200, first.json()
    body = first.json()
    assert (body["totalCount"], body["failureCount"]) == (1, 0)
    item = body["response"][0]
    assert item["errors"] == [] and item["result"]["id"] == item["entityId"]
    assert item["result"]["profiles"][0]["source"] == "WEB_ENGAGE"
    assert item["result"]["profiles"][0]["accountId"] == "311c4dd1"
    assert item["result"]["extendedFields"] == {"gender": "Male"}
    renamed = [{**UPSERT_SAMPLE[0], "profiles": [{**UPSERT_SAMPLE[0]["profiles"][0], "firstName": "Vishal R"}]}]
    again = api_client.post("/v2/integrations/customer/upsert/bulk", renamed, format="json").json()
    assert again["response"][0]["entityId"] == item["entityId"]
    assert Customer.objects.get(pk=item["entityId"]).first_name == "Vishal R"
    assert Customer.objects.filter(org=org).count() == 1


def test_upsert_with_subscription_and_status(api_client, org):
    existing = CustomerFactory(org=org, mobile="916289999999")
    body = api_client.post("/v2/integrations/customer/upsert/bulk", UPSERT_WITH_SUBSCRIPTION, format="json").json()
    assert body["failureCount"] == 0 and body["response"][0]["entityId"] == existing.pk
    row = existing.subscriptions.get(channel="IOS")
    assert (row.priority, row.is_subscribed, row.source, row.account_id) == ("BULK", True, "WEB_ENGAGE", "~1341059D8")


def test_skip_change_identifier_false_replaces_a_value(api_client, org):
    existing = CustomerFactory(org=org, mobile="919845012345", external_id="EXT-1")
    items = [{"profiles": [{"identifiers": [{"type": "externalId", "value": "EXT-1"},
                                            {"type": "mobile", "value": "919845099999"}], "source": "INSTORE"}]}]
    kept = api_client.post("/v2/integrations/customer/upsert/bulk", items, format="json").json()
    assert [w["code"] for w in kept["response"][0]["warnings"]] == [errors.IdentifierUpdateIgnored.code]
    assert existing.identifiers.get(type="mobile").value == "919845012345"
    changed = api_client.post("/v2/integrations/customer/upsert/bulk?skipChangeIdentifier=false", items,
                              format="json").json()
    assert changed["failureCount"] == 0
    assert existing.identifiers.get(type="mobile").value == "919845099999"


def test_bad_items_are_reported_and_good_ones_committed(api_client, org):
    CustomerFactory(org=org, mobile="919845011111")
    CustomerFactory(org=org, email="b@example.in", mobile="")
    items = [
        {"profiles": [{"firstName": "Good", "identifiers": [{"type": "mobile", "value": "919845022222"}]}]},
        {"profiles": [{"identifiers": [{"type": "mobile", "value": "12"}]}]},
        {"profiles": [{"identifiers": [{"type": "mobile", "value": "919845011111"},
                                       {"type": "email", "value": "b@example.in"}]}]},
        "not an object",
        {"extendedFields": {}},
    ]
    body = api_client.post("/v2/integrations/customer/upsert/bulk", items, format="json").json()
    assert (body["totalCount"], body["failureCount"]) == (5, 4)
    assert [r["errors"][0]["code"] if r["errors"] else None for r in body["response"]] == [
        None, errors.InvalidMobile.code, errors.UpdateConflictingCustomers.code, 400, errors.NoValidIdentifiers.code]
    assert [r["entityId"] is None for r in body["response"]] == [False, True, True, True, True]
    assert Customer.objects.filter(org=org, first_name="Good").count() == 1


@pytest.mark.parametrize("body, status, code", [({}, 400, 400), ([], 400, 400),
                                                ([{}] * 101, 400, BatchLimitExceeded.code)])
def test_body_must_be_a_bounded_array(api_client, body, status, code):
    response = api_client.post("/v2/integrations/customer/upsert/bulk", body, format="json")
    assert response.status_code == status and v2_error_codes(response) == [code]
