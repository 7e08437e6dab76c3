"""GET /v2/customers/lookup (+ dual lookup), GET /v2/customers/lookup/customerDetails, PUT /v2/customers/lookup."""
import pytest

from apps.customers import errors
from apps.organizations.services import org_config_set
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def tom(org):
    return CustomerFactory(org=org, first_name="Tom", mobile="919111111111", email="tom.sawyer@example.com",
                           external_id="MPQSP100")


def test_documented_lookup_by_mobile(api_client, tom):
    response = api_client.get("/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue=919111111111")
    assert response.status_code == 200
    assert response.json() == {"entity": tom.pk, "warnings": []}


@pytest.mark.parametrize("name, value", [("mobile", "+91 91111 11111"), ("mobile", "9111111111"),
                                         ("email", "Tom.Sawyer@Example.com"), ("externalId", "MPQSP100"),
                                         ("external_id", "MPQSP100"), ("id", None)])
def test_lookup_normalises_like_registration(api_client, tom, name, value):
    value = str(tom.pk) if value is None else value
    response = api_client.get("/v2/customers/lookup", {"source": "ALL", "identifierName": name,
                                                       "identifierValue": value})
    assert response.status_code == 200 and response.json()["entity"] == tom.pk


def test_dual_lookup_uses_the_primary_identifier(api_client, org, tom, django_capture_on_commit_callbacks):
    url = ("/v2/customers/lookup?source=INSTORE&identifierName=email,mobile,externalId"
           "&identifierValue=someone.else@example.com,919111111111,OTHER")
    assert api_client.get(url).json()["entity"] == tom.pk
    only_secondary = api_client.get("/v2/customers/lookup?source=INSTORE&identifierName=email,externalId"
                                    "&identifierValue=tom.sawyer@example.com,MPQSP100")
    assert only_secondary.status_code == 404 and v2_error_codes(only_secondary) == [errors.CustomerNotFound.code]
    with django_capture_on_commit_callbacks(execute=True):  # the config cache is cleared on commit
        org_config_set(org=org, key="CONF_USERS_IS_EMAIL_REQUIRED", value="1")
        org_config_set(org=org, key="CONF_USERS_IS_MOBILE_REQUIRED", value="0")
    assert api_client.get("/v2/customers/lookup?source=INSTORE&identifierName=email,externalId"
                          "&identifierValue=tom.sawyer@example.com,MPQSP100").json()["entity"] == tom.pk


@pytest.mark.parametrize("query, status, code", [
    ("identifierName=mobile&identifierValue=919111111111", 400, errors.LookupSourceMissing.code),
    ("source=MOON&identifierName=mobile&identifierValue=919111111111", 400, errors.SourceInvalid.code),
    ("source=INSTORE&identifierName=passport&identifierValue=1", 400, errors.IdentifierNameInvalid.code),
    ("source=INSTORE&identifierValue=919111111111", 400, errors.IdentifierNameInvalid.code),
    ("source=INSTORE&identifierName=mobile", 400, errors.LookupIdentifierMissing.code),
    ("source=INSTORE&identifierName=mobile&identifierValue=919111111199", 404, errors.CustomerNotFound.code),
    ("source=INSTORE&identifierName=mobile&identifierValue=12", 404, errors.CustomerNotFound.code),
    ("source=INSTORE&identifierName=email,mobile&identifierValue=a@b.in", 400, errors.IdentifierNameInvalid.code),
])
def test_lookup_refusals(api_client, tom, query, status, code):
    response = api_client.get(f"/v2/customers/lookup?{query}")
    assert response.status_code == status and v2_error_codes(response) == [code]


def test_lookup_customer_details_returns_the_customer_body(api_client, tom):
    response = api_client.get("/v2/customers/lookup/customerDetails?source=INSTORE&identifierName=mobile"
                              "&identifierValue=919111111111&embed=subscriptions")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == tom.pk and body["profiles"][0]["firstName"] == "Tom" and "subscriptionInfo" in body


def test_update_by_lookup(api_client, tom):
    body = {"profiles": [{"firstName": "Thomas", "lastName": "Sawyer", "source": "INSTORE"}],
            "loyaltyInfo": {"loyaltyType": "loyalty"}}
    response = api_client.put("/v2/customers/lookup?source=INSTORE&identifierName=mobile"
                              "&identifierValue=919111111111", body, format="json")
    assert response.status_code == 200 and response.json()["createdId"] == tom.pk
    tom.refresh_from_db()
    assert (tom.first_name, tom.last_name) == ("Thomas", "Sawyer")


def test_update_by_lookup_unknown_is_404_and_writes_nothing(api_client, tom):
    before = db_snapshot()
    response = api_client.put("/v2/customers/lookup?source=INSTORE&identifierName=mobile"
                              "&identifierValue=919111111199", {"profiles": []}, format="json")
    assert response.status_code == 404 and v2_error_codes(response) == [errors.CustomerNotFound.code]
    assert_nothing_written(before)
