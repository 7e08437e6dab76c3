"""A small purchase history: the customer bought RICE; others bought it together with other items."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.transactions.choices import BillType
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import StoreFactory
from tests.factories.transactions import BillFactory, BillLineFactory, ProductFactory

MOBILE = "919845000001"


def buy(customer, codes, *, days_ago: int = 1, store=None, type=BillType.REGULAR, org=None):
    """One bill of `customer` (None: a non-member bill of `org`) with a line per item code."""
    org = org or customer.org
    kwargs = {"store": store} if store is not None else {}
    bill = BillFactory(org=org, customer=customer, type=type,
                       billing_time=timezone.now() - timedelta(days=days_ago), **kwargs)
    for position, code in enumerate(codes, start=1):
        BillLineFactory(bill=bill, item_code=code, position=position)
    return bill


@dataclass
class History:
    customer: object
    store: object


@pytest.fixture
def history(org, other_org):
    # given: the customer bought RICE (and a returned OIL); others bought RICE with DAL (twice), GHEE, SALT
    store = StoreFactory(org=org)
    customer = CustomerFactory(org=org, mobile=MOBILE, first_name="Asha", last_name="Rao")
    ProductFactory(org=org, item_code="DAL", description="Toor dal 1 kg", category="Grocery", brand="Tata")
    ProductFactory(org=org, item_code="GHEE", description="Cow ghee 500 ml", category="Dairy", brand="Amul")
    ProductFactory(org=org, item_code="OLDSKU", description="Discontinued", is_active=False)
    buy(customer, ["RICE"], store=store)
    others = [CustomerFactory(org=org) for _ in range(5)]
    buy(others[0], ["RICE", "DAL"], store=store)
    buy(others[1], ["RICE", "DAL", "GHEE"], store=store)
    buy(others[2], ["RICE", "SALT", "OLDSKU"], store=store)
    # top sellers not bought with RICE
    for other in others[2:5]:
        buy(other, ["SOAP"], store=store)
    buy(others[3], ["TEA"], store=store)
    # outside the 90-day window, a return, and another org: none of them count
    buy(others[4], ["RICE", "ANCIENT"], days_ago=200, store=store)
    buy(others[4], ["RICE", "RETURNED"], store=store, type=BillType.RETURN)
    foreign = CustomerFactory(org=other_org)
    buy(foreign, ["RICE", "FOREIGN"])
    buy(foreign, ["FOREIGN"])
    return History(customer=customer, store=store)
