"""Bad input gets a clear error in its version's envelope with the right status, never a 500."""
import pytest
from rest_framework.test import APIClient

from apps.core.errors import InvalidInput, LimitTooLarge, NotFound
from tests.helpers.api import v2_error_codes, v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


def test_malformed_json_is_400_and_writes_nothing(api_client):
    before = db_snapshot()
    response = api_client.generic("POST", "/v2/locations", '{"locationCode": "a",', content_type="application/json")
    assert response.status_code == 400
    assert v2_error_codes(response) == [InvalidInput.code]
    assert "Malformed" in response.json()["errors"][0]["message"]
    assert_nothing_written(before)


@pytest.mark.parametrize("body, field", [
    ({"locationCode": 12, "locationLabel": ["x"]}, "locationLabel"),
    ({"locationLabel": "x"}, "locationCode"),
    ({"locationCode": "bad code!", "locationLabel": "x"}, "locationCode"),
    ({"locationCode": "ok", "locationLabel": "x", "tags": "not-a-list"}, "tags"),
])
def test_wrong_types_are_400_with_field_detail(api_client, body, field):
    before = db_snapshot()
    response = api_client.post("/v2/locations", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in {e.get("field") for e in errors}
    assert all(e["code"] == InvalidInput.code for e in errors)
    assert_nothing_written(before)


def test_json_array_where_object_expected_is_400(api_client):
    response = api_client.post("/v2/locations", [1, 2], format="json")
    assert response.status_code == 400


def test_wrong_content_type_is_415(api_client):
    response = api_client.generic("POST", "/v2/locations", "locationCode=a", content_type="text/plain")
    assert response.status_code == 415
    assert v2_error_codes(response) == [415]


def test_wrong_method_is_405(api_client):
    response = api_client.delete("/v2/locations")
    assert response.status_code == 405
    assert v2_error_codes(response) == [405]


def test_unknown_api_path_is_404_in_each_envelope(api_client):
    v2 = api_client.get("/v2/no/such/thing")
    assert v2.status_code == 404 and v2_error_codes(v2) == [NotFound.code]
    v11 = api_client.get("/v1.1/no/such/thing?format=json")
    assert v11.status_code == 404 and v11_status(v11)["success"] == "false"
    v3 = api_client.get("/v3/no/such/thing")
    assert v3.status_code == 404 and v3.json()["data"] is None


def test_v1_paths_are_served_by_v11_handlers(api_client):
    v1 = api_client.get("/v1/organization/get?format=json")
    v11 = api_client.get("/v1.1/organization/get?format=json")
    assert v1.status_code == v11.status_code == 200
    assert v1.json() == v11.json()


def test_json_suffix_and_format_param_are_accepted(api_client):
    assert api_client.get("/v1.1/organization/get.json").status_code == 200
    assert api_client.get("/v1.1/organization/get?format=json").status_code == 200


def test_limit_above_maximum_is_refused_with_platform_code(api_client):
    response = api_client.get("/v2/locations?limit=101")
    assert response.status_code == 400
    assert v2_error_codes(response) == [LimitTooLarge.code]


@pytest.mark.parametrize("query, code", [("limit=0", 8101), ("offset=-1", 8100), ("limit=abc", 400)])
def test_bad_paging_params(api_client, query, code):
    response = api_client.get(f"/v2/locations?{query}")
    assert response.status_code == 400
    assert v2_error_codes(response) == [code]


def test_every_response_carries_a_request_id(api_client):
    response = api_client.get("/v1.1/organization/get?format=json")
    assert len(response["X-Cap-Requestid"]) >= 16
    unauthenticated = APIClient().get("/v2/locations")
    assert unauthenticated["X-Cap-Requestid"]


def test_incoming_request_id_is_echoed(api_client):
    response = api_client.get("/v2/locations", HTTP_X_REQUEST_ID="abc-123-def-456")
    assert response["X-Cap-Requestid"] == "abc-123-def-456"


def test_unexpected_error_is_500_in_envelope(api_client, monkeypatch):
    from apps.organizations.api.v2 import views

    def boom(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(views.selectors, "location_list", boom)
    response = api_client.get("/v2/locations")
    assert response.status_code == 500
    assert v2_error_codes(response) == [500]
