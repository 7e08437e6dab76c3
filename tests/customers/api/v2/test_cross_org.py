"""Every v2 customer endpoint, called with another org's customer, answers like a missing one and writes nothing."""
import pytest

from tests.factories.customers import CustomerFactory
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

pytestmark = pytest.mark.django_db

LOOKUP = "source=INSTORE&identifierName=mobile&identifierValue={mobile}"
ENDPOINTS = [
    Endpoint("GET", "/v2/customers/{customer}"),
    Endpoint("GET", "/v2/customers/{customer}?embed=subscriptions,customerImage"),
    Endpoint("PUT", "/v2/customers/{customer}", body={"profiles": [{"firstName": "Hijack"}]}),
    Endpoint("GET", "/v2/customers/lookup?" + LOOKUP),
    Endpoint("GET", "/v2/customers/lookup?source=INSTORE&identifierName=id&identifierValue={customer}"),
    Endpoint("PUT", "/v2/customers/lookup?" + LOOKUP, body={"profiles": [{"firstName": "Hijack"}]}),
    Endpoint("GET", "/v2/customers/lookup/customerDetails?" + LOOKUP),
    Endpoint("GET", "/v2/customers/lookup/subscriptions?" + LOOKUP),
    Endpoint("POST", "/v2/customers/lookup/subscriptions?" + LOOKUP,
             body={"subscriptions": [{"channel": "SMS", "priority": "BULK", "type": "OPTOUT"}]}),
    Endpoint("PUT", "/v2/customers/lookup/status?" + LOOKUP, body={"reason": "x", "label": "Suspended"}),
    Endpoint("POST", "/v2/customers/lookup/setImage?" + LOOKUP),
    Endpoint("POST", "/v2/customers/{customer}/changeIdentifier", body={"add": [{"type": "wechat", "value": "x1"}]}),
    Endpoint("PUT", "/v2/customers/{customer}/changeIdentifier", body={"add": [{"type": "wechat", "value": "x1"}]}),
    Endpoint("PUT", "/v2/{customer}/changeIdentifier", body={"add": [{"type": "wechat", "value": "x1"}]}),
    Endpoint("GET", "/v2/customers/{customer}/subscriptions"),
    Endpoint("POST", "/v2/customers/{customer}/subscriptions",
             body={"subscriptions": [{"channel": "SMS", "priority": "BULK", "type": "OPTOUT"}]}),
    Endpoint("PUT", "/v2/customers/{customer}/subscriptions",
             body={"subscriptions": [{"channel": "SMS", "priority": "BULK", "type": "OPTOUT"}]}),
    Endpoint("POST", "/v2/customers/{customer}/setImage"),
    Endpoint("DELETE", "/v2/customers/{customer}/deleteImage?image_ids={image}"),
    Endpoint("GET", "/v2/customers/{customer}/images/{image}"),
    Endpoint("GET", "/v2/customers/{customer}/statusLog"),
    Endpoint("GET", "/v2/customers/{customer}/subscriptionStatusChangeLog"),
]


@pytest.fixture
def foreign_ids(other_org, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.customers.services import customer_image_set

    settings.MEDIA_ROOT = str(tmp_path)
    customer = CustomerFactory(org=other_org, mobile="919700000001")
    image = customer_image_set(org=other_org, customer=customer, upload=SimpleUploadedFile(
        "x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png"))
    return {"customer": customer.pk, "mobile": "919700000001", "image": image.pk}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_refused(endpoint, api_client, foreign_ids):
    assert_refuses_foreign_org(api_client, endpoint, foreign_ids)


def test_search_does_not_find_the_foreign_customer(api_client, foreign_ids):
    body = api_client.get(f"/v2/customers/search?q={foreign_ids['mobile']}").json()
    assert body["data"] == [] and body["pagination"]["total"] == 0


def test_bulk_upsert_registers_in_the_callers_org_not_the_foreign_one(api_client, org, foreign_ids):
    from apps.customers.models import Customer

    items = [{"profiles": [{"firstName": "Mine", "identifiers": [{"type": "mobile", "value": "919700000001"}]}]}]
    body = api_client.post("/v2/integrations/customer/upsert/bulk", items, format="json").json()
    created = Customer.objects.get(pk=body["response"][0]["entityId"])
    assert created.org == org and created.pk != foreign_ids["customer"]
    assert Customer.objects.get(pk=foreign_ids["customer"]).first_name != "Mine"
