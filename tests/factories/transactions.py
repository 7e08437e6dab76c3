"""Transaction factories: bills, lines, SKUs and rejected bills that stay inside one org (SelfAttribute).

Bills that must earn or return points are made through apps.transactions.services (see tests/transactions);
these factories build plain rows for lists, admin screens and tenancy tests.
"""
from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from apps.transactions.choices import BillType, RejectionStatus
from apps.transactions.models import Bill, BillLine, BillTender, Product, RejectedBill
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import OrganizationFactory, StoreFactory

CATEGORIES = ("Grocery", "Dairy", "Beverages", "Personal care", "Home")
BRANDS = ("Amul", "Tata", "Britannica", "Dabur", "Haldiram")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    org = factory.SubFactory(OrganizationFactory)
    item_code = factory.Sequence(lambda n: f"SKU{n:06d}")
    description = factory.Sequence(lambda n: f"Basmati rice 5 kg ({n})")
    category = factory.Sequence(lambda n: CATEGORIES[n % len(CATEGORIES)])
    brand = factory.Sequence(lambda n: BRANDS[n % len(BRANDS)])
    price = Decimal("499.00")


class BillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bill

    org = factory.SubFactory(OrganizationFactory)
    store = factory.SubFactory(StoreFactory, org=factory.SelfAttribute("..org"))
    customer = factory.SubFactory(CustomerFactory, org=factory.SelfAttribute("..org"))
    number = factory.Sequence(lambda n: f"BILL{n:07d}")
    billing_time = factory.LazyFunction(timezone.now)
    bill_date = factory.LazyAttribute(lambda o: timezone.localdate(o.billing_time))
    type = BillType.REGULAR
    amount = Decimal("1000.00")
    gross_amount = Decimal("1000.00")
    currency = "INR"


class BillLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillLine

    bill = factory.SubFactory(BillFactory)
    org = factory.SelfAttribute("bill.org")
    position = factory.Sequence(lambda n: n)
    item_code = factory.Sequence(lambda n: f"SKU{n:06d}")
    description = "Toor dal 1 kg"
    qty = Decimal("2")
    rate = Decimal("150.00")
    value = Decimal("300.00")
    amount = Decimal("300.00")


class BillTenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillTender

    bill = factory.SubFactory(BillFactory)
    org = factory.SelfAttribute("bill.org")
    mode = "CASH"
    value = Decimal("1000.00")


class RejectedBillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RejectedBill

    org = factory.SubFactory(OrganizationFactory)
    store = factory.SubFactory(StoreFactory, org=factory.SelfAttribute("..org"))
    number = factory.Sequence(lambda n: f"REJ{n:07d}")
    type = BillType.REGULAR
    status = RejectionStatus.PENDING
    payload = factory.LazyAttribute(lambda o: {"type": "REGULAR", "number": o.number, "amount": "100",
                                               "customer": {"identifier_name": "mobile",
                                                            "identifier_value": "919800000001"}})
    reasons = factory.LazyFunction(lambda: [{"reason": "UNKNOWN_SKU", "code": 622,
                                             "message": "Unable to add line-item: item code X is not in the product master"}])
