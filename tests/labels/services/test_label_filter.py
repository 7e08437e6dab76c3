"""Labels as a customer filter: the selector, the queryset helper and the django-filter callable."""
import django_filters
import pytest

from apps.customers.models import Customer
from apps.labels.filters import customer_label_filter
from apps.labels.selectors import customer_ids_with_label, customers_with_label
from tests.factories.customers import CustomerFactory
from tests.factories.labels import CustomerLabelFactory, LabelFactory

pytestmark = pytest.mark.django_db


class CustomerFilter(django_filters.FilterSet):
    label_id = customer_label_filter()

    class Meta:
        model = Customer
        fields = ("status",)


@pytest.fixture
def tagged(org, other_org):
    label = LabelFactory(org=org)
    a, b = CustomerLabelFactory(org=org, label=label).customer, CustomerLabelFactory(org=org, label=label).customer
    CustomerLabelFactory(org=org, label=label, is_active=False)  # untagged: not a match
    CustomerFactory(org=org)
    return label, [a, b]


def test_customer_ids_with_label(org, tagged):
    # given
    label, customers = tagged
    # when
    ids = list(customer_ids_with_label(org=org, label_id=label.pk))
    # then
    assert ids == sorted(c.pk for c in customers)


def test_customer_ids_with_label_of_another_org_is_empty(other_org, tagged):
    label, _ = tagged
    assert list(customer_ids_with_label(org=other_org, label_id=label.pk)) == []


def test_queryset_helper_and_filterset(org, other_org, tagged):
    # given
    label, customers = tagged
    everyone = Customer.objects.all()
    # when
    helper = customers_with_label(everyone, label_id=label.pk)
    filtered = CustomerFilter({"label_id": str(label.pk)}, queryset=everyone).qs
    unfiltered = CustomerFilter({}, queryset=Customer.objects.for_org(org)).qs
    # then
    assert set(helper) == set(filtered) == set(customers)
    assert unfiltered.count() == 4
