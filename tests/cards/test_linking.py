"""Linking and delinking cards through the customer identifier API (changeIdentifier), registration (v2 and v1.1),
the active-card limits, unknown card numbers, and refusals that write nothing."""
import json

import pytest

from apps.cards.choices import CardStatus
from apps.cards.models import Card, CardStatusLog
from apps.customers.models import Customer, CustomerIdentifier
from tests.factories.cards import CardFactory, CardSeriesFactory, card_number
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


def _change(client, customer, *, add=None, remove=None):
    body = {k: v for k, v in (("add", add), ("remove", remove)) if v is not None}
    return client.post(f"/v2/customers/{customer.pk}/changeIdentifier?source=INSTORE", body, format="json")


def _card_ident(number, **extra):
    return {"type": "cardnumber", "value": number, **extra}


def test_link_through_change_identifier_activates_the_card(api_client, card, customer, till):
    # when: the documented link request
    response = _change(api_client, customer, add=[_card_ident(card.number, seriesCode="GOLD", statusLabel="ACTIVE")])
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"createdId": customer.pk, "warnings": []}
    card.refresh_from_db()
    assert (card.status, card.customer_id) == (CardStatus.ACTIVE, customer.pk)
    row = CardStatusLog.objects.filter(card=card).latest("id")
    assert (row.previous_status, row.status, row.till_id, row.customer_id) == ("NOT_ISSUED", "ACTIVE", till.pk,
                                                                                 customer.pk)
    # the card number now names the customer
    lookup = api_client.get("/v2/customers/lookup/customerDetails",
                            {"source": "INSTORE", "identifierName": "cardnumber", "identifierValue": card.number})
    assert lookup.status_code == 200 and lookup.json()["id"] == customer.pk


def test_delink_through_change_identifier_returns_card_to_the_pool(api_client, card, customer):
    assert _change(api_client, customer, add=[_card_ident(card.number)]).status_code == 200
    # when: the documented delink request
    response = _change(api_client, customer,
                       remove=[_card_ident(card.number, seriesCode="GOLD", statusLabel="NOT_ISSUED")])
    # then
    assert response.status_code == 200, response.content
    card.refresh_from_db()
    assert (card.status, card.customer_id) == (CardStatus.NOT_ISSUED, None)
    assert not CustomerIdentifier.objects.filter(type="cardnumber", value=card.number).exists()
    # and it can go to someone else
    other = CustomerFactory(org=customer.org)
    assert _change(api_client, other, add=[_card_ident(card.number)]).status_code == 200
    card.refresh_from_db()
    assert card.customer_id == other.pk


def test_delink_as_lost(api_client, card, customer):
    _change(api_client, customer, add=[_card_ident(card.number)])
    response = _change(api_client, customer, remove=[_card_ident(card.number, statusLabel="LOST")])
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.status == CardStatus.LOST


def test_swap_cards_in_one_call_stays_within_a_limit_of_one(api_client, series, customer, set_config):
    set_config("CONF_MAX_CARDS_PER_ORG", "1")
    old, new = CardFactory(series=series), CardFactory(series=series)
    assert _change(api_client, customer, add=[_card_ident(old.number)]).status_code == 200
    # when: removals run first, so the replacement fits the limit
    response = _change(api_client, customer, add=[_card_ident(new.number)],
                       remove=[_card_ident(old.number, statusLabel="REPLACED")])
    # then
    assert response.status_code == 200, response.content
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.customer_id, new.status, new.customer_id) == ("REPLACED", None, "ACTIVE", customer.pk)


def test_org_limit_refuses_one_card_too_many_and_writes_nothing(api_client, series, customer,
                                                                django_capture_on_commit_callbacks):
    # given: the limit is set through the documented API (its cache is cleared once the write commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/v2/organization/configs",
                                   {"keyName": "CONF_MAX_CARDS_PER_ORG", "value": "2", "scope": "ORG"}, format="json")
    assert response.status_code == 200 and response.json()["value"] == "2"
    cards = [CardFactory(series=series) for _ in range(3)]
    for card in cards[:2]:
        assert _change(api_client, customer, add=[_card_ident(card.number)]).status_code == 200
    before = db_snapshot()
    # when
    response = _change(api_client, customer, add=[_card_ident(cards[2].number)])
    # then
    assert response.status_code == 422 and v2_error_codes(response) == [3039]
    assert_nothing_written(before)
    assert Card.objects.get(pk=cards[2].pk).status == CardStatus.NOT_ISSUED


