"""The v1 paths, the `.json` suffix and `?format=json` answer exactly like the v1.1 paths."""
import pytest

from apps.customers.models import Customer, CustomerNote
from tests.factories.customers import (
    CustomerInteractionFactory, CustomerNoteFactory, CustomerPreferenceFactory, CustomerTicketFactory,
)

from .conftest import MOBILE, OTHER_MOBILE, item_codes, post, response_of, root

pytestmark = pytest.mark.django_db

GETS = ["customer/get?mobile={m}&user_id=true", "customer/get?mobile={m},919999999999", "customer/notes?mobile={m}",
        "customer/tickets?mobile={m}", "customer/preferences?mobile={m}", "customer/subscriptions?mobile={m}",
        "customer/interaction?mobile={m}", "customer/get?mobile=919999999999", "customer/get"]


@pytest.fixture
def engaged(org, customer):
    CustomerNoteFactory(org=org, customer=customer)
    CustomerTicketFactory(org=org, customer=customer)
    CustomerPreferenceFactory(org=org, customer=customer)
    CustomerInteractionFactory(org=org, customer=customer)
    return customer


@pytest.mark.parametrize("path", GETS)
def test_v1_and_suffix_answer_identically(api_client, engaged, path):
    # given
    path = path.format(m=MOBILE)
    name, _, query = path.partition("?")
    # when
    answers = [api_client.get(url) for url in (
        f"/v1.1/{path}", f"/v1/{path}", f"/v1.1/{name}.json?{query}", f"/v1/{name}.json?{query}&format=json")]
    # then
    assert len({a.status_code for a in answers}) == 1
    assert all(a.json() == answers[0].json() for a in answers[1:])


@pytest.mark.parametrize("prefix", ["/v1.1", "/v1"])
def test_writes_through_either_prefix(api_client, customer, prefix):
    # when
    added = post(api_client, f"{prefix}/customer/add.json", root({"mobile": OTHER_MOBILE, "firstname": "Rita"}))
    noted = post(api_client, f"{prefix}/customer/notes?format=json",
                 root({"mobile": MOBILE, "notes": {"note": [{"description": "VIP"}]}}))
    # then
    assert (added.status_code, item_codes(added)) == (200, ["1000"])
    assert noted.status_code == 200 and response_of(noted)["customer"]["item_status"]["code"] == "1000"
    assert Customer.objects.filter(first_name="Rita").count() == 1
    assert CustomerNote.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("path", ["/v1.1/customer/gets", "/v1/customer/add/extra", "/v1.1/customer/get.xml"])
def test_unknown_paths_are_404_in_the_v11_envelope(api_client, path):
    # when
    response = api_client.get(path)
    # then
    assert response.status_code == 404
    assert response.json()["response"]["status"]["success"] == "false"
