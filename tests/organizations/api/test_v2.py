"""v2 organisation endpoints: tills, config key values, programmes, stores, locations."""
import pytest

from apps.organizations.errors import ConfigKeyNotFound, StoreCodeExists, StoreNameExists, TillNotFound
from apps.organizations.models import Location, Store
from apps.organizations.services import org_config_set
from tests.factories.organizations import ConceptFactory, LocationFactory, TillFactory, ZoneFactory
from tests.factories.points import LoyaltyProgramFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


def test_till_by_code_name_id_and_path(api_client, till):
    for url in (f"/v2/organization/till?code={till.code}", f"/v2/organization/till?name={till.name}",
                f"/v2/organization/till?tillId={till.pk}", f"/v2/organization/till/{till.pk}"):
        response = api_client.get(url)
        assert response.status_code == 200, url
        data = response.json()
        assert data["id"] == till.pk and data["code"] == till.code and data["type"] == "TILL"
        assert data["isActive"] is True and data["warnings"] == []


def test_till_unknown_is_404_with_3227(api_client):
    response = api_client.get("/v2/organization/till?code=nope")
    assert response.status_code == 404
    assert v2_error_codes(response) == [TillNotFound.code]


def test_till_without_identifier_is_400(api_client):
    assert api_client.get("/v2/organization/till").status_code == 400


def test_active_till_hides_inactive(api_client, org, till):
    inactive = TillFactory(org=org, store=till.store, is_active=False)
    ok = api_client.get(f"/v2/organization/activeTill?code={till.code}")
    assert ok.status_code == 200 and ok.json() == {"id": till.pk, "code": till.code, "warnings": []}
    assert api_client.get(f"/v2/organization/activeTill?tillId={inactive.pk}").status_code == 404
    assert api_client.get("/v2/organization/activeTill").status_code == 400


def test_config_key_value(api_client, org):
    org_config_set(org=org, key="IS_DIRECT_REPLAY_ENABLED", value="true")
    data = api_client.get("/v2/organization/configkeyvalue?name=IS_DIRECT_REPLAY_ENABLED").json()
    assert data["keyName"] == "IS_DIRECT_REPLAY_ENABLED" and data["value"] == "1" and data["entityId"] == org.pk
    missing = api_client.get("/v2/organization/configkeyvalue?name=NOPE")
    assert missing.status_code == 404 and v2_error_codes(missing) == [ConfigKeyNotFound.code]
    assert api_client.get("/v2/organization/configkeyvalue").status_code == 400


def test_programs_lists_the_orgs_programmes(api_client, org, other_org):
    LoyaltyProgramFactory(org=org, name="Gold Club", is_default=True)
    LoyaltyProgramFactory(org=other_org, name="Rival Club")
    data = api_client.get("/v2/organization/programs").json()
    assert [p["programName"] for p in data["data"]] == ["Gold Club"]
    assert data["data"][0]["default"] is True and data["errors"] == []


STORE_BODY = {"code": "demostore11", "description": "A store", "name": "Demo Store", "type": "STORE",
              "adminType": "admin", "isActive": True, "timeZoneId": "", "currencyId": "", "languageId": "",
              "externalIds": ["Ex-9399"], "email": "demo@example.com", "mobile": "917262178832",
              "latitude": "12.97", "longitude": "77.59", "customFields": {}}


def test_add_store(api_client, org):
    zone, concept = ZoneFactory(org=org), ConceptFactory(org=org)
    response = api_client.post("/v2/orgEntity/store", {**STORE_BODY, "parentZoneId": zone.pk,
                                                        "parentConceptId": concept.pk}, format="json")
    assert response.status_code == 200, response.content
    store = Store.objects.get(pk=response.json()["createdId"])
    assert response.json()["warnings"] == []
    assert (store.org, store.zone, store.concept, store.admin_type) == (org, zone, concept, "ADMIN")
    assert store.external_id == "Ex-9399" and str(store.latitude) == "12.970000"


@pytest.mark.parametrize("change, code", [({"name": "Another"}, StoreCodeExists.code),
                                          ({"code": "another"}, StoreNameExists.code)])
def test_add_store_duplicates(api_client, change, code):
    api_client.post("/v2/orgEntity/store", STORE_BODY, format="json")
    before = db_snapshot()
    response = api_client.post("/v2/orgEntity/store", {**STORE_BODY, **change, "externalIds": []}, format="json")
    assert response.status_code == 400
    assert v2_error_codes(response) == [code]
    assert_nothing_written(before)


@pytest.mark.parametrize("change", [{"code": "Upper Case"}, {"name": "bad.name"}, {"adminType": "ROOT"},
                                   {"parentZoneId": "x"}, {"latitude": "north"}, {"customFields": {"nope": 1}},
                                   {"externalIds": "not-a-list"}])
def test_add_store_bad_input(api_client, change):
    before = db_snapshot()
    response = api_client.post("/v2/orgEntity/store", {**STORE_BODY, **change}, format="json")
    assert response.status_code == 400, response.content
    assert_nothing_written(before)


def test_add_store_with_foreign_zone_is_404(api_client, other_org):
    foreign = ZoneFactory(org=other_org)
    before = db_snapshot()
    response = api_client.post("/v2/orgEntity/store", {**STORE_BODY, "parentZoneId": foreign.pk}, format="json")
    assert response.status_code == 404
    assert_nothing_written(before)


def test_add_stores_in_bulk_reports_each_item(api_client, org):
    items = [STORE_BODY, {**STORE_BODY, "name": "Second"}, {**STORE_BODY, "code": "third", "name": "Third",
                                                            "externalIds": ["Ex-3"]}, "junk"]
    data = api_client.post("/v2/orgEntity/store/bulk", items, format="json").json()
    assert data["totalCount"] == 4 and data["failureCount"] == 2
    assert [r["errors"][0]["code"] if r["errors"] else None for r in data["response"]] == [None, 1220, None, 400]
    assert data["response"][0]["result"]["code"] == "demostore11"
    assert set(Store.objects.filter(org=org).values_list("code", flat=True)) >= {"demostore11", "third"}


def test_bulk_store_limit(api_client):
    response = api_client.post("/v2/orgEntity/store/bulk", [STORE_BODY] * 101, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [1060]


def test_locations_add_and_list(api_client, org):
    response = api_client.post("/v2/locations", {"locationCode": "blr", "locationLabel": "Bengaluru",
                                                 "tags": ["south"]}, format="json")
    assert response.status_code == 200
    created = response.json()
    assert created["location"]["locationCode"] == "blr" and created["createdId"] > 0
    LocationFactory(org=org, code="del")
    listing = api_client.get("/v2/locations?limit=1").json()
    assert listing["pagination"] == {"limit": 1, "offset": 0, "total": 2}
    assert [x["locationCode"] for x in listing["data"]] == ["blr"]
    filtered = api_client.get("/v2/locations?locationCodes=del").json()
    assert [x["locationCode"] for x in filtered["data"]] == ["del"]


def test_location_duplicate_code_is_409(api_client, org):
    LocationFactory(org=org, code="blr")
    response = api_client.post("/v2/locations", {"locationCode": "blr", "locationLabel": "x"}, format="json")
    assert response.status_code == 409
    assert Location.objects.filter(org=org).count() == 1


def test_same_location_code_is_fine_in_another_org(api_client, other_org):
    LocationFactory(org=other_org, code="blr")
    response = api_client.post("/v2/locations", {"locationCode": "blr", "locationLabel": "x"}, format="json")
    assert response.status_code == 200
