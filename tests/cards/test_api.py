"""v2 card endpoints: add, update (single and bulk), get, status log, series, org configs, access control."""
import pytest

from apps.access.services import access_group_create
from apps.cards.choices import CardStatus
from apps.cards.models import Card, CardSeries, CardStatusLog
from apps.fields.services import extended_field_create
from tests.factories.cards import CardFactory, card_number
from tests.factories.organizations import TILL_PASSWORD, TillFactory
from tests.helpers.api import till_client, v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


def _link(client, customer, number):
    response = client.post(f"/v2/customers/{customer.pk}/changeIdentifier",
                           {"add": [{"type": "cardnumber", "value": number}]}, format="json")
    assert response.status_code == 200, response.content


# -- POST v2/card ---------------------------------------------------------------------------------------------
def test_add_card_sample(api_client, org, series, till):
    extended_field_create(org=org, entity="CARD", name="vehicle_make")
    number = card_number(series, 77)
    body = {"seriesId": series.pk, "cardNumber": number, "cardExternalId": "externalCardRe123",
            "statusLabel": "CARD_GENERATED", "statusInfo": {"reason": "Card is generated"},
            "customFields": {"city": "Bangalore", "pincode": "560056"}, "extendedFields": {"vehicle_make": "ford"},
            "mappedEntity": {"type": "TILL", "value": till.code}}
    response = api_client.post("/v2/card", body, format="json")
    assert response.status_code == 200, response.content
    card = Card.objects.get(pk=response.json()["entity"])
    assert (card.number, card.external_id, card.status, card.status_label) == (
        number, "externalCardRe123", CardStatus.NOT_ISSUED, "CARD_GENERATED")
    assert card.custom_fields == {"city": "Bangalore", "pincode": "560056"}
    assert card.extended_fields == {"vehicle_make": "ford"} and card.mapped_till_id == till.pk
    assert CardStatusLog.objects.get(card=card).reason == "Card is generated"


@pytest.mark.parametrize("change,code,status", [
    ({"seriesId": 999999}, 3004, 404),
    ({"seriesId": None}, 3004, 404),
    ({"statusLabel": None}, 3011, 400),
    ({"statusLabel": "BOGUS"}, 3017, 400),
    ({"statusLabel": "ACTIVE"}, 3038, 422),
    ({"cardNumber": "GD123"}, 3005, 400),
    ({"cardNumber": "GD-00000001"}, 3005, 400),
    ({"cardNumber": "X" * 151}, 3024, 400),
    ({"cardNumber": "{existing}"}, 3009, 409),
    ({"cardExternalId": "{existing_external}"}, 3045, 409),
    ({"mappedEntity": {"type": "STORE", "value": "x"}}, 3049, 400),
    ({"mappedEntity": {"type": "TILL", "value": "nope"}}, 3048, 400),
    ({"customFields": ["a"]}, 3000, 400),
    ({"extendedFields": {"unknown_field": "x"}}, 91016, 400),
])
def test_add_card_refusals_write_nothing(api_client, series, change, code, status):
    existing = CardFactory(series=series, external_id="EXT-1")
    body = {"seriesId": series.pk, "cardNumber": card_number(series, 77), "statusLabel": "NOT_ISSUED"}
    body.update(change)
    body = {k: {"{existing}": existing.number, "{existing_external}": "EXT-1"}.get(v, v) if isinstance(v, str) else v
            for k, v in body.items()}
    before = db_snapshot()
    response = api_client.post("/v2/card", body, format="json")
    assert (response.status_code, v2_error_codes(response)) == (status, [code])
    assert_nothing_written(before)


def test_add_card_by_series_code_into_external_series(api_client, org):
    external = CardSeries.objects.create(org=org, code="EXTERNAL", length=0, generation_enabled=False)
    response = api_client.post("/v2/card", {"seriesCode": "EXTERNAL", "cardNumber": "ANYTHING123",
                                            "statusLabel": "NOT_ISSUED"}, format="json")
    assert response.status_code == 200
    assert Card.objects.get(number="ANYTHING123").series_id == external.pk


