"""The demo loader: deterministic for a seed, registered through the services, idempotent."""
import pytest

from apps.customers.demo import demo_customers_load
from apps.customers.models import Customer, CustomerIdentifier
from tests.factories.organizations import OrganizationFactory, TillFactory

pytestmark = pytest.mark.django_db


def _snapshot(org):
    return list(CustomerIdentifier.objects.filter(org=org).order_by("customer_id", "type").values_list("type", "value"))


def test_demo_customers_are_deterministic_and_loaded_once():
    # given
    first, second = OrganizationFactory(country_code="IN"), OrganizationFactory(country_code="IN")
    TillFactory(org=first)
    TillFactory(org=second)
    # when
    added = demo_customers_load(org=first, seed=7, count=25)
    again = demo_customers_load(org=first, seed=7, count=25)
    demo_customers_load(org=second, seed=7, count=25)
    # then
    assert (added, again) == (25, 0)
    assert Customer.objects.filter(org=first).count() == 25
    assert _snapshot(first) == _snapshot(second)
    customer = Customer.objects.filter(org=first).order_by("id").first()
    assert customer.extended_fields.keys() == {"gender", "city", "dob"} and customer.gender in ("Male", "Female")
    assert customer.registered_till is not None and customer.subscriptions.exists()
    assert customer.identifiers.filter(type="mobile").get().value.startswith("91")
