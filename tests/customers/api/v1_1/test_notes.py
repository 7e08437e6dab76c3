"""GET and POST v1.1/customer/notes."""
from datetime import UTC, datetime

import pytest

from apps.customers.models import CustomerNote
from tests.factories.customers import CustomerFactory, CustomerNoteFactory
from tests.helpers.api import v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import MOBILE, post, response_of, root

pytestmark = pytest.mark.django_db

PATH = "/v1.1/customer/notes?format=json"


def test_documented_add_sample(api_client, customer):
    # given: the reference sample naming the customer by user_id (and sending its other identifiers)
    body = root({"user_id": str(customer.pk), "mobile": MOBILE, "email": "tom@example.com", "external_id": "TOM345",
                 "notes": {"note": [{"date": "2016-05-05 15:15:00", "description": "Likes Maggi"}]}})
    # when
    response = post(api_client, PATH, body)
    # then
    assert response.status_code == 200
    note = CustomerNote.objects.get(customer=customer)
    assert response_of(response) == {
        "status": {"success": "true", "code": 200, "message": "Success", "total": "1", "success_count": "1"},
        "customer": {"firstname": "Tom", "lastname": "Sawyer", "user_id": str(customer.pk), "mobile": MOBILE,
                     "email": "tom@example.com", "external_id": "TOM345",
                     "notes": {"note": {"id": str(note.pk), "date": "2016-05-05 15:15:00",
                                        "description": "Likes Maggi"}},
                     "item_status": {"success": "true", "code": "1000", "warnings": {"warning": []},
                                     "message": "Customer note added/updated successfully"}}}
    assert note.note_date == datetime(2016, 5, 5, 9, 45, tzinfo=UTC)
    assert note.description == "Likes Maggi"


def test_documented_update_sample_rewrites_two_notes(api_client, org, customer):
    # given
    first, second = CustomerNoteFactory(org=org, customer=customer), CustomerNoteFactory(org=org, customer=customer)
    body = {"root": {"customer": {"mobile": MOBILE, "email": "tom@example.com", "associate_id": "50010823",
                                  "notes": {"note": [{"id": str(first.pk), "description": "Likes jeans"},
                                                     {"id": str(second.pk), "description": "Likes new arrivals"}]}}}}
    # when
    response = post(api_client, PATH, body)
    # then
    assert response.status_code == 200
    notes = response_of(response)["customer"]["notes"]["note"]
    assert [(n["id"], n["description"]) for n in notes] == [(str(first.pk), "Likes jeans"),
                                                             (str(second.pk), "Likes new arrivals")]
    assert set(CustomerNote.objects.values_list("description", flat=True)) == {"Likes jeans", "Likes new arrivals"}


def test_get_lists_the_notes_newest_first(api_client, org, customer):
    # given
    old = CustomerNoteFactory(org=org, customer=customer, description="Like to play cricket",
                              note_date=datetime(2016, 9, 4, 9, 42, tzinfo=UTC))
    new = CustomerNoteFactory(org=org, customer=customer, description="Subscribed for birthday wishes",
                              note_date=datetime(2016, 9, 5, 9, 42, tzinfo=UTC))
    CustomerNoteFactory(org=org, customer=CustomerFactory(org=org))
    # when
    response = api_client.get(f"/v1.1/customer/notes?mobile={MOBILE}")
    # then
    assert response.status_code == 200
    body = response_of(response)
    assert body["status"] == {"success": "true", "code": 200, "message": "SUCCESS"}
    assert body["customer"]["notes"]["note"] == [
        {"id": str(new.pk), "added_on": "2016-09-05 15:12:00", "description": "Subscribed for birthday wishes"},
        {"id": str(old.pk), "added_on": "2016-09-04 15:12:00", "description": "Like to play cricket"}]
    assert body["customer"]["item_status"]["message"] == "Customer note retrieved successfully"


def test_get_pages_with_limit_and_offset(api_client, org, customer):
    # given
    for _ in range(3):
        CustomerNoteFactory(org=org, customer=customer)
    # when
    response = api_client.get(f"/v1.1/customer/notes?mobile={MOBILE}&limit=2&offset=2")
    # then
    assert isinstance(response_of(response)["customer"]["notes"]["note"], dict)


@pytest.mark.parametrize("query, code, http", [
    ("mobile=919999999999", 816, 404), ("", 1015, 400), ("mobile=" + MOBILE + "&limit=500", 8102, 400),
])
def test_get_refusals(api_client, customer, query, code, http):
    # when
    response = api_client.get(f"/v1.1/customer/notes?{query}")
    # then
    assert response.status_code == http
    assert v11_status(response)["code"] == code


@pytest.mark.parametrize("item, code, http", [
    ({"mobile": MOBILE, "notes": {"note": [{"description": ""}]}}, "1037", 400),
    ({"mobile": MOBILE, "notes": {"note": []}}, "1037", 400),
    ({"mobile": MOBILE, "notes": {"note": [{"id": "999999", "description": "x"}]}}, "1028", 404),
    ({"mobile": MOBILE, "notes": "a note"}, "400", 400),
    ({"mobile": MOBILE, "notes": {"note": [{"description": "x", "date": "yesterday"}]}}, "400", 400),
    ({"mobile": "919999999999", "notes": {"note": [{"description": "x"}]}}, "816", 404),
    ({"mobile": MOBILE, "notes": {"note": [{"description": "kept?"}, {"description": ""}]}}, "1037", 400),
], ids=["empty-description", "no-notes", "unknown-note", "notes-string", "bad-date", "unknown-customer",
        "one-bad-note-rolls-back-the-item"])
def test_post_refusals_write_nothing(api_client, customer, item, code, http):
    # given
    before = db_snapshot()
    # when
    response = post(api_client, PATH, root(item))
    # then
    assert response.status_code == http
    assert response_of(response)["customer"]["item_status"]["code"] == code
    assert_nothing_written(before)


def test_post_mixed_customers(api_client, org, customer):
    # given
    other = CustomerFactory(org=org)
    body = root({"id": str(customer.pk), "notes": {"note": [{"description": "VIP"}]}},
                {"id": "999999", "notes": {"note": [{"description": "lost"}]}},
                {"id": str(other.pk), "notes": {"note": {"description": "Prefers email"}}})
    # when
    response = post(api_client, PATH, body)
    # then
    assert response.status_code == 200
    assert response_of(response)["status"]["code"] == 201
    assert [entry["item_status"]["code"] for entry in response_of(response)["customer"]] == ["1000", "816", "1000"]
    assert sorted(CustomerNote.objects.values_list("description", flat=True)) == ["Prefers email", "VIP"]
