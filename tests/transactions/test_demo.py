"""Demo bills: added through the services, deterministic with the seed, idempotent."""
from __future__ import annotations

import pytest

from apps.points.models import PointsAccount
from apps.transactions.demo import demo_bills_load
from apps.transactions.models import Bill, Product
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import OrganizationFactory, PaymentModeFactory, TillFactory

pytestmark = pytest.mark.django_db


def demo_world(org):
    from apps.points.services import program_ensure_default
    from apps.rules.services import default_earn_rule_ensure

    default_earn_rule_ensure(org=org, program=program_ensure_default(org=org), percent=5)
    TillFactory(org=org)
    for name in ("CASH", "CARD", "UPI"):
        PaymentModeFactory(org=org, name=name)
    CustomerFactory.create_batch(5, org=org)


def fingerprint(org) -> list[tuple]:
    return list(Bill.objects.for_org(org).order_by("billing_time", "id").values_list(
        "number", "type", "return_type", "amount", "points", "points_reversed"))


def test_demo_bills_are_deterministic_and_idempotent(org, other_org):
    # given two identical orgs
    demo_world(org)
    demo_world(other_org)
    # when
    added = demo_bills_load(org=org, seed=7, count=120)
    again = demo_bills_load(org=org, seed=7, count=120)
    demo_bills_load(org=other_org, seed=7, count=120)
    # then
    assert added >= 110 and again == 0
    assert fingerprint(org) == fingerprint(other_org)
    assert Product.objects.for_org(org).count() == 28
    assert Bill.objects.for_org(org).filter(type="RETURN").exists()
    assert Bill.objects.for_org(org).filter(type="NOT_INTERESTED").exists()
    assert PointsAccount.objects.filter(org=org, available__gt=0).exists()


def test_demo_needs_tills_and_members():
    assert demo_bills_load(org=OrganizationFactory(), count=5) == 0
