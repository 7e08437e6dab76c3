"""GET /v2/customers/lookup/recommendations and GET /v1.1/customer/recommendations."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes, v11_status
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

from ..conftest import MOBILE, buy

pytestmark = pytest.mark.django_db

V2 = "/v2/customers/lookup/recommendations?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
V11 = "/v1.1/customer/recommendations?mobile={mobile}"


def test_v2_happy_path(api_client, history):
    # when
    response = api_client.get(V2.format(mobile=MOBILE) + "&limit=2")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["customer"] == {"id": history.customer.pk, "source": "INSTORE", "accountId": "", "type": "LOYALTY"}
    assert body["count"] == 2
    assert body["warnings"] == []
    assert body["recommendations"] == [
        {"sku": "DAL", "score": 2, "rank": 1, "basis": "BOUGHT_TOGETHER",
         "values": {"name": "Toor dal 1 kg", "description": "Toor dal 1 kg", "categories": ["Grocery"],
                    "brand": "Tata", "price": "499.0000"}},
        {"sku": "GHEE", "score": 1, "rank": 2, "basis": "BOUGHT_TOGETHER",
         "values": {"name": "Cow ghee 500 ml", "description": "Cow ghee 500 ml", "categories": ["Dairy"],
                    "brand": "Amul", "price": "499.0000"}},
    ]


def test_v2_offset_and_top_sellers(api_client, history):
    body = api_client.get(V2.format(mobile=MOBILE) + "&limit=3&offset=2").json()
    assert [(i["sku"], i["rank"], i["basis"]) for i in body["recommendations"]] == [
        ("SALT", 3, "BOUGHT_TOGETHER"), ("SOAP", 4, "TOP_SELLER"), ("TEA", 5, "TOP_SELLER")]
    assert body["recommendations"][0]["values"] == {"name": "", "description": "", "categories": [], "brand": "",
                                                    "price": None}


def test_v2_unknown_customer_is_8015(api_client, history):
    response = api_client.get(V2.format(mobile="919800000999"))
    assert response.status_code == 404
    assert v2_error_codes(response) == [8015]


@pytest.mark.parametrize(("query", "status", "code"), [
    ("&limit=0", 400, 8101), ("&limit=51", 400, 8102), ("&offset=-1", 400, 8100), ("&limit=abc", 400, 400)])
def test_v2_bad_params(api_client, history, query, status, code):
    response = api_client.get(V2.format(mobile=MOBILE) + query)
    assert response.status_code == status
    assert v2_error_codes(response) == [code]


def test_v2_source_is_required(api_client, history):
    response = api_client.get(f"/v2/customers/lookup/recommendations?identifierName=mobile&identifierValue={MOBILE}")
    assert response.status_code == 400
    assert v2_error_codes(response) == [8001]


def test_v11_happy_path(api_client, history):
    # when
    response = api_client.get(V11.format(mobile=MOBILE) + "&user_id=true&limit=4")

    # then
    assert response.status_code == 200
    body = response.json()["response"]
    assert body["status"] == {"success": "true", "code": 200, "message": "SUCCESS"}
    customer = body["customer"]
    assert {k: customer[k] for k in ("firstname", "lastname", "mobile", "user_id", "count")} == {
        "firstname": "Asha", "lastname": "Rao", "mobile": MOBILE, "user_id": str(history.customer.pk), "count": "4"}
    assert [i["sku"] for i in customer["recommendations"]["recommendation"]] == ["DAL", "GHEE", "SALT", "SOAP"]
    assert customer["item_status"]["code"] == "1061"
    assert customer["item_status"]["success"] == "true"


def test_v11_without_user_id_flag_hides_the_id(api_client, history):
    customer = api_client.get(V11.format(mobile=MOBILE)).json()["response"]["customer"]
    assert "user_id" not in customer
    assert customer["count"] == "5"


def test_v11_nothing_to_recommend_is_1051(api_client, org):
    CustomerFactory(org=org, mobile=MOBILE)
    customer = api_client.get(V11.format(mobile=MOBILE)).json()["response"]["customer"]
    assert customer["count"] == "0"
    assert customer["recommendations"] == {"recommendation": []}
    assert (customer["item_status"]["success"], customer["item_status"]["code"]) == ("false", "1051")


def test_v11_unknown_customer_is_816(api_client, history):
    response = api_client.get(V11.format(mobile="919800000999"))
    assert response.status_code == 404
    assert v11_status(response)["code"] == 816


def test_v11_no_identifier_is_1015(api_client, history):
    response = api_client.get("/v1.1/customer/recommendations?limit=3")
    assert response.status_code == 400
    assert v11_status(response)["code"] == 1015


@pytest.mark.parametrize(("query", "code"), [("&limit=0", 8101), ("&limit=99", 8102), ("&limit=x", 400)])
def test_v11_bad_params(api_client, history, query, code):
    response = api_client.get(V11.format(mobile=MOBILE) + query)
    assert response.status_code == 400
    assert v11_status(response)["code"] == code


def test_v1_alias_serves_the_same_handler(api_client, history):
    body = api_client.get(f"/v1/customer/recommendations.json?mobile={MOBILE}").json()["response"]
    assert body["customer"]["count"] == "5"


@pytest.mark.parametrize("path", [V2, V11])
def test_query_count_independent_of_history(api_client, org, history, path):
    # given: a warm cache (auth, config), then 3 vs 30 more bills bought with RICE
    url = path.format(mobile=MOBILE)
    api_client.get(url)
    for n in range(3):
        buy(CustomerFactory(org=org), ["RICE", f"A{n}"])
    with CaptureQueriesContext(connection) as small:
        assert api_client.get(url).status_code == 200
    for n in range(30):
        buy(CustomerFactory(org=org), ["RICE", f"B{n}", f"C{n}"])

    # when
    with CaptureQueriesContext(connection) as large:
        response = api_client.get(url)

    # then
    assert response.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.fixture
def foreign_ids(other_org):
    customer = CustomerFactory(org=other_org, mobile="919700000001")
    buy(customer, ["RICE", "FOREIGN"])
    buy(CustomerFactory(org=other_org), ["RICE", "DAL"])
    return {"mobile": "919700000001", "customer": customer.pk}


@pytest.mark.parametrize("endpoint", [
    Endpoint("GET", V2),
    Endpoint("GET", "/v2/customers/lookup/recommendations?source=INSTORE&identifierName=id&identifierValue={customer}"),
    Endpoint("GET", V11),
    Endpoint("GET", "/v1.1/customer/recommendations?id={customer}"),
], ids=str)
def test_foreign_org_refused(endpoint, api_client, foreign_ids):
    assert_refuses_foreign_org(api_client, endpoint, foreign_ids)


def test_foreign_sales_never_recommended(api_client, history, foreign_ids):
    body = api_client.get(V2.format(mobile=MOBILE) + "&limit=50").json()
    assert "FOREIGN" not in [i["sku"] for i in body["recommendations"]]