def test_org_limit_counts_active_cards_only(api_client, series, customer, set_config):
    set_config("CONF_MAX_CARDS_PER_ORG", "1")
    first, second = CardFactory(series=series), CardFactory(series=series)
    _change(api_client, customer, add=[_card_ident(first.number)])
    assert api_client.put("/v2/card", {"cardNumber": first.number, "statusLabel": "SUSPENDED"},
                          format="json").status_code == 200
    assert _change(api_client, customer, add=[_card_ident(second.number)]).status_code == 200
    # reactivating the suspended one would make two active cards
    response = api_client.put("/v2/card", {"cardNumber": first.number, "statusLabel": "ACTIVE"}, format="json")
    assert response.status_code == 422 and v2_error_codes(response) == [3039]


def test_series_limit(api_client, series, customer, set_config):
    set_config("CONF_MAX_CARDS_PER_ORG", "0")
    series.max_active_cards_per_customer = 1
    series.save()
    first, second = CardFactory(series=series), CardFactory(series=series)
    other_series = CardSeriesFactory(org=series.org, code="SILVER", prefix="SV")
    third = CardFactory(series=other_series)
    assert _change(api_client, customer, add=[_card_ident(first.number)]).status_code == 200
    response = _change(api_client, customer, add=[_card_ident(second.number)])
    assert response.status_code == 422 and v2_error_codes(response) == [3036]
    assert _change(api_client, customer, add=[_card_ident(third.number)]).status_code == 200


