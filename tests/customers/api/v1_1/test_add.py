"""POST v1.1/customer/add: the documented samples, per-item failures with their v1.1 codes, request-level errors."""
import pytest

from apps.access.models import AccessGroup
from apps.customers.choices import IdentifierType
from apps.customers.models import Customer, CustomerIdentifier
from apps.fields.choices import ExtendedFieldDataType
from apps.organizations.services import org_config_set
from tests.factories.customers import CustomerFactory
from tests.factories.fields import ExtendedFieldFactory
from tests.factories.organizations import TILL_PASSWORD, CustomFieldFactory, TillFactory
from tests.helpers.api import till_client, v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import MOBILE, OTHER_MOBILE, item_codes, items_of, post, response_of, root

pytestmark = pytest.mark.django_db

ADD = "/v1.1/customer/add?format=json"


def _subscriptions(is_subscribed: str) -> dict:
    return {"subscription": [{"priority": priority, "scope": "all", "is_subscribed": is_subscribed, "channel": channel}
                             for channel in ("email", "sms") for priority in ("TRANS", "BULK")]}


def test_documented_two_customer_sample_registers_both(api_client, org, customer_fields):
    # given: the v1.1 reference sample, with valid numbers, an ISO dob, a WeChat account and the org's till
    TillFactory(org=org, code="two.till01")
    CustomFieldFactory(org=org, name="FavoriteColor", scope="loyalty_registration")
    body = root(
        {"mobile": "919845012345", "card_details": {"card_number": "GOLD20000000032435", "series_code": ""},
         "email": "tom@example.com", "external_id": "TOM345", "firstname": "Tom", "lastname": "Cruise",
         "registered_on": "2012-09-11 11:11:11", "updated_on": "", "registered_till": "NorthEast",
         "associated_with": "two.till01", "referral_code": "SDX123", "source": "INSTORE", "type": "LOYALTY",
         "subscriptions": _subscriptions("0"),
         "extended_fields": {"field": [{"name": "gender", "value": "Male"}, {"name": "city", "value": "Bangalore"},
                                       {"name": "dob", "value": "1998-12-01"}]},
         "custom_fields": {"field": [{"name": "Hobbies", "value": "[\u201cPlaying\u201d]"},
                                     {"name": "FavoriteColor", "value": "Green"}]}},
        {"mobile": "919845067890", "email": "rita.john@example.com", "external_id": "XYPZ006", "firstname": "Rita",
         "lastname": "John", "registered_on": "2018-09-11 11:11:15", "referral_code": "BGH123", "source": "WECHAT",
         "accountId": "wechat-01", "type": "NON_LOYALTY",
         "extended_fields": {"field": [{"name": "gender", "value": "female"}, {"name": "city", "value": "Bangalore"},
                                       {"name": "dob", "value": "1998-09-01"}]},
         "subscriptions": _subscriptions("0"),
         "custom_fields": {"field": [{"name": "Hobbies", "value": "[\u201cSinging\u201d]>"},
                                     {"name": "FavoriteColor", "value": "Blue"}]}},
    )
    # when
    response = post(api_client, ADD, body)
    # then
    assert response.status_code == 200
    assert response_of(response)["status"] == {"success": "true", "code": 200, "message": "Success", "total": "2",
                                               "success_count": "2"}
    tom, rita = items_of(response)
    assert tom["user_id"] == Customer.objects.get(first_name="Tom").pk
    assert (tom["firstname"], tom["lastname"], tom["mobile"], tom["email"], tom["external_id"]) == (
        "Tom", "Cruise", "919845012345", "tom@example.com", "TOM345")
    assert (tom["registered_on"], tom["type"], tom["source"], tom["fraud_status"]) == (
        "2012-09-11 11:11:11", "LOYALTY", "instore", "NONE")
    assert tom["extended_fields"] == {"field": [{"name": "city", "value": "Bangalore"},
                                                {"name": "dob", "value": "1998-12-01"},
                                                {"name": "gender", "value": "Male"}]}
    assert tom["custom_fields"] == {"field": [{"name": "FavoriteColor", "value": "Green"}]}
    chosen = {(row["channel"], row["priority"]): row["status"] for row in tom["subscriptions"]["subscription"]}
    assert {key: chosen[key] for key in [("EMAIL", "TRANS"), ("EMAIL", "BULK"), ("SMS", "TRANS"), ("SMS", "BULK")]} \
        == {("EMAIL", "TRANS"): "0", ("EMAIL", "BULK"): "0", ("SMS", "TRANS"): "0", ("SMS", "BULK"): "0"}
    assert tom["side_effects"] == {"effect": []}
    # the sample's referral code names nobody here: registration succeeds with warning 1205 (no referrer credited)
    assert tom["item_status"] == {"success": "true", "code": "1000", "warnings": {"warning": ["1017", "1205"]},
                                  "message": "Customer registration successful, Provided Custom Field is invalid, "
                                             "Unable to find the referrer for the referral code"}
    assert (rita["type"], rita["source"], rita["extended_fields"]["field"][2]) == (
        "NON_LOYALTY", "wechat", {"name": "gender", "value": "Female"})
    saved = Customer.objects.get(pk=tom["user_id"])
    assert saved.registered_till.code == "two.till01" and saved.referred_by_code == "SDX123"
    card = CustomerIdentifier.objects.get(customer=saved, type=IdentifierType.CARD_NUMBER)
    assert card.value == "GOLD20000000032435"


