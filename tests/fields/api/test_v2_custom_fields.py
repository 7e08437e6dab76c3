"""v2 custom-field endpoints: create (all or none), org list, list all, Organization API list."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.fields import errors
from apps.organizations.choices import CustomFieldScope, CustomFieldType
from apps.organizations.models import CustomField, OrgConfig
from tests.factories.organizations import CustomFieldFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

SAMPLE = {
    "name": "Email Footer Color", "type": "text", "dataType": "STRING", "label": "Mail content",
    "scope": "STORE_CUSTOM_FIELDS", "defaultValue": "#1234", "phase": "1", "position": 0, "rule": "",
    "serverRule": "", "regex": "", "error": "", "isDisabled": 0, "isCompulsory": 0, "disableAtServer": 0,
    "isUpdatable": 0, "enableAuditTrail": 0, "isPiiData": 0, "isPsiData": 0, "helptext": "", "attrs": "",
}


def test_create_custom_fields_answers_the_created_fields(api_client, org):
    # when
    response = api_client.post("/v2/customFields", {"scope": "STORE_CUSTOM_FIELDS", "customFields": [SAMPLE]},
                               format="json")
    # then
    assert response.status_code == 200, response.content
    field = CustomField.objects.get(org=org)
    assert (field.name, field.scope, field.type, field.widget, field.data_type, field.is_updatable) == (
        "Email Footer Color", CustomFieldScope.STORE, CustomFieldType.TEXT, "text", "String", False)
    assert response.json() == {"entity": [{
        "orgId": org.pk, "id": field.pk, "name": "Email Footer Color", "type": "text", "dataType": "String",
        "label": "Mail content", "scope": "STORE_CUSTOM_FIELDS", "defaultValue": "#1234", "phase": "1",
        "position": 0, "rule": "", "serverRule": "", "regex": "", "error": "", "isDisabled": 0, "isCompulsory": 0,
        "disableAtServer": 0, "isUpdatable": 0, "enableAuditTrail": 0, "isPiiData": 0, "isPsiData": 0,
        "helptext": "", "attrs": "", "value": ""}], "warnings": [], "errors": [], "success": True}


def test_create_maps_widgets_onto_field_types(api_client, org):
    # when
    response = api_client.post("/v2/customFields", {"scope": "loyalty_registration", "customFields": [
        {"name": "anniversary", "type": "datepicker", "dataType": "String", "label": "Anniversary"},
        {"name": "newsletter", "type": "checkbox", "dataType": "Boolean", "label": "Newsletter"},
        {"name": "kids", "type": "text", "dataType": "integer", "label": "Kids", "isCompulsory": True},
    ]}, format="json")
    # then
    assert response.status_code == 200, response.content
    fields = {f.name: f for f in CustomField.objects.filter(org=org)}
    assert fields["anniversary"].type == CustomFieldType.DATE
    assert fields["newsletter"].type == CustomFieldType.CHECKBOX
    assert (fields["kids"].data_type, fields["kids"].is_mandatory) == ("Integer", True)
    assert [i["scope"] for i in response.json()["entity"]] == ["LOYALTY_REGISTRATION"] * 3


@pytest.mark.parametrize(("body", "code"), [
    ({"scope": "NOWHERE", "customFields": [SAMPLE]}, errors.CustomFieldScopeInvalid.code),
    ({"customFields": [{**SAMPLE, "scope": ""}]}, errors.CustomFieldScopeInvalid.code),
    ({"scope": "STORE_CUSTOM_FIELDS", "customFields": []}, errors.CustomFieldListEmpty.code),
    ({"scope": "STORE_CUSTOM_FIELDS"}, errors.CustomFieldListEmpty.code),
    ({"scope": "STORE_CUSTOM_FIELDS", "customFields": [{**SAMPLE, "name": ""}]}, errors.CustomFieldParamEmpty.code),
    ({"scope": "STORE_CUSTOM_FIELDS", "customFields": [SAMPLE, {**SAMPLE, "name": "email footer color"}]},
     errors.CustomFieldDuplicate.code),
    ({"scope": "STORE_CUSTOM_FIELDS", "customFields": [{**SAMPLE, "name": "A name that is far too long"}]}, 400),
    ({"scope": "STORE_CUSTOM_FIELDS", "customFields": [{**SAMPLE, "type": "hologram"}]}, 400),
    ({"scope": "STORE_CUSTOM_FIELDS", "customFields": [{**SAMPLE, "dataType": "Money"}]}, 400),
    ({"scope": "STORE_CUSTOM_FIELDS", "customFields": [{**SAMPLE, "isDisabled": "perhaps"}]}, 400),
    ({"scope": "STORE_CUSTOM_FIELDS", "customFields": ["not an object"]}, 400),
])
def test_create_refuses_bad_input_and_writes_nothing(api_client, body, code):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/customFields", body, format="json")
    # then
    assert response.status_code == 400, response.content
    assert v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_create_refuses_a_name_already_used_in_the_scope(api_client, org):
    # given
    CustomFieldFactory(org=org, name="Email Footer Color", scope=CustomFieldScope.STORE)
    before = db_snapshot()
    # when
    response = api_client.post("/v2/customFields", {"scope": "STORE_CUSTOM_FIELDS", "customFields": [
        {**SAMPLE, "name": "Header"}, SAMPLE]}, format="json")
    # then
    assert response.status_code == 400
    assert v2_error_codes(response) == [1025]
    assert response.json()["errors"][0]["message"] == "Duplicate organisation custom field: Email Footer Color."
    assert_nothing_written(before)


def test_create_refuses_more_auditable_fields_than_the_org_limit(api_client, org):
    # given
    OrgConfig.objects.create(org=org, key="PRODUCT_CONF_ORG_AUDITABLE_CUSTOM_FIELDS_LIMIT", value="1")
    CustomFieldFactory(org=org, enable_audit_trail=True)
    before = db_snapshot()
    # when
    response = api_client.post("/v2/customFields", {"scope": "STORE_CUSTOM_FIELDS", "customFields": [
        {**SAMPLE, "enableAuditTrail": 1}]}, format="json")
    # then
    assert response.status_code == 400
    assert v2_error_codes(response) == [1023]
    assert response.json()["errors"][0]["message"] == (
        "Maximum auditable custom field limit is 1, existing count is 2 (including the current payload).")
    assert_nothing_written(before)


def test_org_custom_fields_lists_and_filters_by_scope_in_any_case(api_client, org):
    # given
    reg = CustomFieldFactory(org=org, name="age_group", scope=CustomFieldScope.LOYALTY_REGISTRATION)
    store = CustomFieldFactory(org=org, name="cashier", scope=CustomFieldScope.STORE, type=CustomFieldType.SELECT)
    # when
    everything = api_client.get("/v2/org/customFields")
    stores = api_client.get("/v2/org/customFields?scope=store_custom_fields")
    all_route = api_client.get("/v2/customFields?scope=LOYALTY_REGISTRATION")
    # then
    assert everything.status_code == stores.status_code == all_route.status_code == 200
    assert [i["id"] for i in everything.json()["entity"]] == [reg.pk, store.pk]
    assert [(i["id"], i["scope"], i["type"]) for i in stores.json()["entity"]] == [
        (store.pk, "STORE_CUSTOM_FIELDS", "select")]
    assert [i["name"] for i in all_route.json()["entity"]] == ["age_group"]


def test_org_custom_fields_refuses_an_unknown_scope(api_client):
    # when
    response = api_client.get("/v2/org/customFields?scope=MOON")
    # then
    assert response.status_code == 400
    assert v2_error_codes(response) == [1018]


def test_organization_custom_fields_uses_the_organization_api_shape(api_client, org):
    # given
    CustomFieldFactory(org=org, name="Married", scope=CustomFieldScope.STORE, type=CustomFieldType.CHECKBOX,
                       label="Is married")
    CustomFieldFactory(org=org, name="language", type=CustomFieldType.SELECT, options=["English", "Hindi"],
                       is_mandatory=True, phase=2, position=1)
    # when
    response = api_client.get("/v2/organization/customFields")
    # then
    assert response.status_code == 200
    assert response.json() == {"data": [
        {"name": "language", "type": "select", "dataType": "String", "label": "Language",
         "scope": "loyalty_registration", "defaultValue": "", "phase": "2", "position": 1, "rule": "", "regex": "",
         "error": "", "isDisabled": 0, "isCompulsory": 1, "disableAtServer": 0, "isUpdatable": 1,
         "options": '["English", "Hindi"]'},
        {"name": "Married", "type": "checkbox", "dataType": "Boolean", "label": "Is married",
         "scope": "store_custom_fields", "defaultValue": "", "phase": "1", "position": 0, "rule": "", "regex": "",
         "error": "", "isDisabled": 0, "isCompulsory": 0, "disableAtServer": 0, "isUpdatable": 1, "options": ""},
    ], "warnings": []}


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_custom_field_lists_cost_the_same_queries_for_3_and_30_fields(api_client, org):
    # given
    api_client.get("/v2/org/customFields")  # warm the credential cache
    paths = ["/v2/org/customFields", "/v2/customFields", "/v2/organization/customFields"]
    for index in range(3):
        CustomFieldFactory(org=org, name=f"few{index}")
    few = [_count_queries(api_client, p) for p in paths]
    for index in range(27):
        CustomFieldFactory(org=org, name=f"many{index}")
    # when
    many = [_count_queries(api_client, p) for p in paths]
    # then
    assert many == few
