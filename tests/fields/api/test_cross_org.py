"""Org A's credentials never see or change org B's extended or custom fields."""
import pytest

from apps.fields.choices import ExtendedFieldEntity as E
from apps.fields.models import ExtendedField
from apps.organizations.choices import CustomFieldScope
from apps.organizations.models import CustomField
from tests.factories.fields import ExtendedFieldFactory
from tests.factories.organizations import CustomFieldFactory
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_org):
    ExtendedFieldFactory(org=other_org, name="rival_ext")
    ExtendedFieldFactory(org=other_org, entity=E.CARD, name="rival_card_ext")
    CustomFieldFactory(org=other_org, name="rival_custom", scope=CustomFieldScope.STORE)
    return {"ext": "rival_ext", "card_ext": "rival_card_ext", "custom": "rival_custom"}


ENDPOINTS = [
    # A foreign parent answers like a missing one.
    Endpoint("POST", "/v2/org/extendedFields", body={"entityType": "CUSTOMER", "name": "child",
                                                     "parentName": "{ext}"}, expect_status=400),
    # Lists: the foreign rows are simply absent.
    Endpoint("GET", "/v2/extendedFields", absent_key="ext"),
    Endpoint("GET", "/v2/extendedFields?entityType=CARD", absent_key="card_ext"),
    Endpoint("GET", "/v2/org/extendedFields", absent_key="ext"),
    Endpoint("GET", "/v2/entity/extendedFields", absent_key="card_ext"),
    Endpoint("GET", "/v2/org/customFields", absent_key="custom"),
    Endpoint("GET", "/v2/org/customFields?scope=STORE_CUSTOM_FIELDS", absent_key="custom"),
    Endpoint("GET", "/v2/customFields", absent_key="custom"),
    Endpoint("GET", "/v2/organization/customFields", absent_key="custom"),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_objects_are_refused(api_client, foreign, endpoint):
    assert_refuses_foreign_org(api_client, endpoint, foreign)


def test_meta_reports_only_the_callers_enabled_fields(api_client, other_org):
    # given
    ExtendedFieldFactory(org=other_org, name="gender", data_type="STANDARD_ENUM", enum_values=["Male"])
    # when
    response = api_client.get("/v2/org/extendedFieldsMeta?entityType=CUSTOMER")
    # then
    gender = next(i for i in response.json()["entity"]["CUSTOMER"] if i["name"] == "gender")
    assert gender["enabled"] is False


def test_configuring_a_name_another_org_uses_creates_the_callers_own_field(api_client, org, other_org, foreign):
    # given
    theirs = ExtendedField.objects.get(org=other_org, name="rival_ext")
    # when
    response = api_client.post("/v2/org/extendedFields", {"entityType": "CUSTOMER", "name": "rival_ext",
                                                          "label": "Mine", "mandatory": True}, format="json")
    # then
    assert response.status_code == 200
    mine = ExtendedField.objects.get(org=org, name="rival_ext")
    theirs_after = ExtendedField.objects.get(pk=theirs.pk)
    assert response.json()["extendedFieldId"] == mine.pk != theirs.pk
    assert (theirs_after.label, theirs_after.is_mandatory) == (theirs.label, False)


def test_creating_a_custom_field_named_like_another_orgs_is_not_a_duplicate(api_client, org, other_org, foreign):
    # when
    response = api_client.post("/v2/customFields", {"scope": "STORE_CUSTOM_FIELDS", "customFields": [
        {"name": "rival_custom", "label": "Mine"}]}, format="json")
    # then
    assert response.status_code == 200
    assert CustomField.objects.filter(name="rival_custom").values_list("org_id", flat=True).count() == 2
    assert CustomField.objects.get(org=other_org, name="rival_custom").label == "Rival_Custom"
