"""Subscriptions (by id and by lookup), the subscription change log, status changes and the status log."""
import pytest

from apps.customers import errors
from apps.customers.services import customer_create, customer_status_label_create
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

LOOKUP = "source=INSTORE&identifierName=mobile&identifierValue=919111111111"
# "Update Subscription Details" sample body, verbatim.
SUBSCRIPTION_SAMPLE = {
    "communicationId": -1, "campaignId": -1, "reason": "Example reason",
    "scope": {"scope": "USER", "subScope": "NONE"},
    "subscriptions": [
        {"channel": "EMAIL", "accountId": "", "priority": "BULK", "type": "OPTOUT", "orgUnitId": 200031782,
         "sourceName": "INSTORE"},
        {"channel": "MOBILE", "accountId": "", "priority": "BULK", "type": "OPTOUT", "orgUnitId": 200031782,
         "sourceName": "INSTORE"},
        {"channel": "EMAIL", "accountId": "", "priority": "TRANS", "type": "OPTIN", "orgUnitId": 200031782,
         "sourceName": "INSTORE"},
        {"channel": "MOBILE", "accountId": "123", "priority": "TRANS", "type": "OPTIN", "orgUnitId": 200031782,
         "sourceName": "WECHAT"}],
}


@pytest.fixture
def tom(org, till):
    customer, _ = customer_create(org=org, till=till, source="INSTORE", first_name="Tom",
                                  identifiers=[{"type": "mobile", "value": "919111111111"},
                                               {"type": "email", "value": "tom@example.in"}])
    return customer


def test_documented_update_then_get_and_log(api_client, tom, till):
    # when
    response = api_client.post(f"/v2/customers/{tom.pk}/subscriptions", SUBSCRIPTION_SAMPLE, format="json")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == {"scope": "USER", "subScope": "NONE"} and body["reason"] == "Example reason"
    assert body["subscriptions"] == [
        {"channel": "EMAIL", "accountId": "", "priority": "BULK", "type": "OPTOUT"},
        {"channel": "SMS", "accountId": "", "priority": "BULK", "type": "OPTOUT"},
        {"channel": "EMAIL", "accountId": "", "priority": "TRANS", "type": "OPTIN"},
        {"channel": "SMS", "accountId": "123", "priority": "TRANS", "type": "OPTIN"}]
    current = api_client.get(f"/v2/customers/{tom.pk}/subscriptions").json()
    assert set(current) == {"subscriptions", "campaignId", "communicationId", "warnings"}
    assert {(s["channel"], s["priority"], s["type"]) for s in current["subscriptions"]
            if s["accountId"] == ""} >= {("EMAIL", "BULK", "OPTOUT"), ("SMS", "BULK", "OPTOUT"),
                                         ("EMAIL", "TRANS", "OPTIN")}
    log = api_client.get(f"/v2/customers/{tom.pk}/subscriptionStatusChangeLog").json()["data"]
    # EMAIL/TRANS was already opted in: not a change. The WECHAT SMS row is new.
    assert [(e["commChannelType"], e["priority"], e["status"], e["source"]) for e in log] == [
        ("email", "BULK", False, "INSTORE"), ("mobile", "BULK", False, "INSTORE"), ("mobile", "TRANS", True, "WECHAT")]
    assert log[0]["addedBy"] == till.pk and log[0]["reason"] == "Example reason"


def test_lookup_subscriptions_and_put_alias(api_client, tom):
    body = {"subscriptions": [{"channel": "whatsapp", "priority": "TRANS", "type": "OPTOUT"}]}
    assert api_client.post(f"/v2/customers/lookup/subscriptions?{LOOKUP}", body, format="json").status_code == 200
    got = api_client.get(f"/v2/customers/lookup/subscriptions?{LOOKUP}").json()["subscriptions"]
    assert {"channel": "WHATSAPP", "accountId": "", "priority": "TRANS", "type": "OPTOUT"} in got
    again = {"subscriptions": [{"channel": "WHATSAPP", "priority": "TRANS", "type": "OPTIN"}]}
    assert api_client.put(f"/v2/customers/{tom.pk}/subscriptions", again, format="json").status_code == 200
    assert tom.subscriptions.get(channel="WHATSAPP", priority="TRANS").is_subscribed is True


@pytest.mark.parametrize("item, code", [
    ({"channel": "FAX", "priority": "BULK", "type": "OPTIN"}, errors.ChannelInvalid.code),
    ({"channel": "SMS", "priority": "URGENT", "type": "OPTIN"}, errors.PriorityInvalid.code),
    ({"channel": "SMS", "priority": "BULK", "type": "MAYBE"}, errors.SubscriptionStatusInvalid.code),
])
def test_subscription_refusals_change_nothing(api_client, tom, item, code):
    before = db_snapshot()
    body = {"subscriptions": [{"channel": "EMAIL", "priority": "BULK", "type": "OPTOUT"}, item]}
    response = api_client.post(f"/v2/customers/{tom.pk}/subscriptions", body, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_documented_status_update_and_status_log(api_client, org, tom, till):
    # given
    customer_status_label_create(org=org, label="Suspicious", status="SUSPENDED")
    # when
    response = api_client.put(f"/v2/customers/lookup/status?{LOOKUP}",
                              {"reason": "testing2", "createdOn": "2021-09-16T12:10:45Z", "label": "Suspicious"},
                              format="json")
    # then
    assert response.status_code == 200 and response.json() == {"warnings": [], "errors": [], "error": []}
    tom.refresh_from_db()
    assert (tom.status, tom.status_label, tom.status_reason) == ("SUSPENDED", "Suspicious", "testing2")
    log = api_client.get(f"/v2/customers/{tom.pk}/statusLog").json()
    assert [(e["label"], e["status"], e["isActive"], e.get("prevLabel")) for e in log["data"]] == [
        ("Active", "ACTIVE", False, None), ("Suspicious", "SUSPENDED", True, "Active")]
    entry = log["data"][1]
    assert set(entry) == {"createdByUser", "reason", "createdBy", "actions", "autoUpdateTime", "createdOn",
                          "entityId", "isActive", "label", "prevLabel", "status"}
    assert (entry["createdByUser"], entry["createdBy"], entry["entityId"], entry["reason"]) == (
        till.code, till.pk, tom.pk, "testing2")
    assert entry["createdOn"].startswith("2021-09-16T17:40:45")


@pytest.mark.parametrize("body, code", [({"reason": "x", "label": "Sleeping"}, errors.StatusLabelInvalid.code),
                                        ({"label": "Suspended"}, 400)])
def test_status_refusals(api_client, tom, body, code):
    before = db_snapshot()
    response = api_client.put(f"/v2/customers/lookup/status?{LOOKUP}", body, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [code]
    assert_nothing_written(before)
