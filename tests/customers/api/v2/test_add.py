"""POST /v2/customers: documented bodies replayed verbatim, cross-source registration, refusals."""
import pytest

from apps.customers import errors
from apps.customers.models import Customer, CustomerIdentifier, CustomerProfile
from apps.fields.errors import ExtendedFieldTypeMismatch, ExtendedFieldUnknown
from apps.fields.services import extended_field_create
from apps.organizations.services import org_config_set
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

# Request bodies as the reference prints them (docs.capillarytech.com "Add Customer").
INSTORE_SAMPLE = {
    "profiles": [{
        "firstName": "Customer_add_1", "lastName": "Test123",
        "identifiers": [{"type": "mobile", "value": "919988221100"},
                        {"type": "email", "value": "tom.sawyer@capillarytech.com"}],
        "commChannels": [
            {"type": "mobile", "value": "919988221100", "primary": "true", "verified": "true",
             "meta": {"residence": "true"}},
            {"type": "email", "value": "tom.sawyer@capillarytech.com", "primary": "true", "verified": "true",
             "meta": {"residence": "true"}}],
        "fields": {}, "source": "INSTORE"}],
    "extendedFields": {},
    "loyaltyProgramEnrollments": [{"programId": 469, "tierNumber": 1, "loyaltyPoints": 0,
                                   "tierExpiryDate": "2024-05-11T16:36:17+05:30",
                                   "pointsExpiryDate": "2024-05-11T16:36:17+05:30"}],
    "referralCode": "",
}
MOBILE_APP_SAMPLE = {
    "loyaltyInfo": {"loyaltyType": "loyalty"},
    "associatedWith": "bukl.till",
    "profiles": [{
        "firstName": "Mark12", "lastName": "Twain",
        "identifiers": [{"type": "mobile", "value": "919988221100"}, {"type": "cuid", "value": "cuid_919804542631"},
                        {"type": "unionId", "value": "unionId_919804542631"}],
        "commChannels": [
            {"type": "mobilePush", "meta": {"lastViewedDate": "2019-10-10T22:04:38+05:30", "residence": False,
                                            "office": False}, "verified": "true", "primary": "true", "value": "abc123456"},
            {"type": "mobile", "value": "919988221100", "primary": True, "verified": True,
             "meta": {"lastViewedDate": "", "residence": True, "office": False}}],
        "source": "MOBILE_APP", "accountId": "testmobilepush1",
        "fields": {"employee": "true", "dateofbirth": "22-10-2000"}}],
    "extendedFields": {"gender": "Male", "city": "Bangalore"},
    "loyaltyProgramEnrollments": [{"programId": 469, "tierNumber": 1, "loyaltyPoints": 75,
                                   "tierExpiryDate": "2025-02-11T16:36:17+05:30",
                                   "pointsExpiryDate": "2025-02-11T16:36:17+05:30"}],
}
LINE_SAMPLE = {
    "profiles": [{
        "firstName": "Mark", "lastName": "Twain",
        "identifiers": [{"type": "email", "value": "tom.sawyer@capillarytech.com"},
                        {"type": "line", "value": "Ud7b7ec422d4914011f9c14b51ff48519"}],
        "commChannels": [{"type": "line", "value": "Ud7b7ec422dd34914011f9c14b51ff48519", "primary": "true",
                          "verified": "true", "meta": {"residence": "true"}}],
        "fields": {"gender": "", "city": ""}, "source": "LINE", "accountId": "2001914141242"}],
    "extendedFields": {}, "referralCode": "",
}
EXTERNAL_ID_SAMPLE = {"profiles": [{"identifiers": [{"type": "externalId", "value": "879577211225"}],
                                    "source": "INSTORE"}]}


