"""GET v1.1/customer/interaction (access group resource: Communications)."""
from datetime import UTC, datetime

import pytest

from apps.access.models import AccessGroup
from tests.factories.customers import CustomerFactory, CustomerInteractionFactory
from tests.factories.organizations import TILL_PASSWORD, TillFactory
from tests.helpers.api import till_client, v11_status

from .conftest import MOBILE, response_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def interactions(org, customer):
    sms = CustomerInteractionFactory(org=org, customer=customer, network="capillary", type="sms", sender="918867702348",
                                     receiver=MOBILE, subject="Example subject",
                                     occurred_at=datetime(2013, 12, 16, 6, 44, 37, tzinfo=UTC))
    email = CustomerInteractionFactory(org=org, customer=customer, network="capillary", type="email",
                                       sender="abc@xyz.com", receiver="tom@example.com", subject="Sample subject",
                                       status="SENT", occurred_at=datetime(2013, 12, 15, 6, 44, 37, tzinfo=UTC))
    older_sms = CustomerInteractionFactory(org=org, customer=customer, network="capillary", type="sms",
                                           occurred_at=datetime(2012, 1, 1, tzinfo=UTC))
    tweet = CustomerInteractionFactory(org=org, customer=customer, network="twitter", type="tweet",
                                       occurred_at=datetime(2013, 1, 1, tzinfo=UTC))
    CustomerInteractionFactory(org=org, customer=CustomerFactory(org=org), type="sms")
    return {"sms": sms, "email": email, "older_sms": older_sms, "tweet": tweet}


def test_documented_sample_request(api_client, customer, interactions):
    # when
    response = api_client.get(f"/v1.1/customer/interaction?format=json&mobile={MOBILE}")
    # then
    assert response.status_code == 200
    body = response_of(response)
    assert body["status"] == {"success": "true", "code": 200, "message": "SUCCESS"}
    sms, email, older = interactions["sms"], interactions["email"], interactions["older_sms"]
    assert body["customer"] == {
        "id": str(customer.pk), "mobile": MOBILE, "email": "tom@example.com", "external_id": "TOM345",
        "interactions": {"network": [
            {"name": "capillary", "interaction": [
                {"type": "sms", "count": "2", "messages": {"message": [
                    {"id": str(sms.pk), "sender": "918867702348", "receiver": MOBILE, "subject": "Example subject",
                     "sent_time": "2013-12-16 12:14:37", "status": ""},
                    {"id": str(older.pk), "sender": "", "receiver": "", "subject": older.subject,
                     "sent_time": "2012-01-01 05:30:00", "status": ""}]}},
                {"type": "email", "count": "1", "messages": {"message": {
                    "id": str(email.pk), "sender": "abc@xyz.com", "receiver": "tom@example.com",
                    "subject": "Sample subject", "sent_time": "2013-12-15 12:14:37", "status": "SENT"}}}]},
            {"name": "twitter", "interaction": {"type": "tweet", "count": "1", "messages": {"message": {
                "id": str(interactions["tweet"].pk), "sender": "", "receiver": "", "subject": "Your points balance",
                "sent_time": "2013-01-01 05:30:00", "status": ""}}}}]}}


@pytest.mark.parametrize("query, ids", [
    ("network=twitter", ["tweet"]), ("type=email", ["email"]),
    ("start_date=2013-06-01", ["sms", "email"]), ("end_date=2012-12-31", ["older_sms"]),
    ("start_date=2013-12-16&end_date=2013-12-16", ["sms"]),
])
def test_filters(api_client, customer, interactions, query, ids):
    # when
    response = api_client.get(f"/v1.1/customer/interaction?mobile={MOBILE}&{query}")
    # then
    found = []
    for network in response_of(response)["customer"]["interactions"]["network"]:
        groups = network["interaction"] if isinstance(network["interaction"], list) else [network["interaction"]]
        for group in groups:
            messages = group["messages"]["message"]
            found += [m["id"] for m in (messages if isinstance(messages, list) else [messages])]
    assert sorted(found) == sorted(str(interactions[name].pk) for name in ids)


@pytest.mark.parametrize("query, code, http", [
    (f"mobile={MOBILE}&network=myspace", 400, 400), (f"mobile={MOBILE}&start_date=2013/01/01", 400, 400),
    ("mobile=919999999999", 816, 404), ("", 1015, 400),
])
def test_refusals(api_client, customer, query, code, http):
    # when
    response = api_client.get(f"/v1.1/customer/interaction?{query}")
    # then
    assert response.status_code == http
    assert v11_status(response)["code"] == code


def test_needs_the_communications_resource(org, customer):
    # given: a till with full customer access but no communications access
    till = TillFactory(org=org)
    till.access_groups.add(AccessGroup.objects.create(org=org, name="Customers", permissions={"Customer": "MODIFY"}))
    client = till_client(till, TILL_PASSWORD)
    # when
    denied = client.get(f"/v1.1/customer/interaction?mobile={MOBILE}")
    allowed = client.get(f"/v1.1/customer/notes?mobile={MOBILE}")
    # then
    assert denied.status_code == 403 and v11_status(denied)["code"] == 4000
    assert allowed.status_code == 200
