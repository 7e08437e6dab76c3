"""Org A's credentials never see or change org B's labels or customers through the label endpoints."""
import pytest

from tests.factories.customers import CustomerFactory
from tests.factories.labels import CustomerLabelFactory, LabelFactory
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(org, other_org):
    LabelFactory(org=org, name="Premium")  # our own label of the same name must not reach their customer
    label = LabelFactory(org=other_org, name="RivalOnlyLabel")
    customer = CustomerFactory(org=other_org)
    CustomerLabelFactory(org=other_org, customer=customer, label=label)
    return {"customer": customer.pk, "label": "RivalOnlyLabel"}


ENDPOINTS = [
    Endpoint("POST", "/v2/customers/{customer}/changeLabels", body={"add": [{"labelName": "Premium"}]}),
    Endpoint("POST", "/v2/customers/{customer}/changeLabels", body={"remove": [{"labelName": "{label}"}]}),
    Endpoint("GET", "/v2/customers/{customer}/labels"),
    # Lists: the foreign rows are simply absent.
    Endpoint("GET", "/v2/organization/labels", absent_key="label"),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_objects_are_refused(api_client, foreign, endpoint):
    assert_refuses_foreign_org(api_client, endpoint, foreign)


def test_tagging_with_a_foreign_label_name_is_only_a_warning(api_client, org, foreign):
    # given
    customer = CustomerFactory(org=org)
    # when
    response = api_client.post(f"/v2/customers/{customer.pk}/changeLabels",
                               {"add": [{"labelName": "RivalOnlyLabel"}]}, format="json")
    # then
    assert response.status_code == 200
    assert [w["code"] for w in response.json()["warnings"]] == [33000]
    assert not customer.label_links.exists()


def test_search_never_finds_foreign_customers(api_client, foreign):
    # when
    body = api_client.get("/v2/customers/labels/search?q=Rival").json()
    # then
    assert body["data"] == [] and body["pagination"]["total"] == 0
