"""v1.1 referrals: POST /v1.1/customer/referrals (refer) and GET (referral statistics); /v1 serves the same."""
from datetime import datetime, timedelta, timezone

import pytest

from apps.referrals import errors
from apps.referrals.models import Referral
from tests.factories.customers import CustomerFactory
from tests.factories.referrals import RefereeFactory, ReferralFactory
from tests.factories.organizations import StoreFactory, TillFactory
from tests.helpers.api import v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

IST = timezone(timedelta(hours=5, minutes=30))


@pytest.fixture
def referrer(org):
    return CustomerFactory(org=org, mobile="917999836466", first_name="Shikhar", last_name="")


def _refer(mobile, *referrals, token="J0H7Q", kind="MOBILE"):
    return {"root": {"customer": [{"mobile": mobile, "referrals": {
        "campaign_token": token, "referral_type": {"type": kind, "referral": list(referrals)}}}]}}


def test_refer_customer(api_client, org, referrer):
    # when
    response = api_client.post("/v1.1/customer/referrals?format=json", _refer(
        "917999836466",
        {"id": "", "invited_on": "20240910T16:35:52.pV7BF", "name": "Shikhar", "identifier": "7999836416"},
        {"id": "2", "invited_on": "2016-09-12 T15:19:21+05:30", "name": "Bad", "identifier": "79998364"}),
        format="json")
    # then
    assert response.status_code == 200, response.content
    body = response.json()["response"]
    assert body["status"] == {"success": "true", "code": 200, "message": "SUCCESS"}
    customer = body["customers"]["customer"][0]
    assert {k: customer[k] for k in ("mobile", "email", "external_id", "id", "firstname")} == {
        "mobile": "917999836466", "email": None, "external_id": None, "id": str(referrer.pk), "firstname": "Shikhar"}
    assert customer["item_status"] == {"success": "true", "code": 1000,
                                       "message": "Referrals are invited successfully"}
    good, bad = customer["referrals"]["referral_type"][0]["referral"]
    assert good == {"id": "", "name": "Shikhar", "identifier": "917999836416", "invited_on": "2024-09-10 16:35:52",
                    "status": {"success": "true", "code": 1000, "message": "Refer was successful"}}
    assert bad["status"] == {"success": "false", "code": errors.InviteeIdentifierInvalid.code,
                             "message": "Invalid Identifier for the type"}
    row = Referral.objects.get(referrer=referrer)
    assert (row.identifier, row.campaign_token, row.invited_on) == (
        "917999836416", "J0H7Q", datetime(2024, 9, 10, 16, 35, 52, tzinfo=IST))


def test_refer_through_v1_and_sms_type(api_client, referrer):
    # when
    response = api_client.post("/v1/customer/referrals.json", _refer("917999836466", {"identifier": "9845000002"},
                                                                      kind="SMS"), format="json")
    # then
    assert response.status_code == 200
    assert Referral.objects.get(referrer=referrer).channel == "MOBILE"


def test_unknown_referrer_is_1012_and_nothing_written(api_client, referrer):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v1.1/customer/referrals?format=json",
                               _refer("919000000009", {"identifier": "9845000002"}), format="json")
    # then
    assert response.status_code == 404
    status = v11_status(response)
    assert (status["success"], status["code"]) == ("false", 500)
    item = response.json()["response"]["customers"]["customer"][0]
    assert item["item_status"] == {"success": "false", "code": errors.ReferrerNotFound.code,
                                   "message": "Cannot find a customer for provided identifier"}
    assert_nothing_written(before)


def test_partial_batch_is_201(api_client, referrer):
    # given
    body = _refer("917999836466", {"identifier": "9845000002"})
    body["root"]["customer"].append({"mobile": "919000000009", "referrals": body["root"]["customer"][0]["referrals"]})
    # when
    response = api_client.post("/v1.1/customer/referrals?format=json", body, format="json")
    # then
    assert response.status_code == 200
    assert v11_status(response) == {"success": "true", "code": 201,
                                    "message": "Some requests have failed due to errors"}
    assert Referral.objects.filter(referrer=referrer).count() == 1


@pytest.mark.parametrize("body", [{}, {"root": {"customer": []}}, _refer("917999836466")])
def test_bad_refer_body(api_client, referrer, body):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v1.1/customer/referrals?format=json", body, format="json")
    # then
    assert response.status_code == 400 and v11_status(response)["success"] == "false"
    assert_nothing_written(before)


