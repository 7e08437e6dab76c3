"""v2 referrals: POST/GET /v2/customers/{id}/referrals, GET /v2/customers/lookup/referrals, GET /v2/validate."""
from datetime import datetime, timedelta, timezone

import pytest

from apps.customers.errors import CustomerNotFound
from apps.customers.services import customer_status_change
from apps.organizations.services import org_config_set
from apps.referrals import errors
from apps.referrals.choices import ReferralStatus
from apps.referrals.models import Referral
from apps.referrals.services import referral_registration_record
from tests.factories.customers import CustomerFactory
from tests.factories.referrals import RefereeFactory, ReferralFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

IST = timezone(timedelta(hours=5, minutes=30))


@pytest.fixture
def referrer(org):
    return CustomerFactory(org=org, mobile="918867710031", email="sample.email10031@example.com")


def _body(*referrals, token="CWRME"):
    return {"customerReferrals": [{"customer": {"id": 1}, "campaignToken": token, "referrals": list(referrals)}]}


def _mobile(*identifiers, **extra):
    return {"type": "MOBILE", "referral": [{"name": f"Friend {i}", "identifier": ident, **extra}
                                           for i, ident in enumerate(identifiers)]}


def test_refer_records_invitations_and_issues_a_code(api_client, org, till, referrer):
    # when
    response = api_client.post(f"/v2/customers/{referrer.pk}/referrals", _body(
        {"type": "MOBILE", "referral": [{"name": "some random name", "identifier": "+91 88677 10032",
                                         "invitedOn": "2021-12-16 13:15:45"}]},
        {"type": "EMAIL", "referral": [{"name": "Dexter", "identifier": "Dexter.Morgan@MPD.com",
                                        "invitedOn": "2016-09-12T15:19:21+05:30"}]}), format="json")
    # then
    assert response.status_code == 200, response.content
    rows = {r.channel: r for r in Referral.objects.filter(referrer=referrer)}
    assert response.json() == {"customerReferrals": [{
        "customer": {"id": referrer.pk, "mobile": "918867710031", "email": "sample.email10031@example.com",
                     "externalId": ""},
        "campaignToken": "CWRME",
        "referrals": [
            {"type": "MOBILE", "referral": [{"id": rows["MOBILE"].pk, "name": "some random name",
                                             "identifier": "918867710032", "invitedOn": "2021-12-16 13:15:45",
                                             "status": "INVITED", "errors": []}]},
            {"type": "EMAIL", "referral": [{"id": rows["EMAIL"].pk, "name": "Dexter",
                                            "identifier": "dexter.morgan@mpd.com", "invitedOn": "2016-09-12 15:19:21",
                                            "status": "INVITED", "errors": []}]},
        ]}], "warnings": []}
    mobile = rows["MOBILE"]
    assert (mobile.org, mobile.till, mobile.campaign_token, mobile.status) == (org, till, "CWRME", "INVITED")
    assert mobile.invited_on == datetime(2021, 12, 16, 13, 15, 45, tzinfo=IST)  # naive: the org's timezone
    referrer.refresh_from_db()
    assert len(referrer.referral_code) == 9


def test_each_invitee_succeeds_or_fails_on_its_own(api_client, org, referrer):
    # given
    member = CustomerFactory(org=org, mobile="919845012345")
    ReferralFactory(org=org, referrer=referrer, identifier="919845000001")
    # when
    response = api_client.post(f"/v2/customers/{referrer.pk}/referrals", _body(
        _mobile("9845000002", "79998364", "918867710031", "919845012345", "919845000001"),
        {"type": "FAX", "referral": [{"identifier": "12345"}]},
        {"type": "EMAIL", "referral": [{"identifier": "friend@example.com", "invitedOn": "yesterday"}]}),
        format="json")
    # then
    assert response.status_code == 200
    blocks = response.json()["customerReferrals"][0]["referrals"]
    codes = [[item["errors"][0]["code"] if item["errors"] else None for item in b["referral"]] for b in blocks]
    assert codes == [[None, errors.InviteeIdentifierInvalid.code, errors.SelfReferral.code,
                      errors.InviteeAlreadyCustomer.code, errors.InviteeAlreadyInvited.code],
                     [errors.ReferralTypeUnsupported.code], [errors.InvitedOnInvalid.code]]
    assert sorted(Referral.objects.filter(referrer=referrer).values_list("identifier", flat=True)) == \
        ["919845000001", "919845000002"]
    assert not Referral.objects.filter(referrer=member).exists()


def test_existing_customers_may_be_invited_when_the_org_allows(api_client, org, referrer):
    # given
    org_config_set(org=org, key="REFERRAL_ALLOW_EXISTING_CUSTOMERS", value="1")
    CustomerFactory(org=org, mobile="919845012345")
    # when
    response = api_client.post(f"/v2/customers/{referrer.pk}/referrals", _body(_mobile("919845012345")),
                               format="json")
    # then
    assert response.json()["customerReferrals"][0]["referrals"][0]["referral"][0]["errors"] == []


def test_daily_invitation_limit(api_client, org, referrer):
    # given
    org_config_set(org=org, key="REFERRAL_MAX_INVITES_PER_DAY", value="3")
    ReferralFactory(org=org, referrer=referrer)
    old = ReferralFactory(org=org, referrer=referrer)
    Referral.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(hours=25))
    # when
    response = api_client.post(f"/v2/customers/{referrer.pk}/referrals",
                               _body(_mobile("9845000011", "9845000012", "9845000013")), format="json")
    # then
    items = response.json()["customerReferrals"][0]["referrals"][0]["referral"]
    assert [item["errors"][0]["code"] if item["errors"] else None for item in items] == \
        [None, None, errors.InviteLimitReached.code]
    assert items[2]["errors"][0]["message"] == "Invitation limit of 3 a day reached for this customer"
    assert Referral.objects.filter(referrer=referrer).count() == 4


