"""Org A's credentials never register, check or change the password of org B's customers."""
import pytest

from tests.factories.customers import CustomerFactory
from tests.factories.user_auth import CUSTOMER_PASSWORD, CustomerCredentialFactory, md5
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_org):
    registered = CustomerFactory(org=other_org, mobile="919811100001", email="rival@example.com")
    CustomerCredentialFactory(org=other_org, customer=registered)
    CustomerFactory(org=other_org, mobile="919811100002")
    return {"mobile": "919811100001", "email": "rival@example.com", "unregistered": "919811100002",
            "password": md5(CUSTOMER_PASSWORD), "new_password": md5("brand-new")}


ENDPOINTS = [
    Endpoint("POST", "/v2/user_auth/register", body={"mobile": "{unregistered}", "password": "{new_password}"}),
    Endpoint("POST", "/v2/user_auth/update", body={"mobile": "{mobile}", "password": "{new_password}"}),
    Endpoint("PUT", "/v2/user_auth/update", body={"email": "{email}", "password": "{new_password}"}),
    # A login check answers like any unknown user: 401 91024 (and counts no failure against their customer).
    Endpoint("POST", "/v2/user_auth/authorize_user", body={"mobile": "{mobile}", "password": "{password}"},
             expect_status=401),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_objects_are_refused(api_client, foreign, endpoint):
    assert_refuses_foreign_org(api_client, endpoint, foreign)