def test_instore_sample_registers_and_reads_back_with_documented_names(api_client, org, till):
    # when
    response = api_client.post("/v2/customers", INSTORE_SAMPLE, format="json")
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"createdId", "warnings", "sideEffects"} and body["warnings"] == []
    customer = Customer.objects.get(pk=body["createdId"])
    assert (customer.org, customer.first_name, customer.registered_till) == (org, "Customer_add_1", till)
    assert sorted(customer.identifiers.values_list("type", "value")) == [
        ("email", "tom.sawyer@capillarytech.com"), ("mobile", "919988221100")]
    detail = api_client.get(f"/v2/customers/{customer.pk}?source=INSTORE").json()
    assert set(detail) >= {"id", "profiles", "loyaltyInfo", "segments", "extendedFields", "cardDetails", "warnings"}
    profile = detail["profiles"][0]
    assert set(profile) >= {"firstName", "lastName", "attribution", "fields", "identifiers", "commChannels", "source",
                            "userId", "accountId", "conflictingProfileList", "autoUpdateTime", "identifiersAll"}
    assert profile["attribution"]["createdBy"] == {"id": till.pk, "code": till.code, "description": "",
                                                   "name": till.name, "type": "TILL"}
    assert profile["commChannels"][0] == {"type": "mobile", "value": "919988221100", "primary": True,
                                          "verified": True, "meta": {"residence": "true"}, "attributes": {}}
    assert detail["loyaltyInfo"]["loyaltyType"] == "loyalty"


def test_mobile_app_sample_with_account_extended_fields_and_unknown_custom_fields(api_client, customer_fields):
    # when
    response = api_client.post("/v2/customers", MOBILE_APP_SAMPLE, format="json")
    # then: unknown custom fields are dropped with warning 1017, the associatedWith till does not exist (8077)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert sorted(w["code"] for w in body["warnings"]) == [1017, 1017, 8077]
    customer = Customer.objects.get(pk=body["createdId"])
    assert customer.extended_fields == {"gender": "Male", "city": "Bangalore"} and customer.gender == "Male"
    assert list(customer.profiles.values_list("source", "account_id")) == [("MOBILE_APP", "testmobilepush1")]
    assert sorted(customer.identifiers.values_list("type", flat=True)) == ["cuid", "mobile", "unionId"]
    assert sorted(customer.comm_channels.values_list("type", flat=True)) == ["mobile", "mobilePush"]


def test_line_sample_without_mobile_when_mobile_is_optional(api_client, mobile_optional):
    response = api_client.post("/v2/customers", LINE_SAMPLE, format="json")
    assert response.status_code == 200, response.json()
    customer = Customer.objects.get(pk=response.json()["createdId"])
    assert customer.registered_source == "LINE"
    assert sorted(customer.subscriptions.values_list("channel", "priority")) == [
        ("EMAIL", "BULK"), ("EMAIL", "TRANS"), ("LINE", "BULK"), ("LINE", "TRANS")]


def test_external_id_only_sample(api_client, mobile_optional):
    response = api_client.post("/v2/customers", EXTERNAL_ID_SAMPLE, format="json")
    assert response.status_code == 200
    assert CustomerIdentifier.objects.get(value="879577211225").type == "externalId"


def test_same_identifier_from_another_source_adds_a_profile_to_the_same_customer(api_client, org):
    # given
    existing = CustomerFactory(org=org, mobile="919988221100")
    body = {"profiles": [{"identifiers": [{"type": "mobile", "value": "919988221100"},
                                          {"type": "wechat", "value": "wc_2"}],
                          "source": "WECHAT", "accountId": "wechat-1"}]}
    # when
    response = api_client.post("/v2/customers", body, format="json")
    # then
    assert response.status_code == 200
    assert response.json()["createdId"] == existing.pk
    assert [w["code"] for w in response.json()["warnings"]] == [8050]
    assert sorted(existing.profiles.values_list("source", "account_id")) == [("INSTORE", ""), ("WECHAT", "wechat-1")]
    assert existing.identifiers.get(type="wechat").source == "WECHAT"
    assert Customer.objects.filter(org=org).count() == 1


def test_same_identifier_in_same_source_is_refused_with_8006(api_client, org):
    existing = CustomerFactory(org=org, mobile="919988221100")
    before = db_snapshot()
    response = api_client.post("/v2/customers", INSTORE_SAMPLE, format="json")
    assert response.status_code == 400
    assert v2_error_codes(response) == [errors.CustomerExistsSameSource.code]
    assert str(existing.pk) in response.json()["errors"][0]["message"]
    assert_nothing_written(before)


