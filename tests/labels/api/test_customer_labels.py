"""POST /v2/customers/{id}/changeLabels, GET /v2/customers/{id}/labels and GET /v2/customers/labels/search."""
import pytest

from apps.core.errors import LimitTooLarge
from apps.customers.errors import CustomerNotFound
from apps.labels.choices import LabelAction
from apps.labels.errors import CustomerLabelsNotFound, LabelNotFound
from apps.labels.models import CustomerLabel, CustomerLabelEvent
from tests.factories.customers import CustomerFactory
from tests.factories.labels import CustomerLabelFactory, LabelFactory
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(org):
    return CustomerFactory(org=org)


def _change(client, customer, add=(), remove=()):
    return client.post(f"/v2/customers/{customer.pk}/changeLabels",
                       {"add": [{"labelName": n} for n in add], "remove": [{"labelName": n} for n in remove]},
                       format="json")


def test_tag_and_list_customer_labels(api_client, org, till, customer):
    # given
    premium, gadget = LabelFactory(org=org, name="Premium"), LabelFactory(org=org, name="GadgetFreak")
    # when
    response = _change(api_client, customer, add=["premium", "GadgetFreak"])
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"entity": customer.pk, "warnings": []}
    links = {link.label_id: link for link in CustomerLabel.objects.filter(customer=customer)}
    body = api_client.get(f"/v2/customers/{customer.pk}/labels").json()
    assert body == {"data": [
        {"id": links[gadget.pk].pk, "orgId": org.pk, "addedBy": till.pk, "labelId": gadget.pk,
         "userId": customer.pk, "labelName": "GadgetFreak", "deleted": False},
        {"id": links[premium.pk].pk, "orgId": org.pk, "addedBy": till.pk, "labelId": premium.pk,
         "userId": customer.pk, "labelName": "Premium", "deleted": False},
    ], "warnings": [], "errors": []}
    assert sorted(CustomerLabelEvent.objects.filter(customer=customer).values_list("label_id", "action", "till")) == \
        sorted([(premium.pk, LabelAction.TAGGED, till.pk), (gadget.pk, LabelAction.TAGGED, till.pk)])


def test_untag_then_tag_again_keeps_one_link_and_logs_each_change(api_client, org, customer):
    # given
    label = LabelFactory(org=org, name="Premium")
    _change(api_client, customer, add=["Premium"])
    # when
    removed = _change(api_client, customer, remove=["Premium"])
    listed = api_client.get(f"/v2/customers/{customer.pk}/labels").json()
    again = _change(api_client, customer, add=["Premium"])
    repeated = _change(api_client, customer, add=["Premium"])
    # then
    assert removed.json()["warnings"] == [] and listed["data"] == []
    assert [w["code"] for w in listed["warnings"]] == [CustomerLabelsNotFound.code]
    assert again.status_code == repeated.status_code == 200
    link = CustomerLabel.objects.get(customer=customer, label=label)
    assert link.is_active and link.removed_at is None
    assert list(CustomerLabelEvent.objects.filter(customer=customer).order_by("id").values_list("action", flat=True)) \
        == [LabelAction.TAGGED, LabelAction.UNTAGGED, LabelAction.TAGGED]


def test_unknown_and_not_carried_labels_are_warnings(api_client, org, customer):
    # given
    LabelFactory(org=org, name="Premium")
    LabelFactory(org=org, name="Dormant", is_active=False)
    LabelFactory(org=org, name="Book")
    # when
    response = _change(api_client, customer, add=["Premium", "Nope", "Dormant"], remove=["Book"])
    # then
    assert response.status_code == 200
    assert [(w["code"], w["message"]) for w in response.json()["warnings"]] == [
        (CustomerLabelsNotFound.code, "User labels not found"),
        (LabelNotFound.code, "Nope label not found"),
        (LabelNotFound.code, "Dormant label not found")]
    assert list(CustomerLabel.objects.filter(customer=customer).values_list("label__name", flat=True)) == ["Premium"]


@pytest.mark.parametrize("body", [{}, {"add": [], "remove": []}, {"add": [{"labelName": " "}]}])
def test_nothing_to_change_is_400(api_client, org, customer, body):
    # given
    LabelFactory(org=org, name="Premium")
    before = db_snapshot()
    # when
    response = api_client.post(f"/v2/customers/{customer.pk}/changeLabels", body, format="json")
    # then
    assert response.status_code == 400 and v2_error_codes(response) == [400]
    assert_nothing_written(before)


def test_malformed_body_is_400(api_client, customer):
    # given
    before = db_snapshot()
    # when
    response = api_client.post(f"/v2/customers/{customer.pk}/changeLabels", {"add": "Premium"}, format="json")
    # then
    assert response.status_code == 400 and v2_error_codes(response) == [400]
    assert_nothing_written(before)