def test_referral_details(api_client, org, till, referrer):
    # given
    ReferralFactory(org=org, referrer=referrer, identifier="971564265901", name="Siddhant", till=till,
                    invited_on=datetime(2020, 1, 29, 12, 25, 46, tzinfo=IST))
    ReferralFactory(org=org, referrer=referrer, channel="EMAIL", identifier="jim@example.com", name="Jim", till=till,
                    invited_on=datetime(2020, 1, 30, 14, 56, 12, tzinfo=IST))
    referee = RefereeFactory(org=org, referrer=referrer, added_on=datetime(2020, 1, 29, 13, 24, 15, tzinfo=IST))
    # when
    response = api_client.get("/v1.1/customer/referrals?format=json&mobile=917999836466")
    # then
    assert response.status_code == 200
    body = response.json()["response"]
    assert body["status"] == {"success": "true", "code": 200, "message": "SUCCESS"}
    customer = body["customer"]
    referrer.refresh_from_db()
    assert customer["referral_code"] == referrer.referral_code != ""
    assert customer["invitees"] == {"referral_type": [
        {"type": "EMAIL", "invitee": [{"identifier": "jim@example.com", "name": "Jim",
                                       "invited_on": "2020-01-30 14:56:12", "till": {"code": till.code,
                                                                                     "name": till.name},
                                       "status": "INVITED", "campaign_token": ""}]},
        {"type": "MOBILE", "invitee": [{"identifier": "971564265901", "name": "Siddhant",
                                        "invited_on": "2020-01-29 12:25:46", "till": {"code": till.code,
                                                                                      "name": till.name},
                                        "status": "INVITED", "campaign_token": ""}]}]}
    assert customer["referees"] == {"referee": [{
        "event_type": "REGISTRATION", "user_id": referee.referee_id, "firstname": referee.referee.first_name,
        "lastname": referee.referee.last_name, "mobile": referee.referee.identifiers.get().value, "email": None,
        "external_id": None, "added_on": "2020-01-29 13:24:15"}]}
    assert customer["stats"] == {"invited": 2, "registered": 0, "referees": 1}
    assert customer["item_status"] == {"success": "true", "code": 1000,
                                       "message": "Referral statistics retrieved successfully"}


def test_referral_details_filters(api_client, org, referrer):
    # given
    other_store_till = TillFactory(org=org, store=StoreFactory(org=org, code="mall"))
    ReferralFactory(org=org, referrer=referrer, till=other_store_till,
                    invited_on=datetime(2024, 3, 1, 10, 0, tzinfo=IST))
    ReferralFactory(org=org, referrer=referrer, invited_on=datetime(2024, 3, 5, 10, 0, tzinfo=IST))
    # when
    only_code = api_client.get("/v1.1/customer/referrals?format=json&mobile=917999836466&only_referral_code=true")
    in_store = api_client.get("/v1.1/customer/referrals?format=json&mobile=917999836466&store_code=mall")
    by_date = api_client.get("/v1.1/customer/referrals?format=json&mobile=917999836466"
                             "&start_date=2024-03-02&end_date=2024-03-05")
    # then
    assert "invitees" not in only_code.json()["response"]["customer"]
    assert only_code.json()["response"]["customer"]["referral_code"]

    def count(response):
        return sum(len(group["invitee"]) for group in response.json()["response"]["customer"]["invitees"]
                   ["referral_type"])

    assert (count(in_store), count(by_date)) == (1, 1)


@pytest.mark.parametrize("query, status, code", [
    ("mobile=919000000009", 404, 816),
    ("", 400, 1015),
    ("mobile=917999836466&start_date=03/05/2024", 400, 400),
    ("mobile=917999836466&start_date=2024-03-05&end_date=2024-03-01", 400, 400),
])
def test_referral_details_bad_input(api_client, referrer, query, status, code):
    # given
    before = db_snapshot()
    # when
    response = api_client.get(f"/v1.1/customer/referrals?format=json&{query}")
    # then
    assert response.status_code == status
    assert (v11_status(response)["success"], v11_status(response)["code"]) == ("false", code)
    assert_nothing_written(before)


def test_referral_details_queries_do_not_grow(api_client, org, referrer, queries_for):
    # given
    def call():
        assert api_client.get("/v1.1/customer/referrals?format=json&mobile=917999836466&limit=100").status_code == 200

    def rows(n):
        for _ in range(n):
            ReferralFactory(org=org, referrer=referrer)
            RefereeFactory(org=org, referrer=referrer)

    rows(3)
    few = queries_for(call)
    # when
    rows(27)
    # then
    assert queries_for(call) == few
