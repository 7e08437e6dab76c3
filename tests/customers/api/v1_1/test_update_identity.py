"""POST v1.1/customer/update_identity: the documented sample and refusals."""
import pytest

from apps.customers.choices import CustomerEventType, IdentifierType
from apps.customers.models import CustomerEvent, CustomerIdentifier
from apps.organizations.services import org_config_set
from tests.factories.customers import CustomerFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import MOBILE, OTHER_MOBILE, item_codes, items_of, post, response_of, root

pytestmark = pytest.mark.django_db

PATH = "/v1.1/customer/update_identity?format=json"


def test_documented_sample_replaces_the_mobile(api_client, customer):
    # when
    response = post(api_client, PATH, root({"identifier": "mobile", "old_value": MOBILE, "new_value": OTHER_MOBILE}))
    # then
    assert response.status_code == 200
    assert response_of(response)["status"]["code"] == 200
    assert response_of(response)["customers"]["customer"] == {
        "identifier": "mobile", "old_value": MOBILE, "new_value": OTHER_MOBILE, "updated": "true",
        "item_status": {"success": "true", "code": "1040", "message": "Customer identifier updated successfully",
                        "warnings": {"warning": []}}}
    assert CustomerIdentifier.objects.get(customer=customer, type=IdentifierType.MOBILE).value == OTHER_MOBILE
    assert CustomerEvent.objects.filter(customer=customer, type=CustomerEventType.IDENTIFIER_REMOVED).count() == 1


def test_external_id_spelling_is_accepted(api_client, customer):
    # when
    response = post(api_client, PATH, {"root": {"customer": {"identifier": "external_id", "old_value": "TOM345",
                                                             "new_value": "TOM999"}}})
    # then
    assert item_codes(response) == ["1040"]
    assert CustomerIdentifier.objects.get(customer=customer, type=IdentifierType.EXTERNAL_ID).value == "TOM999"


@pytest.mark.parametrize("item, code, http", [
    ({"identifier": "mobile", "old_value": "919999999999", "new_value": OTHER_MOBILE}, "816", 404),
    ({"identifier": "id", "old_value": "1", "new_value": "2"}, "1104", 400),
    ({"identifier": "mobile", "old_value": MOBILE, "new_value": "12"}, "1001", 400),
    ({"identifier": "email", "old_value": "tom@example.com", "new_value": "nope"}, "1002", 400),
    ({"identifier": "mobile", "old_value": MOBILE}, "400", 400),
    ({"identifier": "mobile", "old_value": MOBILE, "new_value": "{taken}"}, "91007", 400),
], ids=["not-found", "not-an-identity", "invalid-mobile", "invalid-email", "new-value-missing", "taken"])
def test_refusals_change_nothing(api_client, org, customer, item, code, http):
    # given
    CustomerFactory(org=org, mobile="919845011111")
    item = {k: v.replace("{taken}", "919845011111") for k, v in item.items()}
    before = db_snapshot()
    # when
    response = post(api_client, PATH, root(item))
    # then
    assert response.status_code == http
    assert item_codes(response) == [code]
    assert_nothing_written(before)


def test_config_forbidding_mobile_changes(api_client, org, customer):
    # given
    org_config_set(org=org, key="CONF_ALLOW_MOBILE_UPDATE", value=False)
    before = db_snapshot()
    # when
    response = post(api_client, PATH, root({"identifier": "mobile", "old_value": MOBILE, "new_value": OTHER_MOBILE}))
    # then
    assert item_codes(response) == ["91006"]
    assert_nothing_written(before)


def test_two_changes_in_one_request_are_independent(api_client, org, customer):
    # given
    other = CustomerFactory(org=org, mobile="919845011111", email="rita@example.com")
    body = root({"identifier": "email", "old_value": "rita@example.com", "new_value": "rita.new@example.com"},
                {"identifier": "email", "old_value": "tom@example.com", "new_value": "rita.new@example.com"})
    # when
    response = post(api_client, PATH, body)
    # then
    assert response.status_code == 200
    assert [entry["item_status"]["code"] for entry in items_of(response)] == ["1040", "91007"]
    assert CustomerIdentifier.objects.get(customer=other, type=IdentifierType.EMAIL).value == "rita.new@example.com"
    assert CustomerIdentifier.objects.get(customer=customer, type=IdentifierType.EMAIL).value == "tom@example.com"