def test_negative_limit_is_3034(api_client):
    response = api_client.post("/v2/organization/configs", {"keyName": "CONF_MAX_CARDS_PER_ORG", "value": "-1"},
                               format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [3034]


def test_unknown_number_refused_when_org_has_series(api_client, series, customer):
    before = db_snapshot()
    response = _change(api_client, customer, add=[_card_ident("GD0000000000")])
    assert response.status_code == 404 and v2_error_codes(response) == [3010]
    assert_nothing_written(before)


def test_unknown_number_created_in_default_series_when_org_allows(api_client, series, customer, set_config):
    set_config("CONF_CARDS_ISSUE_UNKNOWN", "1")
    number = card_number(series, 42)
    response = _change(api_client, customer, add=[_card_ident(number)])
    assert response.status_code == 200, response.content
    card = Card.objects.get(org=customer.org, number=number)
    assert (card.series_id, card.status, card.customer_id) == (series.pk, "ACTIVE", customer.pk)


def test_unknown_number_must_fit_the_series_format(api_client, series, customer, set_config):
    set_config("CONF_CARDS_ISSUE_UNKNOWN", "1")
    good = card_number(series, 42)
    bad_check_digit = good[:-1] + str((int(good[-1]) + 1) % 10)
    before = db_snapshot()
    response = _change(api_client, customer, add=[_card_ident(bad_check_digit)])
    assert response.status_code == 400 and v2_error_codes(response) == [3005]
    assert "check digit" in response.json()["errors"][0]["message"]
    assert_nothing_written(before)


def test_external_card_issued_with_series_code(api_client, org, customer):
    external = CardSeriesFactory(org=org, code="EXT", prefix="", length=0, generation_enabled=False)
    response = _change(api_client, customer, add=[_card_ident("EXTERNALCARD9875692", seriesCode="EXT")])
    assert response.status_code == 200, response.content
    card = Card.objects.get(org=org, number="EXTERNALCARD9875692")
    assert (card.series_id, card.status) == (external.pk, "ACTIVE")


def test_unknown_series_code_is_3004(api_client, series, customer):
    response = _change(api_client, customer, add=[_card_ident("X12345", seriesCode="NOPE")])
    assert response.status_code == 404 and v2_error_codes(response) == [3004]


def test_card_of_another_series_is_3000(api_client, series, card, customer):
    CardSeriesFactory(org=series.org, code="SILVER", prefix="SV")
    response = _change(api_client, customer, add=[_card_ident(card.number, seriesCode="SILVER")])
    assert response.status_code in (400, 404) and v2_error_codes(response) == [3000]


def test_suspended_card_is_not_linkable(api_client, series, customer):
    card = CardFactory(series=series, status=CardStatus.SUSPENDED)
    before = db_snapshot()
    response = _change(api_client, customer, add=[_card_ident(card.number)])
    assert response.status_code == 422 and v2_error_codes(response) == [3027]
    assert_nothing_written(before)


def test_org_without_series_keeps_card_numbers_as_plain_identifiers(api_client, customer):
    response = _change(api_client, customer, add=[_card_ident("ANYCARD123")])
    assert response.status_code == 200
    assert CustomerIdentifier.objects.filter(customer=customer, type="cardnumber", value="ANYCARD123").exists()
    assert not Card.objects.exists()


def test_v2_registration_with_a_card_links_it(api_client, card):
    body = {"profiles": [{"firstName": "Tom", "source": "INSTORE",
                          "identifiers": [{"type": "mobile", "value": "919988221100"},
                                          _card_ident(card.number, seriesCode="GOLD", statusLabel="ACTIVE")]}]}
    response = api_client.post("/v2/customers", body, format="json")
    assert response.status_code == 200, response.content
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE
    assert card.customer_id == response.json()["createdId"]


def test_v2_registration_with_an_unknown_card_writes_nothing(api_client, series):
    body = {"profiles": [{"firstName": "Tom", "source": "INSTORE",
                          "identifiers": [{"type": "mobile", "value": "919988221100"},
                                          _card_ident("GD9999999999")]}]}
    before = db_snapshot()
    response = api_client.post("/v2/customers", body, format="json")
    assert response.status_code == 404 and v2_error_codes(response) == [3010]
    assert_nothing_written(before)
    assert not Customer.objects.exists()


def test_v11_registration_with_card_number_links_it(api_client, card):
    body = {"root": {"customer": [{"mobile": "919845012345", "firstname": "Tom",
                                   "card_details": {"card_number": card.number, "series_code": "GOLD"}}]}}
    response = api_client.generic("POST", "/v1.1/customer/add?format=json", data=json.dumps(body),
                                  content_type="application/json")
    assert response.status_code == 200, response.content
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE
    assert card.customer.identifiers.filter(type="mobile", value="919845012345").exists()


def test_v11_registration_with_a_held_card_fails_that_item(api_client, series, customer):
    card = CardFactory(series=series, status=CardStatus.LOST)
    body = {"root": {"customer": [{"mobile": "919845012345", "card_number": card.number}]}}
    response = api_client.generic("POST", "/v1.1/customer/add?format=json", data=json.dumps(body),
                                  content_type="application/json")
    item = response.json()["response"]["customers"]["customer"]
    item = item[0] if isinstance(item, list) else item
    assert str(item["item_status"]["code"]) == "3027", item
    assert not CustomerIdentifier.objects.filter(value="919845012345").exists()


def test_deleted_customer_cannot_get_a_card(series, card, customer):
    from apps.cards import errors, services

    customer.status = "DELETED"
    customer.save()
    with pytest.raises(errors.CustomerDeleted) as caught:
        services.card_link(org=customer.org, customer=customer, number=card.number)
    assert caught.value.code == 3042


def test_linking_the_same_card_twice_changes_nothing(api_client, card, customer):
    assert _change(api_client, customer, add=[_card_ident(card.number)]).status_code == 200
    logs = CardStatusLog.objects.filter(card=card).count()
    response = _change(api_client, customer, add=[_card_ident(card.number)])
    assert response.status_code == 200 and response.json()["warnings"]
    assert CardStatusLog.objects.filter(card=card).count() == logs


def test_get_card_query_count(api_client, card, customer, django_assert_max_num_queries):
    _change(api_client, customer, add=[_card_ident(card.number)])
    with django_assert_max_num_queries(10):
        assert api_client.get("/v2/card", {"number": card.number}).status_code == 200
