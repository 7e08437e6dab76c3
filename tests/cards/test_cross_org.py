"""A second org can neither see, change nor link another org's series, cards or generation logs."""
import pytest

from apps.cards import services
from apps.cards.choices import CardStatus
from apps.cards.models import Card
from tests.factories.cards import CardFactory
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import Endpoint, assert_nothing_written, assert_refuses_foreign_org, db_snapshot

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    Endpoint("GET", "/v2/card?number={number}"),
    Endpoint("GET", "/v2/card?cardExternalId={external_id}"),
    Endpoint("GET", "/v2/card?id={card}"),
    Endpoint("GET", "/v2/card/statusLog?number={number}"),
    Endpoint("PUT", "/v2/card", body={"cardNumber": "{number}", "statusLabel": "SUSPENDED"}),
    Endpoint("PUT", "/v2/card", body={"cardExternalId": "{external_id}", "statusLabel": "SUSPENDED"}),
    Endpoint("POST", "/v2/card/generate", body={"seriesId": "{series}", "count": 2}),
    Endpoint("GET", "/v2/card/generation/logs?seriesId={series}"),
    Endpoint("GET", "/v2/card/generation/logs/{series}"),
    Endpoint("POST", "/v2/card", body={"seriesId": "{series}", "cardNumber": "NEW123456", "statusLabel": "NOT_ISSUED"}),
    Endpoint("GET", "/v2/card/series/{series}"),
    Endpoint("PUT", "/v2/card/series/{series}", body={"isActive": False}),
    Endpoint("GET", "/v2/card/generation/logs", absent_key="log"),
    Endpoint("GET", "/v2/card/series", absent_key="series_code"),
]


@pytest.fixture
def foreign(other_org, other_series):
    card = CardFactory(series=other_series, external_id="FOREIGN-EXT", status=CardStatus.ACTIVE,
                       customer=CustomerFactory(org=other_org))
    services.card_generation_start(org=other_org, series=other_series, count=1, description="FOREIGN-LOG-DESC")
    other_series.code = "FOREIGNSERIES"
    other_series.save()
    return {"number": card.number, "external_id": card.external_id, "card": card.pk, "series": other_series.pk,
            "log": "FOREIGN-LOG-DESC", "series_code": "FOREIGNSERIES"}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_foreign_org_refused(endpoint, api_client, foreign, series):
    assert_refuses_foreign_org(api_client, endpoint, foreign)


def test_bulk_update_of_foreign_cards_fails_per_item(api_client, foreign):
    before = db_snapshot()
    response = api_client.put("/v2/card/bulk", [{"cardNumber": foreign["number"], "statusLabel": "SUSPENDED"}],
                              format="json")
    assert response.json()["failureCount"] == 1
    assert [e["code"] for e in response.json()["response"][0]["errors"]] == [3010]
    assert_nothing_written(before)


def test_cannot_link_another_orgs_card(api_client, org, other_org, other_series, series):
    # given: org B's free card, and org A with its own series
    foreign_card = CardFactory(series=other_series)
    customer = CustomerFactory(org=org)
    before = db_snapshot()
    # when: org A tries to link it (by number, and naming org B's series id)
    by_number = api_client.post(f"/v2/customers/{customer.pk}/changeIdentifier",
                                {"add": [{"type": "cardnumber", "value": foreign_card.number}]}, format="json")
    by_series = api_client.post(f"/v2/customers/{customer.pk}/changeIdentifier",
                                {"add": [{"type": "cardnumber", "value": foreign_card.number,
                                          "seriesId": other_series.pk}]}, format="json")
    # then: unknown here; org B's card is untouched
    assert v2_error_codes(by_number) == [3010] and v2_error_codes(by_series) == [3004]
    assert_nothing_written(before)
    assert Card.objects.get(pk=foreign_card.pk).status == CardStatus.NOT_ISSUED


def test_same_number_in_two_orgs_are_two_cards(api_client, other_api_client, org, other_org, series, other_series):
    number = CardFactory(series=series).number
    twin = CardFactory(series=other_series, number=number)
    mine, theirs = CustomerFactory(org=org), CustomerFactory(org=other_org)
    assert api_client.post(f"/v2/customers/{mine.pk}/changeIdentifier",
                           {"add": [{"type": "cardnumber", "value": number}]}, format="json").status_code == 200
    assert other_api_client.post(f"/v2/customers/{theirs.pk}/changeIdentifier",
                                 {"add": [{"type": "cardnumber", "value": number}]}, format="json").status_code == 200
    twin.refresh_from_db()
    assert twin.customer_id == theirs.pk
    assert api_client.get("/v2/card", {"number": number}).json()["customerId"] == mine.pk


def test_other_orgs_limit_config_does_not_apply(api_client, org, other_org, series, set_config):
    set_config("CONF_MAX_CARDS_PER_ORG", "0", other_org)
    set_config("CONF_MAX_CARDS_PER_ORG", "1")
    customer = CustomerFactory(org=org)
    first, second = CardFactory(series=series), CardFactory(series=series)
    api_client.post(f"/v2/customers/{customer.pk}/changeIdentifier",
                    {"add": [{"type": "cardnumber", "value": first.number}]}, format="json")
    response = api_client.post(f"/v2/customers/{customer.pk}/changeIdentifier",
                               {"add": [{"type": "cardnumber", "value": second.number}]}, format="json")
    assert v2_error_codes(response) == [3039]


def test_lists_show_own_rows(api_client, series, foreign):
    services.card_generation_start(org=series.org, series=series, count=1, description="MINE")
    assert "MINE" in api_client.get("/v2/card/generation/logs").content.decode()
    assert "GOLD" in api_client.get("/v2/card/series").content.decode()