def test_identifiers_of_two_customers_conflict(api_client, org):
    CustomerFactory(org=org, mobile="919988221100")
    CustomerFactory(org=org, email="tom.sawyer@capillarytech.com")
    before = db_snapshot()
    response = api_client.post("/v2/customers", INSTORE_SAMPLE, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [errors.ConflictingCustomers.code]
    assert_nothing_written(before)


def _profile(**overrides):
    profile = {"firstName": "Asha", "identifiers": [{"type": "mobile", "value": "919845012345"}], "source": "INSTORE"}
    profile.update(overrides)
    return {"profiles": [profile]}


@pytest.mark.parametrize("body, code", [
    (_profile(identifiers=[{"type": "mobile", "value": "4567890"}]), errors.InvalidMobile.code),
    (_profile(identifiers=[{"type": "mobile", "value": "919845012345"}, {"type": "email", "value": "not-an-email"}]),
     errors.InvalidEmail.code),
    (_profile(identifiers=[]), errors.NoValidIdentifiers.code),
    ({"profiles": []}, errors.NoValidIdentifiers.code),
    ({"extendedFields": {}}, errors.NoValidIdentifiers.code),
    (_profile(identifiers=[{"type": "passport", "value": "X1"}]), errors.IdentifierNameInvalid.code),
    (_profile(source="SHOPIFY"), errors.RegistrationSourceInvalid.code),
    (_profile(source=""), errors.SourceMissing.code),
    (_profile(source="WECHAT"), errors.AccountIdMissing.code),
    (_profile(identifiers=[{"type": "email", "value": "asha@example.in"}]), errors.MobileRequired.code),
    ({**_profile(), "loyaltyInfo": {"loyaltyType": "gold"}}, 400),
    ({**_profile(), "statusLabel": "Sleeping"}, errors.StatusLabelInvalid.code),
    ({**_profile(), "extendedFields": {"shoe_size": "9"}}, ExtendedFieldUnknown.code),
    ({"profiles": "not-a-list"}, 400),
], ids=["invalid-mobile", "invalid-email", "no-identifiers", "empty-profiles", "no-profiles", "unknown-type",
        "unknown-source", "no-source", "no-account-id", "mandatory-mobile", "bad-loyalty-type", "bad-status-label",
        "unknown-extended-field", "wrong-shape"])
def test_bad_input_is_400_with_the_platform_code_and_writes_nothing(api_client, org, body, code):
    before = db_snapshot()
    response = api_client.post("/v2/customers", body, format="json")
    assert response.status_code == 400, response.json()
    assert v2_error_codes(response)[0] == code
    assert_nothing_written(before)


def test_extended_field_of_the_wrong_type_is_refused(api_client, org):
    extended_field_create(org=org, entity="CUSTOMER", name="dob")
    before = db_snapshot()
    response = api_client.post("/v2/customers", {**_profile(), "extendedFields": {"dob": "yesterday"}}, format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [ExtendedFieldTypeMismatch.code]
    assert_nothing_written(before)


def test_mandatory_email_config(api_client, org):
    org_config_set(org=org, key="CONF_USERS_IS_EMAIL_REQUIRED", value="1")
    response = api_client.post("/v2/customers", _profile(), format="json")
    assert response.status_code == 400 and v2_error_codes(response) == [errors.EmailRequired.code]


def test_org_labels_without_default_warn_8107_and_status_label_is_applied(api_client, org):
    from apps.customers.services import customer_status_label_create

    customer_status_label_create(org=org, label="High value", status="ACTIVE")
    plain = api_client.post("/v2/customers", _profile(), format="json").json()
    assert [w["code"] for w in plain["warnings"]] == [8107]
    labelled = api_client.post("/v2/customers", {**_profile(identifiers=[{"type": "mobile", "value": "919845012346"}]),
                                                 "statusLabel": "high value"}, format="json").json()
    customer = Customer.objects.get(pk=labelled["createdId"])
    assert (customer.status, customer.status_label, labelled["warnings"]) == ("ACTIVE", "High value", [])


def test_several_profiles_land_on_one_customer(api_client, org):
    body = {"profiles": [
        {"firstName": "Ravi", "identifiers": [{"type": "mobile", "value": "919845012345"}], "source": "INSTORE"},
        {"identifiers": [{"type": "wechat", "value": "wx-ravi"}], "source": "WECHAT", "accountId": "acc-1"}]}
    response = api_client.post("/v2/customers", body, format="json")
    assert response.status_code == 200
    customer = Customer.objects.get(pk=response.json()["createdId"])
    assert sorted(CustomerProfile.objects.filter(customer=customer).values_list("source", flat=True)) == [
        "INSTORE", "WECHAT"]
    assert sorted(customer.identifiers.values_list("type", flat=True)) == ["mobile", "wechat"]
