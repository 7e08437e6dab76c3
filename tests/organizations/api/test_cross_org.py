"""Org A's credentials never see or touch org B's objects, through any endpoint of the organisation family."""
import pytest

from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.organizations import (ConceptFactory, CustomFieldFactory, LocationFactory, PaymentModeFactory,
                                           StoreFactory, TillFactory, ZoneFactory)
from tests.factories.points import LoyaltyProgramFactory
from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_org):
    store = StoreFactory(org=other_org, code="rival-store", external_id="RIVAL-EXT")
    till = TillFactory(org=other_org, store=store, code="rivaltill")
    zone = ZoneFactory(org=other_org, code="rivalzone")
    concept = ConceptFactory(org=other_org, code="rivalconcept")
    LocationFactory(org=other_org, code="rivalloc")
    PaymentModeFactory(org=other_org, name="RIVALPAY")
    CustomFieldFactory(org=other_org, name="rival_field", scope="customer_feedback")
    LoyaltyProgramFactory(org=other_org, name="RivalProgramme")
    staff_user_create(org=other_org, username="rivalstaff", password="x-Pass-123", role=StaffRole.TILL_OPERATOR)
    return {"store": store.pk, "store_ext": "RIVAL-EXT", "till": till.pk, "till_code": "rivaltill",
            "zone": zone.pk, "concept": concept.pk, "loc": "rivalloc", "tender": "RIVALPAY",
            "field": "rival_field", "programme": "RivalProgramme", "staff": "rivalstaff", "org_name": other_org.name}


ENDPOINTS = [
    Endpoint("GET", "/v1.1/store/get?id={store}&format=json"),
    Endpoint("GET", "/v1.1/store/get?external_id={store_ext}&format=json"),
    Endpoint("GET", "/v1/store/get?id={store}&format=json"),
    Endpoint("GET", "/v1.1/organization/entities?type=STORE&id={store}&format=json"),
    Endpoint("GET", "/v1.1/organization/entities?type=TILL&id={till}&format=json"),
    Endpoint("GET", "/v1.1/organization/entities?type=ZONE&id={zone}&format=json"),
    Endpoint("GET", "/v1.1/organization/entities?type=CONCEPT&id={concept}&format=json"),
    Endpoint("GET", "/v1.1/organization/customfields?scope=customer_feedback&format=json"),
    Endpoint("GET", "/v2/organization/till?code={till_code}"),
    Endpoint("GET", "/v2/organization/till?tillId={till}"),
    Endpoint("GET", "/v2/organization/till/{till}"),
    Endpoint("GET", "/v2/organization/activeTill?tillId={till}"),
    Endpoint("POST", "/v2/orgEntity/store", body={"code": "x1", "name": "X one", "parentZoneId": "{zone}"}),
    Endpoint("POST", "/v2/orgEntity/store", body={"code": "x2", "name": "X two", "parentConceptId": "{concept}"}),
    # Lists: the foreign rows are simply absent.
    Endpoint("GET", "/v1.1/organization/entities?type=STORE&format=json", absent_key="store_ext"),
    Endpoint("GET", "/v1.1/organization/entities?type=TILL&format=json", absent_key="till_code"),
    Endpoint("GET", "/v1.1/organization/tenders?format=json", absent_key="tender"),
    Endpoint("GET", "/v1.1/organization/customfields?format=json", absent_key="field"),
    Endpoint("GET", "/v1.1/organization/get?format=json", absent_key="org_name"),
    Endpoint("GET", "/v1.1/store/staff?format=json", absent_key="staff"),
    Endpoint("GET", "/v2/locations", absent_key="loc"),
    Endpoint("GET", "/v2/locations?locationCodes={loc}", absent_key="loc"),
    Endpoint("GET", "/v2/organization/programs", absent_key="programme"),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_objects_are_refused(api_client, foreign, endpoint):
    assert_refuses_foreign_org(api_client, endpoint, foreign)


def test_foreign_store_code_can_be_reused_without_leaking(api_client, foreign):
    # codes are unique per org, so org A may use org B's store code; B's store is untouched
    response = api_client.post("/v2/orgEntity/store", {"code": "rival-store", "name": "Mine"}, format="json")
    assert response.status_code == 200
