"""Label factories: labels and links stay inside one org (SelfAttribute)."""
from __future__ import annotations

import factory

from apps.labels.models import CustomerLabel, Label
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import OrganizationFactory

LABEL_NAMES = ("Premium", "GadgetFreak", "Fashionista", "Weekend Shopper", "High Spender", "New Parent")


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"{LABEL_NAMES[n % len(LABEL_NAMES)]} {n}")
    description = factory.LazyAttribute(lambda o: f"Customers tagged {o.name}")


class CustomerLabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerLabel

    org = factory.SubFactory(OrganizationFactory)
    customer = factory.SubFactory(CustomerFactory, org=factory.SelfAttribute("..org"))
    label = factory.SubFactory(LabelFactory, org=factory.SelfAttribute("..org"))
