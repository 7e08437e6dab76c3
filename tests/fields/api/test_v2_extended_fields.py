"""v2 extended-field endpoints: list (grouped), org list with configuration, meta, entity list, configure."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.fields.choices import ExtendedFieldDataType as T
from apps.fields.choices import ExtendedFieldEntity as E
from apps.fields.models import ExtendedField
from tests.factories.fields import ExtendedFieldFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


def test_get_extended_fields_groups_active_fields_by_entity(api_client, org):
    # given
    gender = ExtendedFieldFactory(org=org, name="gender", label="Gender", data_type=T.STANDARD_ENUM,
                                  enum_values=["Male", "Female"])
    gst = ExtendedFieldFactory(org=org, entity=E.REGULAR_LINEITEM, name="CentralGST", data_type=T.DOUBLE)
    ExtendedFieldFactory(org=org, name="retired", is_active=False)
    # when
    response = api_client.get("/v2/extendedFields")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["warnings"] == [] and body["errors"] == [] and body["success"] is True
    assert list(body["entity"]) == ["CUSTOMER", "REGULAR_LINEITEM"]
    assert body["entity"]["CUSTOMER"] == [{
        "id": gender.pk, "name": "gender", "createdBy": -1, "createdOn": gender.created_at.date().isoformat(),
        "modifiedBy": -1, "modifiedOn": gender.updated_at.date().isoformat(), "label": "Gender",
        "entityType": "CUSTOMER", "dataType": "STANDARD_ENUM", "parentId": -1}]
    assert [f["id"] for f in body["entity"]["REGULAR_LINEITEM"]] == [gst.pk]


def test_get_extended_fields_filters_by_entity_type_and_shows_parent(api_client, org):
    # given
    state = ExtendedFieldFactory(org=org, name="state")
    city = ExtendedFieldFactory(org=org, name="city", parent=state)
    ExtendedFieldFactory(org=org, entity=E.REGULAR_TRANSACTION, name="cashier_id")
    # when
    response = api_client.get("/v2/extendedFields?entityType=customer")
    # then
    assert response.status_code == 200
    items = response.json()["entity"]["CUSTOMER"]
    assert [(i["name"], i["parentId"]) for i in items] == [("city", state.pk), ("state", -1)]
    assert list(response.json()["entity"]) == ["CUSTOMER"]
    assert city.parent_id == state.pk


def test_unknown_entity_type_is_400(api_client):
    # when
    response = api_client.get("/v2/extendedFields?entityType=PLANET")
    # then
    assert response.status_code == 400
    assert v2_error_codes(response) == [400]


def test_org_extended_fields_include_inactive_fields_and_configuration(api_client, org):
    # given
    field = ExtendedFieldFactory(org=org, name="nps", data_type=T.INTEGER, min_value=0, max_value=10,
                                 is_mandatory=True, is_active=False, position=3)
    # when
    response = api_client.get("/v2/org/extendedFields")
    # then
    assert response.status_code == 200
    item = response.json()["entity"]["CUSTOMER"][0]
    assert item["extendedFieldId"] == field.pk
    assert {k: item[k] for k in ("name", "dataType", "possibleValues", "defaultValue", "regex", "maxLength",
                                 "minValue", "maxValue", "mandatory", "isActive", "hideDisplay", "updatable",
                                 "isPiiData", "isPsiData", "position", "parentName")} == {
        "name": "nps", "dataType": "INTEGER", "possibleValues": [], "defaultValue": "", "regex": "",
        "maxLength": 255, "minValue": "0", "maxValue": "10", "mandatory": True, "isActive": False,
        "hideDisplay": False, "updatable": True, "isPiiData": False, "isPsiData": False, "position": 3,
        "parentName": None}


def test_entity_extended_fields_is_one_flat_list(api_client, org):
    # given
    ExtendedFieldFactory(org=org, name="zip")
    ExtendedFieldFactory(org=org, entity=E.CARD, name="vehicle_number")
    # when
    everything = api_client.get("/v2/entity/extendedFields")
    cards = api_client.get("/v2/entity/extendedFields?entityType=CARD")
    # then
    assert everything.status_code == 200 and cards.status_code == 200
    assert [(i["entityType"], i["name"]) for i in everything.json()["entity"]] == [
        ("CARD", "vehicle_number"), ("CUSTOMER", "zip")]
    assert [i["name"] for i in cards.json()["entity"]] == ["vehicle_number"]


def test_meta_lists_standard_fields_and_whether_the_org_enabled_them(api_client, org):
    # given
    ExtendedFieldFactory(org=org, name="gender", data_type=T.STANDARD_ENUM, enum_values=["Male", "Female"])
    # when
    response = api_client.get("/v2/org/extendedFieldsMeta?entityType=CUSTOMER")
    # then
    assert response.status_code == 200
    body = response.json()
    assert list(body["entity"]) == ["CUSTOMER"]
    by_name = {i["name"]: i for i in body["entity"]["CUSTOMER"]}
    assert by_name["gender"] == {"name": "gender", "label": "Gender", "entityType": "CUSTOMER",
                                 "dataType": "STANDARD_ENUM", "possibleValues": ["Male", "Female", "Other"],
                                 "enabled": True}
    assert by_name["dob"]["enabled"] is False and by_name["dob"]["dataType"] == "DATETIME"
    assert "CUSTOM_ENUM" in body["dataTypes"]


def test_configure_creates_a_standard_field_with_its_platform_type(api_client, org):
    # when
    response = api_client.post("/v2/org/extendedFields", {"entityType": "CUSTOMER", "name": "gender",
                                                          "mandatory": True}, format="json")
    # then
    assert response.status_code == 200, response.content
    field = ExtendedField.objects.get(org=org, name="gender")
    assert (field.data_type, field.label, field.enum_values, field.is_mandatory) == (
        "STANDARD_ENUM", "Gender", ["Male", "Female", "Other"], True)
    body = response.json()
    assert body["extendedFieldId"] == field.pk and body["warnings"] == []
    assert body["possibleValues"] == ["Male", "Female", "Other"]


def test_configure_creates_a_custom_field_then_updates_it(api_client, org):
    # given
    created = api_client.post("/v2/org/extendedFields", {
        "entityType": "transaction", "name": "order_source", "label": "Order source", "dataType": "CUSTOM_ENUM",
        "possibleValues": ["Web", "App"], "defaultValue": "web"}, format="json")
    # when
    updated = api_client.post("/v2/org/extendedFields", {
        "entityType": "REGULAR_TRANSACTION", "name": "order_source", "hideDisplay": True, "position": 4,
        "possibleValues": ["Web", "App", "Kiosk"]}, format="json")
    # then
    assert created.status_code == 200 and updated.status_code == 200, updated.content
    field = ExtendedField.objects.get(org=org, name="order_source")
    assert (field.entity, field.default_value, field.is_hidden, field.position, field.enum_values) == (
        "REGULAR_TRANSACTION", "Web", True, 4, ["Web", "App", "Kiosk"])
    assert updated.json()["extendedFieldId"] == created.json()["extendedFieldId"]


def test_configure_sets_and_clears_a_parent(api_client, org):
    # given
    state = ExtendedFieldFactory(org=org, name="state")
    # when
    attached = api_client.post("/v2/org/extendedFields", {"entityType": "CUSTOMER", "name": "district",
                                                           "parentName": "state"}, format="json")
    detached = api_client.post("/v2/org/extendedFields", {"entityType": "CUSTOMER", "name": "district",
                                                           "parentName": None}, format="json")
    # then
    assert attached.json()["parentId"] == state.pk and attached.json()["parentName"] == "state"
    assert detached.json()["parentId"] == -1
    assert ExtendedField.objects.get(org=org, name="district").parent_id is None


@pytest.mark.parametrize(("body", "code"), [
    ({"name": "x"}, 400),
    ({"entityType": "CUSTOMER"}, 400),
    ({"entityType": "PLANET", "name": "x"}, 400),
    ({"entityType": "CUSTOMER", "name": "gender", "dataType": "STRING"}, 400),
    ({"entityType": "CUSTOMER", "name": "tier_hint", "dataType": "CUSTOM_ENUM"}, 400),
    ({"entityType": "CUSTOMER", "name": "tier_hint", "dataType": "STRING", "minValue": "1"}, 400),
    ({"entityType": "CUSTOMER", "name": "nps", "dataType": "INTEGER", "minValue": "5", "maxValue": "1"}, 400),
    ({"entityType": "CUSTOMER", "name": "nps", "dataType": "INTEGER", "defaultValue": "ten"}, 400),
    ({"entityType": "CUSTOMER", "name": "zip", "regex": "(["}, 400),
    ({"entityType": "CUSTOMER", "name": "bad name"}, 400),
    ({"entityType": "CUSTOMER", "name": "district", "parentName": "nowhere"}, 400),
    ({"entityType": "CUSTOMER", "name": "zip", "dataType": "FLOAT"}, 400),
])
def test_configure_refuses_bad_input_and_writes_nothing(api_client, body, code):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/org/extendedFields", body, format="json")
    # then
    assert response.status_code == 400, response.content
    assert v2_error_codes(response) == [code]
    assert_nothing_written(before)


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_list_endpoints_cost_the_same_queries_for_3_and_30_fields(api_client, org):
    # given
    api_client.get("/v2/extendedFields")  # warm the credential cache
    parent = ExtendedFieldFactory(org=org, name="parent_field")
    for index in range(2):
        ExtendedFieldFactory(org=org, name=f"few{index}", parent=parent)
    paths = ["/v2/extendedFields", "/v2/org/extendedFields", "/v2/entity/extendedFields",
             "/v2/org/extendedFieldsMeta"]
    few = [_count_queries(api_client, p) for p in paths]
    for index in range(27):
        ExtendedFieldFactory(org=org, name=f"many{index}", parent=parent)
    # when
    many = [_count_queries(api_client, p) for p in paths]
    # then
    assert many == few
