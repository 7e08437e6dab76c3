"""GET /v2/customers/search: name and identifier prefixes, dates, paging, bounded queries."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.customers import errors
from apps.core.errors import LimitTooLarge
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v2_error_codes

pytestmark = pytest.mark.django_db


def test_documented_search_by_first_name(api_client, org, other_org):
    # given
    toms = [CustomerFactory(org=org, first_name="Tom", last_name="Sawyer") for _ in range(3)]
    CustomerFactory(org=org, first_name="Huck", last_name="Finn")
    CustomerFactory(org=other_org, first_name="Tom", last_name="Rival")
    # when
    body = api_client.get("/v2/customers/search?limit=10&offset=0&q=tom").json()
    # then
    assert body["pagination"] == {"limit": 10, "offset": 0, "total": 3}
    assert [item["userId"] for item in body["data"]] == sorted((t.pk for t in toms), reverse=True)
    assert body["data"][0]["matchedIdentifiers"] == [
        {"idType": "firstName", "idValue": "Tom", "source": "INSTORE", "accountId": ""}]
    assert body["data"][0]["profiles"] == [{"source": "INSTORE", "accountId": "", "firstName": "Tom",
                                            "lastName": "Sawyer"}]
    assert body["warnings"] == [] and body["errors"] == []


def test_search_by_last_name_and_identifier_prefixes(api_client, org):
    sawyer = CustomerFactory(org=org, first_name="Tom", last_name="Sawyer", mobile="919945512345",
                             email="tom@example.in")
    other = CustomerFactory(org=org, first_name="Becky", last_name="Thatcher", mobile="918045500000")
    assert [d["userId"] for d in api_client.get("/v2/customers/search?q=SAW").json()["data"]] == [sawyer.pk]
    by_mobile = api_client.get("/v2/customers/search?q=9199455").json()["data"]
    assert [d["userId"] for d in by_mobile] == [sawyer.pk]
    assert by_mobile[0]["matchedIdentifiers"][0]["idType"] == "mobile"
    typed = api_client.get("/v2/customers/search", {"q": "+91 99455"}).json()["data"]
    assert [d["userId"] for d in typed] == [sawyer.pk]
    assert [d["userId"] for d in api_client.get("/v2/customers/search?q=TOM@EX").json()["data"]] == [sawyer.pk]
    assert {d["userId"] for d in api_client.get("/v2/customers/search?q=91").json()["data"]} == {sawyer.pk, other.pk}
    assert api_client.get("/v2/customers/search?q=zzz").json()["data"] == []


def test_search_by_registration_dates(api_client, org):
    old = CustomerFactory(org=org, first_name="Old", registered_on=timezone.now() - timedelta(days=400))
    new = CustomerFactory(org=org, first_name="New")
    since = (timezone.now() - timedelta(days=30)).date().isoformat()
    body = api_client.get(f"/v2/customers/search?registeredFrom={since}").json()
    assert [d["userId"] for d in body["data"]] == [new.pk]
    until = (timezone.now() - timedelta(days=300)).date().isoformat()
    assert [d["userId"] for d in api_client.get(f"/v2/customers/search?registeredTo={until}").json()["data"]] == [
        old.pk]


@pytest.mark.parametrize("query, code", [("", 400), ("q=tom&limit=101", LimitTooLarge.code),
                                         ("registeredFrom=01-02-2024", errors.StartDateInvalid.code),
                                         ("registeredTo=2024/02/01", errors.EndDateInvalid.code)])
def test_search_refusals(api_client, query, code):
    response = api_client.get(f"/v2/customers/search?{query}")
    assert response.status_code == 400 and v2_error_codes(response) == [code]


def test_paging(api_client, org):
    customers = [CustomerFactory(org=org, first_name="Asha") for _ in range(5)]
    body = api_client.get("/v2/customers/search?q=asha&limit=2&offset=2").json()
    assert body["pagination"] == {"limit": 2, "offset": 2, "total": 5}
    assert [d["userId"] for d in body["data"]] == [customers[2].pk, customers[1].pk]


def test_search_query_count_does_not_grow_with_rows(api_client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get("/v2/customers/search?q=ravi&limit=50").status_code == 200
        return len(ctx)

    for _ in range(3):
        CustomerFactory(org=org, first_name="Ravi", email=None)
    count()  # warm the per-org config cache the throttle reads
    few = count()
    for _ in range(27):
        CustomerFactory(org=org, first_name="Ravi")
    assert count() == few
