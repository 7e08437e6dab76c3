"""Helpers of the v1.1 customer API tests: posting v1.1 bodies, reading the envelope, a registered customer."""
from __future__ import annotations

import json

import pytest

from apps.fields.choices import ExtendedFieldDataType
from tests.factories.customers import CustomerFactory
from tests.factories.fields import ExtendedFieldFactory

MOBILE = "919845012345"
OTHER_MOBILE = "919845067890"


def post(client, path: str, body) -> "object":
    """POST a JSON body (a dict, or raw text for malformed bodies) the way v1.1 clients do."""
    data = body if isinstance(body, str) else json.dumps(body)
    return client.generic("POST", path, data=data, content_type="application/json")


def root(*items, key: str = "customer") -> dict:
    return {"root": {key: list(items)}}


def response_of(response) -> dict:
    return response.json()["response"]


def items_of(response, container: str = "customers", item: str = "customer") -> list[dict]:
    value = response_of(response)[container][item]
    return value if isinstance(value, list) else [value]


def item_codes(response, container: str = "customers", item: str = "customer") -> list[str]:
    return [entry["item_status"]["code"] for entry in items_of(response, container, item)]


@pytest.fixture
def customer(org, till):
    """A loyalty customer of org A with mobile, email and external id, registered at the API till."""
    return CustomerFactory(org=org, mobile=MOBILE, email="tom@example.com", external_id="TOM345",
                           first_name="Tom", last_name="Sawyer", registered_till=till, registered_store=till.store)


@pytest.fixture
def customer_fields(org):
    """The extended fields the documented samples send (gender, city, dob)."""
    ExtendedFieldFactory(org=org, name="gender", data_type=ExtendedFieldDataType.STANDARD_ENUM,
                         enum_values=["Male", "Female", "Other"])
    ExtendedFieldFactory(org=org, name="city")
    ExtendedFieldFactory(org=org, name="dob", data_type=ExtendedFieldDataType.DATE)