def test_current_sample_with_mobile_email_and_fraud_status(api_client, org):
    # given: the current reference's sample (mobile sent as a JSON number)
    ExtendedFieldFactory(org=org, name="age", data_type=ExtendedFieldDataType.INTEGER)
    CustomFieldFactory(org=org, name="address", scope="loyalty_registration")
    body = root({"mobile": 919845012345, "email": "testing1Nee113@gmail.com", "external_id": "12on123",
                 "firstname": "Raj", "lastname": "loyal", "updated_on": "2025-05-29 09:10:00",
                 "registered_till": "rutuja_capillary", "associated_with": "rutuja_capillary", "type": "NON_LOYALTY",
                 "source": "INSTORE", "accountId": "123456", "fraud_status": {"status": "Fraud_Suspected"},
                 "commChannels": [{"type": "mobile", "value": "919845012345", "primary": "true", "verified": "true",
                                   "meta": {"residence": "true"}}],
                 "custom_fields": {"field": [{"name": "City_name", "value": "Bangalore"},
                                             {"name": "address", "value": "BTM"}]},
                 "extended_fields": {"field": [{"name": "age", "value": "25"}]}})
    # when
    response = post(api_client, ADD, body)
    # then
    assert response.status_code == 200
    [item] = items_of(response)
    assert (item["mobile"], item["email"], item["type"], item["fraud_status"]) == (
        "919845012345", "testing1nee113@gmail.com", "NON_LOYALTY", "MARKED")
    assert item["custom_fields"] == {"field": [{"name": "address", "value": "BTM"}]}
    assert item["extended_fields"] == {"field": [{"name": "age", "value": "25"}]}
    assert item["item_status"]["warnings"]["warning"] == ["1017", "8077"]
    assert Customer.objects.get(pk=item["user_id"]).comm_channels.get().is_verified is True


def test_current_sample_with_external_id_only(api_client, org):
    # given: an org that does not require a mobile number
    org_config_set(org=org, key="CONF_USERS_IS_MOBILE_REQUIRED", value=False)
    body = root({"external_id": "123445901", "registered_on": "2024-07-29 11:11:11", "registered_till": "till_name",
                 "associated_with": "till_name"})
    # when
    response = post(api_client, ADD, body)
    # then
    assert response.status_code == 200
    [item] = items_of(response)
    assert (item["mobile"], item["email"], item["external_id"], item["firstname"]) == (None, None, "123445901", "")
    assert item["registered_on"] == "2024-07-29 11:11:11"
    assert Customer.objects.get(pk=item["user_id"]).registered_on.isoformat() == "2024-07-29T05:41:11+00:00"


@pytest.mark.parametrize("item, code", [
    ({"mobile": "12345"}, "1001"),
    ({"mobile": MOBILE, "email": "not-an-email"}, "1002"),
    ({"firstname": "Nobody"}, "1007"),
    ({"email": "only@example.com"}, "1006"),
    ({"mobile": MOBILE, "firstname": {"first": "Tom"}}, "400"),
    ({"mobile": MOBILE, "registered_on": "11/09/2012"}, "400"),
    ({"mobile": MOBILE, "subscriptions": "all"}, "400"),
    ({"mobile": MOBILE, "subscriptions": {"subscription": [{"channel": "fax", "priority": "TRANS",
                                                             "is_subscribed": "1"}]}}, "1101"),
    ({"mobile": MOBILE, "type": "NOT_INTERESTED"}, "400"),
    ({"mobile": MOBILE, "source": "WECHAT"}, "8045"),
], ids=["invalid-mobile", "invalid-email", "no-identifier", "mobile-required", "name-object", "bad-date",
        "subscriptions-string", "bad-channel", "bad-type", "wechat-without-account"])
def test_bad_item_is_refused_and_nothing_written(api_client, org, item, code):
    # given
    before = db_snapshot()
    # when
    response = post(api_client, ADD, root(item))
    # then
    assert response.status_code == 400
    assert response_of(response)["status"] == {"success": "false", "code": 500, "total": "1", "success_count": "0",
                                               "message": "All requests have failed due to errors"}
    assert item_codes(response) == [code]
    assert items_of(response)[0]["item_status"]["success"] == "false"
    assert_nothing_written(before)


