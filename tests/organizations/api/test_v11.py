"""v1.1 organisation and store endpoints (and their v1 aliases)."""
import pytest

from apps.organizations.services import org_config_set
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.organizations import (ConceptFactory, CustomFieldFactory, PaymentModeFactory, StoreFactory,
                                           TillFactory, ZoneFactory)
from tests.helpers.api import v11_status

pytestmark = pytest.mark.django_db


def body(response):
    assert response.status_code == 200, response.content
    assert v11_status(response)["success"] == "true"
    return response.json()["response"]


def test_organization_get(api_client, org):
    data = body(api_client.get("/v1.1/organization/get?format=json"))["organization"]
    assert data["id"] == str(org.pk)
    assert data["name"] == org.name
    assert data["timezone"] == "Asia/Kolkata" and data["timezone_offset"] == "UTC+05:30"
    assert data["currency"] == "Indian Rupee"


@pytest.mark.parametrize("entity_type", ["STORE", "till", "ZONE", "CONCEPT"])
def test_organization_entities_by_type(api_client, org, till, entity_type):
    ZoneFactory(org=org)
    ConceptFactory(org=org)
    data = body(api_client.get(f"/v1.1/organization/entities?type={entity_type}&format=json"))
    entities = data["organization"]["entities"]["entity"]
    assert entities and all(e["type"] == entity_type.upper() for e in entities)
    assert entities[0]["item_status"]["code"] == 3200
    assert data["pagination"]["total"] == len(entities)


def test_organization_entities_filters_by_parent_and_id(api_client, org, till):
    store = StoreFactory(org=org, code="parent-store")
    child = TillFactory(org=org, store=store)
    data = body(api_client.get("/v1.1/organization/entities?type=TILL&parent_identifier_type=STORE_CODE"
                               "&parent_identifier_value=parent-store&format=json"))
    assert [e["id"] for e in data["organization"]["entities"]["entity"]] == [str(child.pk)]
    data = body(api_client.get(f"/v1.1/organization/entities?type=STORE&id={store.pk}&format=json"))
    assert [e["code"] for e in data["organization"]["entities"]["entity"]] == ["parent-store"]


def test_organization_entities_pages_with_start_id_and_limit(api_client, org, till):
    stores = [StoreFactory(org=org) for _ in range(3)]
    first = body(api_client.get("/v1.1/organization/entities?type=STORE&limit=2&format=json"))
    ids = [int(e["id"]) for e in first["organization"]["entities"]["entity"]]
    assert len(ids) == 2 and first["pagination"]["total"] == 4
    rest = body(api_client.get(f"/v1.1/organization/entities?type=STORE&limit=2&start_id={ids[-1]}&format=json"))
    more = [int(e["id"]) for e in rest["organization"]["entities"]["entity"]]
    assert set(ids) | set(more) == {s.pk for s in stores} | {till.store_id}


@pytest.mark.parametrize("query, message", [
    ("", "Type is not passed"), ("type=SHOP", "Type is invalid"), ("type=STORE&id=abc", "Invalid value"),
    ("type=STORE&limit=9999", "limit"),
])
def test_organization_entities_bad_params(api_client, query, message):
    response = api_client.get(f"/v1.1/organization/entities?{query}&format=json")
    assert response.status_code == 400
    assert message in v11_status(response)["message"]


def test_organization_configs_lists_known_keys_with_org_values(api_client, org):
    org_config_set(org=org, key="CONF_USERS_IS_EMAIL_REQUIRED", value=True)
    configs = body(api_client.get("/v1.1/organization/configs?format=json"))["organization"]["configs"]["config"]
    by_key = {c["key"]: c for c in configs}
    assert by_key["CONF_USERS_IS_EMAIL_REQUIRED"]["value"] == "1"
    assert by_key["CONF_USERS_IS_EMAIL_REQUIRED"]["entity_id"] == str(org.pk)
    assert by_key["CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE"]["value_type"] == "BOOLEAN"


