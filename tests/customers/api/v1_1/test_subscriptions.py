"""GET and POST v1.1/customer/subscriptions."""
import pytest

from apps.customers.choices import Channel, CustomerEventType, Priority, Source
from apps.customers.models import CustomerEvent, CustomerSubscription
from tests.factories.customers import CustomerFactory, CustomerSubscriptionFactory
from tests.helpers.api import v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import MOBILE, OTHER_MOBILE, post, response_of, root

pytestmark = pytest.mark.django_db

PATH = "/v1.1/customer/subscriptions?format=json"


def _subscription_items(response) -> list[dict]:
    return response_of(response)["subscriptions"]["subscription"]


def test_documented_update_sample(api_client, customer):
    # given
    body = root({"email": "tom@example.com", "priority": "bulk", "scope": "all", "channel": "email",
                 "is_subscribed": "0"},
                {"email": "tom@example.com", "priority": "bulk", "scope": "all", "channel": "sms",
                 "is_subscribed": "0"},
                key="subscription")
    # when
    response = post(api_client, PATH, body)
    # then
    assert response.status_code == 200
    assert response_of(response)["status"] == {"success": "true", "code": 200, "message": "Success", "total": "2",
                                               "success_count": "2"}
    status = {"success": "true", "code": "1000", "message": "Subscription successfully updated",
              "warnings": {"warning": []}}
    assert _subscription_items(response) == [
        {"user_id": str(customer.pk), "email": "tom@example.com", "channel": "EMAIL", "priority": "BULK",
         "scope": "ALL", "is_subscribed": "0", "item_status": status},
        {"user_id": str(customer.pk), "email": "tom@example.com", "channel": "SMS", "priority": "BULK",
         "scope": "ALL", "is_subscribed": "0", "item_status": status}]
    rows = CustomerSubscription.objects.filter(customer=customer, priority=Priority.BULK, source=Source.INSTORE)
    assert {row.channel: row.is_subscribed for row in rows} == {Channel.EMAIL: False, Channel.SMS: False}
    assert CustomerEvent.objects.filter(customer=customer, type=CustomerEventType.SUBSCRIPTION_CHANGED).count() == 2


@pytest.mark.parametrize("item, code, http", [
    ({"mobile": MOBILE, "channel": "fax", "priority": "BULK", "is_subscribed": "1"}, "1101", 400),
    ({"mobile": MOBILE, "channel": "sms", "priority": "SOMETIMES", "is_subscribed": "1"}, "1102", 400),
    ({"mobile": MOBILE, "channel": "sms", "priority": "BULK", "is_subscribed": "maybe"}, "1106", 400),
    ({"mobile": MOBILE, "channel": "sms", "priority": "BULK"}, "1106", 400),
    ({"channel": "sms", "priority": "BULK", "is_subscribed": "1"}, "1015", 400),
    ({"mobile": "919999999999", "channel": "sms", "priority": "BULK", "is_subscribed": "1"}, "816", 404),
], ids=["bad-channel", "bad-priority", "bad-status", "no-status", "no-identifier", "unknown-customer"])
def test_post_refusals_write_nothing(api_client, customer, item, code, http):
    # given
    before = db_snapshot()
    # when
    response = post(api_client, PATH, root(item, key="subscription"))
    # then
    assert response.status_code == http
    assert [entry["item_status"]["code"] for entry in _subscription_items(response)] == [code]
    assert_nothing_written(before)


def test_post_mixed_batch(api_client, customer):
    # given
    body = root({"mobile": MOBILE, "channel": "sms", "priority": "TRANS", "is_subscribed": "0"},
                {"mobile": MOBILE, "channel": "fax", "priority": "TRANS", "is_subscribed": "0"}, key="subscription")
    # when
    response = post(api_client, PATH, body)
    # then
    assert response.status_code == 200
    assert response_of(response)["status"]["code"] == 201
    assert CustomerSubscription.objects.get(customer=customer, channel=Channel.SMS, priority=Priority.TRANS,
                                            source=Source.INSTORE).is_subscribed is False


def test_get_documented_sample_for_two_customers(api_client, org, customer):
    # given: the fixture customer chose SMS/TRANS in and EMAIL/BULK out; the other chose nothing
    CustomerSubscriptionFactory(org=org, customer=customer, channel=Channel.SMS, priority=Priority.TRANS)
    CustomerSubscriptionFactory(org=org, customer=customer, channel=Channel.EMAIL, priority=Priority.BULK,
                                is_subscribed=False)
    CustomerSubscriptionFactory(org=org, customer=customer, channel=Channel.EMAIL, priority=Priority.BULK,
                                source=Source.WECHAT, account_id="wx", is_subscribed=True)
    other = CustomerFactory(org=org, mobile=OTHER_MOBILE)
    # when
    response = api_client.get(f"/v1.1/customer/subscriptions?mobile={MOBILE},{OTHER_MOBILE}")
    # then
    assert response.status_code == 200
    tom, rita = _subscription_items(response)
    assert (tom["user_id"], tom["mobile"], tom["email"], rita["user_id"]) == (
        str(customer.pk), MOBILE, "tom@example.com", str(other.pk))
    assert tom["channel"] == [
        {"name": "SMS", "priority": [
            {"name": "TRANS", "subscribed": "ALL", "unsubscribed": "", "user_preference": "SUBSCRIBED"},
            {"name": "BULK", "subscribed": "ALL", "unsubscribed": "", "user_preference": "NOT_SET"}]},
        {"name": "EMAIL", "priority": [
            {"name": "TRANS", "subscribed": "ALL", "unsubscribed": "", "user_preference": "NOT_SET"},
            {"name": "BULK", "subscribed": "", "unsubscribed": "ALL", "user_preference": "UNSUBSCRIBED"}]}]
    assert {level["user_preference"] for ch in rita["channel"] for level in ch["priority"]} == {"NOT_SET"}
    assert tom["item_status"] == {"success": "true", "code": "1000", "message": "Subscription successfully retrieved",
                                  "warnings": {"warning": []}}


def test_get_filters_by_channel_and_priority(api_client, customer):
    # when
    response = api_client.get(f"/v1.1/customer/subscriptions?mobile={MOBILE}&channel=email&priority=TRANS")
    # then
    [item] = _subscription_items(response)
    assert item["channel"] == [{"name": "EMAIL", "priority": [
        {"name": "TRANS", "subscribed": "ALL", "unsubscribed": "", "user_preference": "NOT_SET"}]}]


@pytest.mark.parametrize("query, code, http", [
    (f"mobile={MOBILE}&channel=fax", 1101, 400), (f"mobile={MOBILE}&priority=NOW", 1102, 400), ("", 1015, 400),
    ("mobile=919999999999", 500, 404),
])
def test_get_refusals(api_client, customer, query, code, http):
    # when
    response = api_client.get(f"/v1.1/customer/subscriptions?{query}")
    # then
    assert response.status_code == http
    assert v11_status(response)["code"] == code


def test_get_query_count_does_not_grow(api_client, org, django_assert_num_queries):
    # given
    customers = [CustomerFactory(org=org) for _ in range(30)]
    ids = [str(c.pk) for c in customers]
    api_client.get(f"/v1.1/customer/subscriptions?id={ids[0]}")
    # when / then
    with django_assert_num_queries(5) as single:  # the till comes from the credentials cache
        api_client.get(f"/v1.1/customer/subscriptions?id={ids[0]}")
    with django_assert_num_queries(len(single.captured_queries)):
        assert len(_subscription_items(api_client.get(f"/v1.1/customer/subscriptions?id={','.join(ids)}"))) == 30
