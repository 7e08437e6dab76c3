"""Customer login factories. The password is given in clear and stored the way the service stores it."""
from __future__ import annotations

import hashlib

import factory
from django.contrib.auth.hashers import make_password

from apps.user_auth.choices import Username
from apps.user_auth.models import CustomerCredential
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import OrganizationFactory

CUSTOMER_PASSWORD = "Tom-sawyer-123"


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class CustomerCredentialFactory(factory.django.DjangoModelFactory):
    """CustomerCredentialFactory(org=..., password="clear text") (default CUSTOMER_PASSWORD)."""

    class Meta:
        model = CustomerCredential

    class Params:
        clear_password = CUSTOMER_PASSWORD

    org = factory.SubFactory(OrganizationFactory)
    customer = factory.SubFactory(CustomerFactory, org=factory.SelfAttribute("..org"))
    registered_with = Username.MOBILE
    username = factory.LazyAttribute(lambda o: f"customer-{o.customer.pk}")
    password = factory.LazyAttribute(lambda o: make_password(md5(o.clear_password)))
