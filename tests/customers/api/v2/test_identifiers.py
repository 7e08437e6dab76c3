"""POST /v2/customers/{id}/changeIdentifier (+ PUT aliases): add, remove, conflicts, history."""
import pytest

from apps.customers import errors
from apps.customers.models import CustomerEvent
from apps.organizations.services import org_config_set
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

CHANGE_SAMPLE = {"add": [{"type": "wechat", "value": "ray11"}],
                 "remove": [{"type": "email", "value": "tom.sawyer@example.com"}]}


@pytest.fixture
def tom(org):
    return CustomerFactory(org=org, mobile="919111111111", email="tom.sawyer@example.com")


def test_documented_change_adds_and_removes_with_history(api_client, tom):
    # when
    response = api_client.post(f"/v2/customers/{tom.pk}/changeIdentifier?source=WECHAT&accountId=22232",
                               CHANGE_SAMPLE, format="json")
    # then
    assert response.status_code == 200
    assert response.json() == {"createdId": tom.pk, "warnings": []}
    assert sorted(tom.identifiers.values_list("type", "value", "source", "account_id")) == [
        ("mobile", "919111111111", "INSTORE", ""), ("wechat", "ray11", "WECHAT", "22232")]
    history = list(CustomerEvent.objects.filter(customer=tom, type__startswith="IDENTIFIER").order_by("id")
                   .values_list("type", "parameters"))
    assert history == [("IDENTIFIER_REMOVED", {"identifierType": "email", "value": "tom.sawyer@example.com",
                                               "source": "INSTORE", "accountId": ""}),
                       ("IDENTIFIER_ADDED", {"identifierType": "wechat", "value": "ray11", "source": "WECHAT",
                                             "accountId": "22232"})]


@pytest.mark.parametrize("path", ["/v2/customers/{id}/changeIdentifier", "/v2/{id}/changeIdentifier"])
def test_put_aliases_swap_a_mobile(api_client, tom, path):
    body = {"add": [{"type": "mobile", "value": "919111111112"}], "remove": [{"type": "mobile", "value": "919111111111"}]}
    response = api_client.put(path.format(id=tom.pk), body, format="json")
    assert response.status_code == 200
    assert tom.identifiers.get(type="mobile").value == "919111111112"


def test_already_attached_and_unknown_removal_are_warnings(api_client, tom):
    body = {"add": [{"type": "mobile", "value": "9111111111"}], "remove": [{"type": "externalId", "value": "X"}]}
    response = api_client.post(f"/v2/customers/{tom.pk}/changeIdentifier", body, format="json")
    assert response.status_code == 200
    assert sorted(w["code"] for w in response.json()["warnings"]) == [8070, 8071]


@pytest.mark.parametrize("body, code", [
    ({}, errors.NoValidIdentifiers.code),
    ({"add": [{"type": "mobile", "value": "123"}]}, errors.InvalidMobile.code),
    ({"remove": [{"type": "mobile", "value": "919111111111"}, {"type": "email", "value": "tom.sawyer@example.com"}]},
     errors.LastIdentifierRemoval.code),
    ({"remove": [{"type": "mobile", "value": "919111111111"}]}, errors.MobileRequired.code),
])
def test_refusals_write_nothing(api_client, tom, body, code):
    before = db_snapshot()
    response = api_client.post(f"/v2/customers/{tom.pk}/changeIdentifier", body, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_identifier_of_another_customer_is_a_conflict(api_client, org, tom):
    CustomerFactory(org=org, mobile="919222222222")
    before = db_snapshot()
    same_source = api_client.post(f"/v2/customers/{tom.pk}/changeIdentifier",
                                  {"add": [{"type": "mobile", "value": "919222222222"}]}, format="json")
    assert same_source.status_code == 400 and v2_error_codes(same_source) == [errors.IdentifierExistsSameSource.code]
    other_source = api_client.post(f"/v2/customers/{tom.pk}/changeIdentifier?source=WECHAT&accountId=a1",
                                   {"add": [{"type": "mobile", "value": "919222222222"}]}, format="json")
    assert other_source.status_code == 400
    assert v2_error_codes(other_source) == [errors.UpdateConflictingCustomers.code]
    assert_nothing_written(before)


def test_mobile_change_can_be_switched_off(api_client, org, tom):
    org_config_set(org=org, key="CONF_ALLOW_MOBILE_UPDATE", value="0")
    body = {"add": [{"type": "mobile", "value": "919111111112"}], "remove": [{"type": "mobile", "value": "919111111111"}]}
    response = api_client.post(f"/v2/customers/{tom.pk}/changeIdentifier", body, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [errors.IdentifierUpdateNotAllowed.code]