def test_existing_customer_same_source_is_1014(api_client, org, customer):
    # given: the customer fixture holds MOBILE in the INSTORE source
    before = db_snapshot()
    # when
    response = post(api_client, ADD, root({"mobile": MOBILE, "firstname": "Again"}))
    # then
    assert response.status_code == 400
    [item] = items_of(response)
    assert item["mobile"] == MOBILE
    assert item["item_status"]["code"] == "1014"
    assert str(customer.pk) in item["item_status"]["message"]
    assert_nothing_written(before)


def test_mixed_batch_commits_the_good_items_only(api_client, org):
    # given
    body = root({"mobile": MOBILE, "firstname": "Good"}, {"mobile": "12", "firstname": "Bad"}, "not an object",
                {"mobile": OTHER_MOBILE, "firstname": "Also good"})
    # when
    response = post(api_client, ADD, body)
    # then
    assert response.status_code == 200
    assert response_of(response)["status"] == {"success": "true", "code": 201, "total": "4", "success_count": "2",
                                               "message": "Some requests have failed due to errors"}
    assert item_codes(response) == ["1000", "1001", "400", "1000"]
    assert sorted(Customer.objects.filter(org=org).values_list("first_name", flat=True)) == ["Also good", "Good"]


def test_a_failing_subscription_rolls_back_its_own_registration(api_client, org):
    # given: the second item registers fine but carries an invalid subscription priority
    body = root({"mobile": MOBILE}, {"mobile": OTHER_MOBILE, "subscriptions": {"subscription": [
        {"channel": "sms", "priority": "URGENT", "is_subscribed": "0"}]}})
    # when
    response = post(api_client, ADD, body)
    # then
    assert item_codes(response) == ["1000", "1102"]
    assert list(CustomerIdentifier.objects.filter(org=org).values_list("value", flat=True)) == [MOBILE]


def test_same_identifier_from_another_source_joins_the_customer(api_client, org, customer):
    # when
    response = post(api_client, ADD, root({"mobile": MOBILE, "source": "WECHAT", "accountId": "wx-1"}))
    # then
    assert response.status_code == 200
    [item] = items_of(response)
    assert item["user_id"] == customer.pk
    assert item["item_status"]["warnings"]["warning"] == ["8050"]
    assert Customer.objects.filter(org=org).count() == 1


@pytest.mark.parametrize("body, message", [
    ('{"root": {"customer": [', "Malformed request body"),
    ({"customer": [{"mobile": MOBILE}]}, "root"),
    ({"root": {"customer": []}}, "root.customer"),
    ({"root": {"customers": [{"mobile": MOBILE}]}}, "root.customer"),
    ([{"mobile": MOBILE}], "root"),
], ids=["malformed-json", "no-root", "empty-list", "wrong-key", "bare-list"])
def test_request_level_errors_use_the_v11_envelope(api_client, body, message):
    # given
    before = db_snapshot()
    # when
    response = post(api_client, ADD, body)
    # then
    assert response.status_code == 400
    status = v11_status(response)
    assert (status["success"], status["code"]) == ("false", 400)
    assert message in status["message"]
    assert_nothing_written(before)


def test_batch_limit_is_1060(api_client):
    # given
    body = root(*[{"external_id": f"EXT{n}"} for n in range(101)])
    before = db_snapshot()
    # when
    response = post(api_client, ADD, body)
    # then
    assert response.status_code == 400
    assert v11_status(response) == {"success": "false", "code": 1060,
                                    "message": "Batch limit size exceeded. At most 100 items per request"}
    assert_nothing_written(before)


def test_single_object_in_place_of_the_list_and_json_suffix(api_client, org):
    # when
    response = post(api_client, "/v1.1/customer/add.json", {"root": {"customer": {"mobile": MOBILE}}})
    # then
    assert response.status_code == 200
    assert item_codes(response) == ["1000"]


def test_view_only_access_is_refused(org):
    # given: a till whose access group may only view customers
    till = TillFactory(org=org)
    till.access_groups.add(AccessGroup.objects.create(org=org, name="Viewers", permissions={"Customer": "VIEW"}))
    client = till_client(till, TILL_PASSWORD)
    # when
    response = post(client, ADD, root({"mobile": MOBILE}))
    # then
    assert response.status_code == 403
    assert v11_status(response)["code"] == 4000
    assert not Customer.objects.filter(org=org).exists()


def test_registering_an_identifier_of_another_customer_in_the_same_item_conflicts(api_client, org):
    # given: two customers, one holding the mobile and the other the email
    CustomerFactory(org=org, mobile=MOBILE)
    CustomerFactory(org=org, mobile=OTHER_MOBILE, email="rita@example.com")
    # when
    response = post(api_client, ADD, root({"mobile": MOBILE, "email": "rita@example.com", "source": "WECHAT",
                                           "accountId": "wx"}))
    # then
    assert item_codes(response) == ["8052"]