# -- GET v2/card ------------------------------------------------------------------------------------------------
def test_get_card_details(api_client, card, customer):
    _link(api_client, customer, card.number)
    response = api_client.get("/v2/card", {"number": card.number, "format": "json"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["cardNumber"] == card.number and body["cardId"] == body["id"] == card.pk
    assert (body["customerId"], body["seriesCode"], body["type"], body["seriesId"]) == (
        customer.pk, "GOLD", "DIGITAL", card.series_id)
    assert body["statusInfo"]["label"] == "ACTIVE" and body["statusInfo"]["status"] == "ACTIVE"
    assert body["activeAndDigital"] is True and body["transactionNotAllowed"] is False
    assert body["warnings"] == [] and body["issuedDate"]
    assert set(body) >= {"createdDate", "expiryDays", "seriesName", "maxActiveCards", "entityCode",
                         "cardExternalId", "customFields", "orgId", "entityId", "expiryDate"}


def test_get_card_by_external_id(api_client, series):
    card = CardFactory(series=series, external_id="EXT-9")
    response = api_client.get("/v2/card", {"cardExternalId": "EXT-9"})
    assert response.json()["cardNumber"] == card.number


@pytest.mark.parametrize("query", [{"number": "NOPE"}, {}])
def test_get_unknown_card_is_3010(api_client, query):
    response = api_client.get("/v2/card", query)
    assert response.status_code == 404 and v2_error_codes(response) == [3010]


# -- PUT v2/card ------------------------------------------------------------------------------------------------
def test_update_card_sample(api_client, org, card, customer, till):
    extended_field_create(org=org, entity="CARD", name="card_requested_by")
    _link(api_client, customer, card.number)
    body = {"cardNumber": card.number, "seriesId": card.series_id, "statusLabel": "SUSPENDED",
            "statusInfo": {"reason": "Changes made in card status"},
            "mappedEntity": {"type": "TILL", "value": till.code, "id": till.pk},
            "customFields": {"type": "City", "value": "Bangalore"},
            "extendedFields": {"card_requested_by": "rutuja_capillary"}}
    response = api_client.put("/v2/card/?format=json", body, format="json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["cardId"], out["customerId"], out["statusLabel"]) == (card.pk, customer.pk, "SUSPENDED")
    assert out["statusInfo"]["reason"] == "Changes made in card status"
    assert (out["statusInfo"]["label"], out["statusInfo"]["prevLabel"]) == ("SUSPENDED", "ACTIVE")
    assert out["statusLabelInfo"]["status"] == "SUSPENDED" and out["statusLabelInfo"]["type"] == "CARD"
    assert out["mappedEntity"] == {"type": "TILL", "value": till.code, "id": till.pk}
    assert out["extendedFields"] == {"card_requested_by": "rutuja_capillary"}
    assert out["warnings"] == []


def test_update_same_status_warns_3039(api_client, card, customer):
    _link(api_client, customer, card.number)
    response = api_client.put("/v2/card", {"cardNumber": card.number, "statusLabel": "ACTIVE"}, format="json")
    assert response.status_code == 200
    assert [w["code"] for w in response.json()["warnings"]] == [3039]


@pytest.mark.parametrize("body,code,status", [
    ({"cardNumber": "NOPE", "statusLabel": "EXPIRED"}, 3010, 404),
    ({"statusLabel": "EXPIRED"}, 3010, 404),
    ({"cardNumber": "{card}", "statusLabel": "EXPIRED"}, 3038, 422),
    ({"cardNumber": "{card}", "statusLabel": "NOPE"}, 3017, 400),
    ({"cardNumber": "{card}", "seriesId": 999999, "statusLabel": "ACTIVE"}, 3000, 404),
    ({"cardNumber": "{card}", "mappedEntity": {"type": "TILL", "value": "nope"}}, 3048, 400),
])
def test_update_refusals_write_nothing(api_client, card, body, code, status):
    body = {k: card.number if v == "{card}" else v for k, v in body.items()}
    before = db_snapshot()
    response = api_client.put("/v2/card", body, format="json")
    assert (response.status_code, v2_error_codes(response)) == (status, [code])
    assert_nothing_written(before)


def test_a_refused_status_change_keeps_the_other_changes_out_too(api_client, org, card):
    extended_field_create(org=org, entity="CARD", name="vehicle_make")
    response = api_client.put("/v2/card", {"cardNumber": card.number, "statusLabel": "EXPIRED",
                                           "extendedFields": {"vehicle_make": "x"}}, format="json")
    assert response.status_code == 422
    card.refresh_from_db()
    assert card.extended_fields == {}


def test_set_external_id_then_mismatch(api_client, card):
    assert api_client.put("/v2/card", {"cardNumber": card.number, "cardExternalId": "E1"},
                          format="json").status_code == 200
    response = api_client.put("/v2/card", {"cardNumber": card.number, "cardExternalId": "E2"}, format="json")
    assert v2_error_codes(response) == [3046]
    response = api_client.put("/v2/card", {"cardExternalId": "E1", "statusLabel": "NOT_ISSUED"}, format="json")
    assert response.status_code == 200 and response.json()["cardNumber"] == card.number


# -- PUT v2/card/bulk ---------------------------------------------------------------------------------------------
def test_bulk_update_reports_each_item(api_client, series, customer):
    held, other = CardFactory(series=series), CardFactory(series=series)
    _link(api_client, customer, held.number)
    body = [{"cardNumber": "24234234324345345345", "statusLabel": "ACTIVE"},
            {"cardNumber": held.number, "statusLabel": "ACTIVE"},
            {"cardNumber": other.number, "statusLabel": "SUSPENDED"},
            {"cardNumber": held.number, "statusLabel": "LOST", "statusInfo": {"reason": "lost on a train"}}]
    response = api_client.put("/v2/card/bulk?format=json", body, format="json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["totalCount"], out["failureCount"]) == (4, 2)
    missing, same, refused, lost = out["response"]
    assert [e["code"] for e in missing["errors"]] == [3010]
    assert missing["entityId"]["cardNumber"] == "24234234324345345345"
    assert same["errors"] == [] and [w["code"] for w in same["warnings"]] == [3039]
    assert [e["code"] for e in refused["errors"]] == [3038]
    assert "NOT_ISSUED to SUSPENDED" in refused["errors"][0]["message"]
    assert lost["errors"] == [] and lost["entityId"]["statusLabel"] == "LOST"
    assert Card.objects.get(pk=held.pk).status == CardStatus.LOST
    assert Card.objects.get(pk=other.pk).status == CardStatus.NOT_ISSUED


@pytest.mark.parametrize("body,code", [([], 400), ({"cardNumber": "x"}, 400), ([{}] * 201, 1060)])
def test_bulk_request_level_refusals(api_client, body, code):
    response = api_client.put("/v2/card/bulk", body, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [code]


def test_bulk_query_count_is_bounded(api_client, series, customer, django_assert_max_num_queries):
    cards = [CardFactory(series=series, status=CardStatus.ISSUED, customer=customer) for _ in range(10)]
    body = [{"cardNumber": c.number, "statusLabel": "SUSPENDED"} for c in cards]
    with django_assert_max_num_queries(15 + 16 * len(cards)):
        response = api_client.put("/v2/card/bulk", body, format="json")
    assert response.json()["failureCount"] == 0


# -- GET v2/card/statusLog ----------------------------------------------------------------------------------------
def test_status_log(api_client, card, customer, set_config):
    set_config("CONF_MAX_CARDS_PER_ORG", "0")
    _link(api_client, customer, card.number)
    for label in ("SUSPENDED", "ACTIVE", "EXPIRED"):
        api_client.put("/v2/card", {"cardNumber": card.number, "statusLabel": label}, format="json")
    response = api_client.get("/v2/card/statusLog", {"number": card.number})
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert [(d["status"], d["isActive"]) for d in data] == [
        ("NOT_ISSUED", False), ("ACTIVE", False), ("SUSPENDED", False), ("ACTIVE", False), ("EXPIRED", True)]
    assert all(d["entityId"] == card.pk for d in data)
    assert set(data[0]) >= {"reason", "createdBy", "actions", "autoUpdateTime", "createdOn", "label"}
    assert response.json()["warnings"] == [] and response.json()["errors"] == []


def test_status_log_unknown_card(api_client):
    assert v2_error_codes(api_client.get("/v2/card/statusLog", {"number": "NOPE"})) == [3010]


def test_status_log_paginates(api_client, card, customer):
    _link(api_client, customer, card.number)
    response = api_client.get("/v2/card/statusLog", {"number": card.number, "limit": 1, "offset": 1})
    assert [d["status"] for d in response.json()["data"]] == ["ACTIVE"]
    assert response.json()["pagination"] == {"limit": 1, "offset": 1, "total": 2}
    assert v2_error_codes(api_client.get("/v2/card/statusLog", {"number": card.number, "limit": 101})) == [8102]


# -- series ---------------------------------------------------------------------------------------------------------
SERIES_SAMPLE = {"code": "TestCardSeries123", "name": "TestCardSeries123", "type": "DIGITAL", "expiryDays": 1000,
                 "maxActiveCardsPerCustomer": 1,
                 "cardGenerationConfiguration": {"prefix": "M2", "suffix": "C0", "offset": 1, "length": 10,
                                                 "method": "RANDOM_MOD7"},
                 "cardGenerationEnabled": True, "isActive": True, "trigger": "SERIES_ID"}


def test_series_create_sample_then_generate(api_client, org):
    response = api_client.post("/v2/card/series/", SERIES_SAMPLE, format="json")
    assert response.status_code == 200, response.content
    series = CardSeries.objects.get(pk=response.json()["entity"])
    assert (series.org_id, series.prefix, series.suffix, series.length, series.method, series.expiry_days) == (
        org.pk, "M2", "C0", 10, "RANDOM_MOD7", 1000)
    numbers = api_client.post("/v2/card/generate", {"seriesId": series.pk, "count": 3}, format="json").json()["data"]
    assert all(len(n) == 10 and n.startswith("M2") and n.endswith("C0") for n in numbers)
    listed = api_client.get("/v2/card/series/get/all").json()["data"]
    assert [s["code"] for s in listed] == ["TestCardSeries123"]
    one = api_client.get(f"/v2/card/series/{series.pk}").json()["entity"]
    assert one["cardGenerationConfiguration"]["method"] == "RANDOM_MOD7"
    updated = api_client.put(f"/v2/card/series/{series.pk}", {"maxActiveCardsPerCustomer": 3, "isActive": False},
                             format="json")
    assert updated.status_code == 200 and updated.json()["entity"]["maxActiveCardsPerCustomer"] == 3


@pytest.mark.parametrize("change,code", [
    ({"code": ""}, 3001), ({"type": None}, 3003), ({"type": "PLASTIC"}, 3020), ({"expiryDays": -1}, 3019),
    ({"maxActiveCardsPerCustomer": -2}, 3034),
    ({"cardGenerationConfiguration": {"prefix": "M-2", "length": 10}}, 3022),
    ({"cardGenerationConfiguration": {"suffix": "C 0", "length": 10}}, 3023),
    ({"cardGenerationConfiguration": {"prefix": "M2", "length": 151}}, 3024),
    ({"cardGenerationConfiguration": {"prefix": "M2", "length": 4}}, 3028),
    ({"cardGenerationConfiguration": {"prefix": "M2"}}, 3007),
    ({"cardGenerationConfiguration": {"prefix": "M2", "length": 10, "offset": -1}}, 3047),
])
def test_series_create_refusals(api_client, change, code):
    before = db_snapshot()
    response = api_client.post("/v2/card/series", {**SERIES_SAMPLE, **change}, format="json")
    assert v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_series_duplicates(api_client):
    assert api_client.post("/v2/card/series", SERIES_SAMPLE, format="json").status_code == 200
    assert v2_error_codes(api_client.post("/v2/card/series", SERIES_SAMPLE, format="json")) == [3002]
    other_code = {**SERIES_SAMPLE, "code": "Another"}
    assert v2_error_codes(api_client.post("/v2/card/series", other_code, format="json")) == [3006]


# -- org configs and access ---------------------------------------------------------------------------------------
def test_org_configs_sample(api_client, org):
    response = api_client.post("/v2/organization/configs?format=json",
                               {"keyName": "CONF_MAX_CARDS_PER_ORG", "value": "4", "scope": "ORG"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() | {"id": 0} == {"id": 0, "entityId": org.pk, "keyName": "CONF_MAX_CARDS_PER_ORG",
                                           "value": "4", "scope": "ORG", "warnings": []}
    assert v2_error_codes(api_client.post("/v2/organization/configs", {"keyName": "NOPE", "value": "1"},
                                          format="json"))
    assert v2_error_codes(api_client.post("/v2/organization/configs",
                                          {"keyName": "CONF_MAX_CARDS_PER_ORG", "value": "four"}, format="json"))


def test_card_endpoints_need_card_access(org, card):
    till = TillFactory(org=org)
    till.access_groups.add(access_group_create(org=org, name="Cards view", permissions={"Card": "VIEW"}))
    client = till_client(till, TILL_PASSWORD)
    assert client.get("/v2/card", {"number": card.number}).status_code == 200
    for response in (client.put("/v2/card", {"cardNumber": card.number}, format="json"),
                     client.post("/v2/card/generate", {"seriesId": card.series_id, "count": 1}, format="json"),
                     client.post("/v2/organization/configs", {"keyName": "CONF_MAX_CARDS_PER_ORG", "value": "1"},
                                 format="json")):
        assert response.status_code == 403 and v2_error_codes(response) == [4000]
