"""Org A's credentials never see or change org B's customers, invitations or referral codes."""
import pytest

from apps.referrals.services import referral_code_ensure
from tests.factories.customers import CustomerFactory
from tests.factories.referrals import ReferralFactory
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_org):
    customer = CustomerFactory(org=other_org, mobile="919811100001")
    code = referral_code_ensure(org=other_org, customer=customer)
    ReferralFactory(org=other_org, referrer=customer, identifier="919811100002")
    return {"customer": customer.pk, "mobile": "919811100001", "code": code}


REFER = {"customerReferrals": [{"referrals": [{"type": "MOBILE", "referral": [{"identifier": "9845000002"}]}]}]}
REFER_V11 = {"root": {"customer": [{"mobile": "{mobile}", "referrals": {
    "referral_type": {"type": "MOBILE", "referral": [{"identifier": "9845000002"}]}}}]}}

ENDPOINTS = [
    Endpoint("POST", "/v2/customers/{customer}/referrals", body=REFER),
    Endpoint("GET", "/v2/customers/{customer}/referrals"),
    Endpoint("GET", "/v2/customers/lookup/referrals?source=INSTORE&identifierName=mobile&identifierValue={mobile}"),
    Endpoint("GET", "/v2/customers/lookup/referrals?source=INSTORE&identifierName=id&identifierValue={customer}"),
    Endpoint("POST", "/v1.1/customer/referrals?format=json", body=REFER_V11),
    Endpoint("GET", "/v1.1/customer/referrals?format=json&mobile={mobile}"),
    Endpoint("GET", "/v1.1/customer/referrals?format=json&id={customer}"),
    # Validation answers "not valid" rather than 404, and never names the foreign referrer.
    Endpoint("GET", "/v2/validate?code={code}", absent_key="customer"),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_objects_are_refused(api_client, foreign, endpoint):
    assert_refuses_foreign_org(api_client, endpoint, foreign)


def test_foreign_code_is_not_valid(api_client, foreign):
    assert api_client.get(f"/v2/validate?code={foreign['code']}").json() == {
        "valid": False, "referrer": None, "warnings": []}