@pytest.mark.parametrize("body", [{}, {"customerReferrals": []}, _body(_mobile()),
                                  {"customerReferrals": [{"referrals": "nope"}]}])
def test_bad_body_is_400_and_writes_nothing(api_client, referrer, body):
    # given
    before = db_snapshot()
    # when
    response = api_client.post(f"/v2/customers/{referrer.pk}/referrals", body, format="json")
    # then
    assert response.status_code == 400 and v2_error_codes(response) == [400]
    assert_nothing_written(before)


def test_unknown_referrer_is_8015(api_client):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/customers/987654/referrals", _body(_mobile("9845000002")), format="json")
    # then
    assert response.status_code == 404 and v2_error_codes(response) == [CustomerNotFound.code]
    assert_nothing_written(before)


def test_suspended_referrer_is_not_eligible(api_client, org, referrer):
    # given
    customer_status_change(org=org, customer=referrer, label="SUSPENDED")
    before = db_snapshot()
    # when
    response = api_client.post(f"/v2/customers/{referrer.pk}/referrals", _body(_mobile("9845000002")),
                               format="json")
    # then
    assert response.status_code == 422 and v2_error_codes(response) == [errors.ReferrerNotEligible.code]
    assert_nothing_written(before)


# -- GET ----------------------------------------------------------------------------------------------------------
def test_get_referrals_with_invitees_referees_and_stats(api_client, org, till, referrer):
    # given
    invite = ReferralFactory(org=org, referrer=referrer, identifier="919845000001", name="Siddhant", till=till,
                             campaign_token="CWRME", invited_on=datetime(2020, 1, 29, 12, 25, 46, tzinfo=IST))
    newcomer = CustomerFactory(org=org, mobile="919845000001", email="sid@example.com")
    api_client.get(f"/v2/customers/{referrer.pk}/referrals")  # issues the code
    referrer.refresh_from_db()
    referee = referral_registration_record(org=org, referee=newcomer, code=referrer.referral_code)
    # when
    response = api_client.get(f"/v2/customers/{referrer.pk}/referrals")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"limit": 10, "offset": 0, "total": 1}
    assert body["warnings"] == [] and body["errors"] == []
    block = body["data"][0]
    assert block["customer"]["id"] == referrer.pk and block["customer"]["profiles"][0]["userId"] == referrer.pk
    assert block["referralCode"] == referrer.referral_code
    assert block["invitees"] == [{"type": "MOBILE", "identifier": "919845000001", "name": "Siddhant",
                                  "invitedOn": "2020-01-29 12:25:46", "till": {"code": till.code, "name": till.name},
                                  "status": "REGISTERED", "campaignToken": "CWRME"}]
    added_on = referee.added_on.astimezone(IST).strftime("%Y-%m-%d %H:%M:%S")
    assert block["referee"] == [{"eventType": "REGISTRATION", "userId": newcomer.pk,
                                 "firstName": newcomer.first_name, "lastName": newcomer.last_name,
                                 "email": "sid@example.com", "mobile": "919845000001", "addedOn": added_on}]
    assert block["incentives"] == [] and block["stats"] == {"invited": 1, "registered": 1, "referees": 1}
    invite.refresh_from_db()
    assert invite.status == ReferralStatus.REGISTERED


def test_get_referrals_filters_by_campaign_and_pages(api_client, org, referrer):
    # given
    for _ in range(3):
        ReferralFactory(org=org, referrer=referrer, campaign_token="A")
    ReferralFactory(org=org, referrer=referrer, campaign_token="B")
    # when
    body = api_client.get(f"/v2/customers/{referrer.pk}/referrals?campaignToken=A&limit=2&offset=2").json()
    # then
    assert body["pagination"] == {"limit": 2, "offset": 2, "total": 3}
    assert [i["campaignToken"] for i in body["data"][0]["invitees"]] == ["A"]


def test_lookup_referrals(api_client, org, referrer):
    # given
    ReferralFactory(org=org, referrer=referrer)
    # when
    response = api_client.get("/v2/customers/lookup/referrals?source=INSTORE&identifierName=mobile"
                              "&identifierValue=918867710031")
    missing = api_client.get("/v2/customers/lookup/referrals?source=INSTORE&identifierName=mobile"
                             "&identifierValue=919000000009")
    # then
    assert response.status_code == 200 and response.json()["data"][0]["customer"]["id"] == referrer.pk
    assert missing.status_code == 404 and v2_error_codes(missing) == [CustomerNotFound.code]
    assert api_client.get("/v2/customers/lookup/referrals").status_code == 400


def test_get_referrals_queries_do_not_grow(api_client, org, referrer, queries_for):
    # given
    def call():
        assert api_client.get(f"/v2/customers/{referrer.pk}/referrals?limit=100").status_code == 200

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


# -- validate --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/v2/validate", "/v2/referral/validate"])
def test_validate_referral_code(api_client, org, referrer, path):
    # given
    api_client.get(f"/v2/customers/{referrer.pk}/referrals")
    referrer.refresh_from_db()
    # when
    valid = api_client.get(f"{path}?code={referrer.referral_code}")
    invalid = api_client.get(f"{path}?code=nosuchcode")
    missing = api_client.get(path)
    # then
    assert valid.json() == {"valid": True, "referrer": referrer.pk, "warnings": []}
    assert invalid.status_code == 200 and invalid.json() == {"valid": False, "referrer": None, "warnings": []}
    assert missing.status_code == 400 and v2_error_codes(missing) == [400]