def test_organization_customfields_by_scope(api_client, org):
    CustomFieldFactory(org=org, name="anniv", scope="loyalty_registration", is_mandatory=True)
    CustomFieldFactory(org=org, name="slot", scope="loyalty_transaction")
    fields = body(api_client.get("/v1.1/organization/customfields?scope=loyalty_registration&format=json"))
    names = [f["name"] for f in fields["organization"]["custom_fields"]["field"]]
    assert names == ["anniv"]
    assert fields["organization"]["custom_fields"]["field"][0]["is_mandatory"] == "1"
    missing = api_client.get("/v1.1/organization/customfields?scope=customer_feedback&format=json")
    assert missing.status_code == 404 and v11_status(missing)["code"] == 3204


def test_organization_tenders(api_client, org):
    PaymentModeFactory(org=org, name="CASH", canonical_name="CASH", attributes={"drawer": "1"})
    PaymentModeFactory(org=org, name="CARD", canonical_name="CARD")
    tenders = body(api_client.get("/v1.1/organization/tenders?format=json"))["organization"]["tenders"]
    assert tenders["count"] == "2"
    assert {t["canonical_name"] for t in tenders["tender"]} == {"CASH", "CARD"}
    only = body(api_client.get("/v1.1/organization/tenders?attribute_name=drawer&attribute=true&format=json"))
    assert [t["name"] for t in only["organization"]["tenders"]["tender"]] == ["CASH"]
    assert only["organization"]["tenders"]["tender"][0]["attributes"]["attribute"] == [{"name": "drawer", "value": "1"}]


def test_store_get_by_id_and_external_id(api_client, org):
    store = StoreFactory(org=org, external_id="EXT-9", currency="SGD", timezone="Asia/Singapore")
    by_id = body(api_client.get(f"/v1.1/store/get?id={store.pk}&format=json"))["stores"]["store"]
    by_ext = body(api_client.get("/v1.1/store/get?external_id=EXT-9&format=json"))["stores"]["store"]
    assert by_id == by_ext
    assert by_id["code"] == store.code
    assert by_id["currency"]["iso_code"] == {"alpha": "SGD", "numeric": "702"}
    assert by_id["item_status"]["code"] == "900"


@pytest.mark.parametrize("query, status, code", [("", 400, 913), ("id=999999", 404, 902), ("id=abc", 404, 902)])
def test_store_get_errors(api_client, query, status, code):
    response = api_client.get(f"/v1.1/store/get?{query}&format=json")
    assert response.status_code == status
    assert v11_status(response)["code"] == code


def test_store_staff_by_type(api_client, org, till):
    staff_user_create(org=org, username="cashier1", password="x-Pass-123", role=StaffRole.TILL_OPERATOR,
                      store=till.store, first_name="Kiran")
    staff_user_create(org=org, username="manager1", password="x-Pass-123", role=StaffRole.STORE_MANAGER)
    every = body(api_client.get("/v1.1/store/staff?format=json"))["store"]["staff"]["user"]
    assert {u["type"] for u in every} == {"ASSOCIATE", "MANAGER"}
    for param in ("type", "type_value"):
        associates = body(api_client.get(f"/v1.1/store/staff?{param}=ASSOCIATE&format=json"))["store"]["staff"]["user"]
        assert [u["firstname"] for u in associates] == ["Kiran"]
        assert associates[0]["store_code"] == till.store.code
    assert api_client.get("/v1.1/store/staff?type=JANITOR&format=json").status_code == 400


def test_store_login_describes_the_calling_till(api_client, org, till):
    user = body(api_client.get("/v1.1/store/login.json"))["store"]["user"]
    assert user["username"] == till.username
    assert user["org_id"] == str(org.pk) and user["org_name"] == org.name
    assert user["type"] == "TILL"
    assert user["server_time"].endswith("+05:30")


def test_store_configurations_show_store_overrides(api_client, org, till):
    org_config_set(org=org, key="STORE_SERVER_PREFIX", value="BLR", store=till.store)
    conf = body(api_client.get("/v1.1/store/configurations?format=json"))["store"]["configurations"]
    assert conf["store_server_prefix"] == "BLR"
    keys = {c["key"]: c for c in conf["configs"]["config"]}
    assert keys["STORE_SERVER_PREFIX"]["scope"] == "STORE"
