"""Org A's credentials never see or touch org B's customers through the v1.1 / v1 customer endpoints."""
import pytest

from tests.factories.customers import (
    CustomerFactory, CustomerInteractionFactory, CustomerNoteFactory, CustomerPreferenceFactory, CustomerTicketFactory,
)
from tests.factories.organizations import StoreFactory
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

from .conftest import MOBILE

pytestmark = pytest.mark.django_db

FOREIGN_MOBILE = "919845099999"


@pytest.fixture
def foreign(org, other_org, customer):
    # org A has its own customer (MOBILE); org B's customer uses identifiers org A does not know
    rival = CustomerFactory(org=other_org, mobile=FOREIGN_MOBILE, email="rival@example.com", external_id="RIVAL-1")
    note = CustomerNoteFactory(org=other_org, customer=rival)
    CustomerTicketFactory(org=other_org, customer=rival)
    CustomerPreferenceFactory(org=other_org, customer=rival)
    CustomerInteractionFactory(org=other_org, customer=rival)
    store = StoreFactory(org=other_org)
    return {"id": rival.pk, "mobile": FOREIGN_MOBILE, "email": "rival@example.com", "ext": "RIVAL-1",
            "note": note.pk, "store": store.pk, "own_mobile": MOBILE}


def _root(item: dict, key: str = "customer") -> dict:
    return {"root": {key: [item]}}


ENDPOINTS = [
    Endpoint("GET", "/v1.1/customer/get?format=json&id={id}"),
    Endpoint("GET", "/v1.1/customer/get?mobile={mobile}"),
    Endpoint("GET", "/v1.1/customer/get.json?email={email}"),
    Endpoint("GET", "/v1.1/customer/get?external_id={ext}&user_id=true"),
    Endpoint("GET", "/v1/customer/get?id={id}"),
    Endpoint("GET", "/v1.1/customer/notes?id={id}"),
    Endpoint("GET", "/v1.1/customer/notes?mobile={mobile}"),
    Endpoint("GET", "/v1.1/customer/tickets?mobile={mobile}"),
    Endpoint("GET", "/v1.1/customer/preferences?id={id}"),
    Endpoint("GET", "/v1.1/customer/subscriptions?mobile={mobile}"),
    Endpoint("GET", "/v1.1/customer/interaction?id={id}"),
    Endpoint("GET", "/v1/customer/interaction?email={email}"),
    Endpoint("POST", "/v1.1/customer/update?format=json", body=_root({"id": "{id}", "firstname": "Hacked"})),
    Endpoint("POST", "/v1.1/customer/update", body=_root({"mobile": "{mobile}", "type": "LOYALTY"})),
    Endpoint("POST", "/v1/customer/update", body=_root({"external_id": "{ext}", "lastname": "Hacked"})),
    Endpoint("POST", "/v1.1/customer/update_identity",
             body=_root({"identifier": "mobile", "old_value": "{mobile}", "new_value": "919845088888"})),
    Endpoint("POST", "/v1.1/customer/notes", body=_root({"id": "{id}", "notes": {"note": [{"description": "x"}]}})),
    Endpoint("POST", "/v1.1/customer/notes",
             body=_root({"mobile": "{own_mobile}", "notes": {"note": [{"id": "{note}", "description": "x"}]}})),
    Endpoint("POST", "/v1.1/customer/tickets", body=_root({"mobile": "{mobile}", "ticket": [{"subject": "x"}]})),
    Endpoint("POST", "/v1.1/customer/preferences", body=_root({"id": "{id}", "custom_fields": {"field": []}})),
    Endpoint("POST", "/v1.1/customer/preferences", body=_root({"mobile": "{own_mobile}", "store": {"id": "{store}"}})),
    Endpoint("POST", "/v1.1/customer/subscriptions",
             body=_root({"email": "{email}", "channel": "sms", "priority": "BULK", "is_subscribed": "0"},
                        key="subscription")),
    Endpoint("POST", "/v1/customer/subscriptions",
             body=_root({"id": "{id}", "channel": "email", "priority": "TRANS", "is_subscribed": "0"},
                        key="subscription")),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_customers_are_refused(api_client, foreign, endpoint):
    assert_refuses_foreign_org(api_client, endpoint, foreign)


def test_registering_another_orgs_identifier_creates_an_own_customer(api_client, org, foreign):
    # when: org A registers the mobile org B's customer uses
    response = api_client.post("/v1.1/customer/add", {"root": {"customer": [{"mobile": FOREIGN_MOBILE}]}},
                               format="json")
    # then: a new customer of org A, nothing of org B's customer shown
    item = response.json()["response"]["customers"]["customer"][0]
    assert item["item_status"]["code"] == "1000"
    assert item["user_id"] != foreign["id"]
    assert item["email"] is None and "rival" not in response.content.decode()
