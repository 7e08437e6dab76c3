"""POST /v2/organization/label(s) and GET /v2/organization/labels."""
import pytest

from apps.labels.errors import LabelExists, LabelLimitExceeded, LabelLimitNotSet, LabelsPayloadEmpty, OrgLabelsNotFound
from apps.labels.models import Label
from apps.organizations.services import org_config_set
from tests.factories.labels import LabelFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

BODY = {"orgLabels": [{"name": "Premium", "description": "Customers whose purchase value is more than $4000"},
                      {"name": "GadgetFreak", "description": "Interested in gadgets and new technology"}]}


@pytest.mark.parametrize("path", ["/v2/organization/labels", "/v2/organization/label"])
def test_add_labels(api_client, org, till, path):
    # when
    response = api_client.post(path, BODY, format="json")
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"entity": org.pk, "warnings": []}
    labels = list(Label.objects.for_org(org).order_by("name"))
    assert [(lb.name, lb.description, lb.created_by_till, lb.is_active) for lb in labels] == [
        ("GadgetFreak", "Interested in gadgets and new technology", till, True),
        ("Premium", "Customers whose purchase value is more than $4000", till, True)]


@pytest.mark.parametrize("body", [{"orgLabels": []}, {}])
def test_empty_payload_is_33006(api_client, body):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/organization/labels", body, format="json")
    # then
    assert response.status_code == 400
    assert v2_error_codes(response) == [LabelsPayloadEmpty.code]
    assert_nothing_written(before)


def test_existing_name_in_any_case_is_409_and_nothing_is_added(api_client, org):
    # given
    LabelFactory(org=org, name="premium")
    before = db_snapshot()
    # when
    response = api_client.post("/v2/organization/labels", BODY, format="json")
    # then
    assert response.status_code == 409
    assert v2_error_codes(response) == [LabelExists.code]
    assert response.json()["errors"][0]["message"] == "Label premium already exists in org"
    assert_nothing_written(before)


def test_name_repeated_in_payload_is_refused(api_client):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/organization/labels", {"orgLabels": [{"name": "Gold"}, {"name": "GOLD"}]},
                               format="json")
    # then
    assert response.status_code == 409 and v2_error_codes(response) == [LabelExists.code]
    assert_nothing_written(before)


@pytest.mark.parametrize("item", [{"name": "  "}, {"description": "no name"}, {"name": "x" * 151}])
def test_bad_label_is_400(api_client, item):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/organization/labels", {"orgLabels": [{"name": "Fine"}, item]}, format="json")
    # then
    assert response.status_code == 400 and v2_error_codes(response) == [400]
    assert_nothing_written(before)


def test_org_label_limit(api_client, org):
    # given
    org_config_set(org=org, key="ORG_MAX_LABEL_COUNT", value="3")
    LabelFactory(org=org)
    LabelFactory(org=org)
    before = db_snapshot()
    # when
    response = api_client.post("/v2/organization/labels", BODY, format="json")
    # then
    assert response.status_code == 422 and v2_error_codes(response) == [LabelLimitExceeded.code]
    assert_nothing_written(before)
    assert api_client.post("/v2/organization/labels", {"orgLabels": [BODY["orgLabels"][0]]},
                           format="json").status_code == 200


def test_org_label_limit_zero_means_not_set(api_client, org):
    # given
    org_config_set(org=org, key="ORG_MAX_LABEL_COUNT", value="0")
    before = db_snapshot()
    # when
    response = api_client.post("/v2/organization/labels", BODY, format="json")
    # then
    assert response.status_code == 422 and v2_error_codes(response) == [LabelLimitNotSet.code]
    assert_nothing_written(before)


def test_list_org_labels(api_client, org, other_org, till):
    # given
    b = LabelFactory(org=org, name="beta", description="second", last_updated_by_till=till)
    a = LabelFactory(org=org, name="Alpha", description="first")
    LabelFactory(org=other_org, name="Aardvark")
    # when
    response = api_client.get("/v2/organization/labels")
    # then
    assert response.status_code == 200
    assert response.json() == {"data": [
        {"id": a.pk, "orgId": org.pk, "description": "first", "lastUpdatedBy": None, "name": "Alpha", "active": True},
        {"id": b.pk, "orgId": org.pk, "description": "second", "lastUpdatedBy": till.pk, "name": "beta",
         "active": True},
    ], "warnings": [], "errors": []}


def test_list_org_labels_empty_warns_33002(api_client):
    # when
    body = api_client.get("/v2/organization/labels").json()
    # then
    assert body["data"] == [] and [w["code"] for w in body["warnings"]] == [OrgLabelsNotFound.code]


def test_list_org_labels_queries_do_not_grow(api_client, org, queries_for):
    # given
    def call():
        assert api_client.get("/v2/organization/labels").status_code == 200

    LabelFactory.create_batch(3, org=org)
    few = queries_for(call)
    # when
    LabelFactory.create_batch(27, org=org)
    # then
    assert queries_for(call) == few