def test_unknown_customer_is_8015(api_client, org):
    # given
    LabelFactory(org=org, name="Premium")
    before = db_snapshot()
    # when
    response = api_client.post("/v2/customers/999999/changeLabels", {"add": [{"labelName": "Premium"}]},
                               format="json")
    # then
    assert response.status_code == 404 and v2_error_codes(response) == [CustomerNotFound.code]
    assert api_client.get("/v2/customers/999999/labels").status_code == 404
    assert_nothing_written(before)


def test_customer_labels_queries_do_not_grow(api_client, org, customer, queries_for):
    # given
    def call():
        assert api_client.get(f"/v2/customers/{customer.pk}/labels").status_code == 200

    for _ in range(3):
        CustomerLabelFactory(org=org, customer=customer)
    few = queries_for(call)
    # when
    for _ in range(27):
        CustomerLabelFactory(org=org, customer=customer)
    # then
    assert queries_for(call) == few


# -- search -------------------------------------------------------------------------------------------------------
def test_search_customers_by_label_prefix(api_client, org, other_org):
    # given
    premium = LabelFactory(org=org, name="Premium Customer")
    book = LabelFactory(org=org, name="book")
    first, second, third = CustomerFactory(org=org), CustomerFactory(org=org), CustomerFactory(org=org)
    CustomerLabelFactory(org=org, customer=first, label=premium)
    CustomerLabelFactory(org=org, customer=second, label=premium)
    CustomerLabelFactory(org=org, customer=second, label=book)
    CustomerLabelFactory(org=org, customer=third, label=book)
    CustomerLabelFactory(org=org, label=premium, is_active=False)
    CustomerLabelFactory(org=other_org, label=LabelFactory(org=other_org, name="Premium"))
    # when
    response = api_client.get("/v2/customers/labels/search?q=pre")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "pagination": {"limit": 10, "offset": 0, "total": 2},
        "data": [{"userId": c.pk, "customerLabels": [{"orgId": org.pk, "labelId": premium.pk, "userId": c.pk,
                                                     "labelName": "Premium Customer"}]} for c in (second, first)],
        "warnings": [], "errors": []}


def test_search_pages(api_client, org):
    # given
    label = LabelFactory(org=org, name="Premium")
    customers = [CustomerLabelFactory(org=org, label=label).customer for _ in range(5)]
    # when
    body = api_client.get("/v2/customers/labels/search?q=Premium&limit=2&offset=2").json()
    # then
    newest_first = sorted(c.pk for c in customers)[::-1]
    assert body["pagination"] == {"limit": 2, "offset": 2, "total": 5}
    assert [item["userId"] for item in body["data"]] == newest_first[2:4]


@pytest.mark.parametrize("query, code, status", [("", 400, 400), ("?q=", 400, 400),
                                                 ("?q=a&limit=101", LimitTooLarge.code, 400)])
def test_search_bad_input(api_client, query, code, status):
    # when
    response = api_client.get(f"/v2/customers/labels/search{query}")
    # then
    assert response.status_code == status and v2_error_codes(response) == [code]


def test_search_queries_do_not_grow(api_client, org, queries_for):
    # given
    label = LabelFactory(org=org, name="Premium")

    def call():
        assert api_client.get("/v2/customers/labels/search?q=prem&limit=100").status_code == 200

    for _ in range(3):
        CustomerLabelFactory(org=org, label=label)
    few = queries_for(call)
    # when
    for _ in range(27):
        CustomerLabelFactory(org=org, label=label)
    # then
    assert queries_for(call) == few


def test_deactivated_label_is_hidden_and_can_still_be_removed(api_client, org, customer):
    # given
    from apps.labels.services import label_update

    label = LabelFactory(org=org, name="Dormant")
    _change(api_client, customer, add=["Dormant"])
    label_update(org=org, label=label, is_active=False)
    # when
    listed = api_client.get(f"/v2/customers/{customer.pk}/labels").json()
    re_added = _change(api_client, customer, add=["Dormant"])
    removed = _change(api_client, customer, remove=["Dormant"])
    # then
    assert listed["data"] == []
    assert [w["code"] for w in re_added.json()["warnings"]] == [LabelNotFound.code]
    assert removed.json()["warnings"] == []
    assert not CustomerLabel.objects.get(customer=customer, label=label).is_active


def test_label_with_history_cannot_be_deleted_alone(org, customer):
    # given
    from django.db.models import RestrictedError

    from apps.labels.services import customer_labels_change

    label = LabelFactory(org=org, name="Premium")
    customer_labels_change(org=org, customer=customer, add=["Premium"])
    # then
    with pytest.raises(RestrictedError):
        label.delete()
    customer.delete()  # the customer's own rows go with them
    assert not CustomerLabelEvent.objects.exists()
    label.delete()
