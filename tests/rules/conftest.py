"""Fixtures for the rules engine: a programme, a customer, a store, and a builder of bill events."""
from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest

from apps.points.services import program_create
from apps.rules.engine import EventContext
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import StoreFactory

D = Decimal
# A Thursday, 10:00 in Asia/Kolkata (the test org's time zone).
THURSDAY = datetime(2026, 1, 15, 4, 30, tzinfo=dt_timezone.utc)
SATURDAY = datetime(2026, 1, 17, 4, 30, tzinfo=dt_timezone.utc)


@pytest.fixture
def program(org):
    return program_create(org=org, name="Club", is_default=True, validation_code_required=False)


@pytest.fixture
def customer(org):
    return CustomerFactory(org=org, first_name="Asha", email="asha@example.in")


@pytest.fixture
def store(org):
    return StoreFactory(org=org, code="blr", name="Indiranagar")


def line(index: int, amount: str, *, category: str = "", brand: str = "", item_code: str = "", qty: str = "1") -> dict:
    return {"index": index, "item_code": item_code or f"SKU{index}", "description": f"Item {index}", "qty": D(qty),
            "rate": D(amount) / D(qty), "value": D(amount), "discount": D("0"), "amount": D(amount),
            "category": category, "brand": brand, "attributes": {}}


def bill_event(*, org, program, customer=None, store=None, amount: str = "1000", lines=None, at=THURSDAY,
               labels=None, tier=None, number: str = "B-1", event_type: str = "BILL_ADDED",
               extended_fields=None) -> EventContext:
    lines = lines if lines is not None else []
    return EventContext(
        event_type=event_type, occurred_at=at, org=org, program=program, customer=customer, store=store,
        bill={"number": number, "type": "REGULAR", "amount": D(amount), "gross_amount": D(amount),
              "discount": D("0"), "billing_time": at, "payment_modes": [{"mode": "CASH", "value": D(amount)}],
              "extended_fields": extended_fields or {}, "custom_fields": {}, "currency": "INR"},
        lines=lines,
        attributes={"customer": {"labels": labels or [], "tier": tier, "registered_on": "2025-01-01T00:00:00+00:00",
                                 "extended_fields": {}} if customer else {}, "event": {}},
    )


@pytest.fixture
def event(org, program, customer, store):
    """A builder of bill events for the test org's programme, customer and store."""
    def build(**kwargs):
        kwargs.setdefault("customer", customer)
        kwargs.setdefault("store", store)
        return bill_event(org=org, program=program, **kwargs)
    return build
