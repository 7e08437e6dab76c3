"""Customer factories: rows stay inside one org (SelfAttribute), values are unique and realistic (Indian retail)."""
from __future__ import annotations

import factory
from django.utils import timezone

from apps.customers.choices import Channel, CustomerEventType, IdentifierType, Priority, Source
from apps.customers.models import (
    Customer, CustomerCommChannel, CustomerEvent, CustomerIdentifier, CustomerInteraction, CustomerNote,
    CustomerPreference, CustomerProfile, CustomerStatusLabel, CustomerSubscription, CustomerTicket,
)
from tests.factories.organizations import OrganizationFactory

FIRST_NAMES = ("Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Diya", "Karthik", "Meera",
               "Siddharth", "Isha", "Rahul", "Sneha", "Aditya", "Pooja", "Nikhil", "Lakshmi", "Varun", "Divya")
LAST_NAMES = ("Sharma", "Iyer", "Reddy", "Nair", "Patel", "Gupta", "Menon", "Rao", "Das", "Kulkarni",
              "Singh", "Chatterjee", "Pillai", "Joshi", "Mehta", "Banerjee", "Shetty", "Verma", "Bose", "Kapoor")


def mobile_number(n: int) -> str:
    """A valid Indian mobile in the stored form (91 + 10 digits starting with 9)."""
    return f"9198{n:08d}"


def _instore_profile(customer: Customer) -> CustomerProfile:
    profile, _ = CustomerProfile.objects.get_or_create(org=customer.org, customer=customer, source=Source.INSTORE,
                                                       account_id="")
    return profile


def _identifier(customer: Customer, kind: str, value: str) -> None:
    CustomerIdentifier.objects.create(org=customer.org, customer=customer, profile=_instore_profile(customer),
                                      type=kind, value=value)


class CustomerFactory(factory.django.DjangoModelFactory):
    """A loyalty customer with an INSTORE profile and a mobile identifier.

    mobile="..." / email="..." / external_id="..." set identifiers; mobile="" creates none.
    """

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    org = factory.SubFactory(OrganizationFactory)
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)])
    registered_on = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def mobile(obj, create, extracted, **kwargs):
        if create:
            _instore_profile(obj)
            if extracted != "":
                _identifier(obj, IdentifierType.MOBILE, extracted or mobile_number(obj.pk))

    @factory.post_generation
    def email(obj, create, extracted, **kwargs):
        if create and extracted:
            _identifier(obj, IdentifierType.EMAIL, extracted)

    @factory.post_generation
    def external_id(obj, create, extracted, **kwargs):
        if create and extracted:
            _identifier(obj, IdentifierType.EXTERNAL_ID, extracted)


class CustomerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerProfile

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    source = Source.WECHAT
    account_id = factory.Sequence(lambda n: f"wechat-acct-{n}")


class CustomerIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerIdentifier

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    type = IdentifierType.EXTERNAL_ID
    value = factory.Sequence(lambda n: f"EXT{n:07d}")


class CustomerCommChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerCommChannel

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    type = "email"
    value = factory.Sequence(lambda n: f"member{n}@example.in")
    is_primary = True


class CustomerSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerSubscription

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    channel = Channel.SMS
    priority = Priority.BULK
    is_subscribed = True


class CustomerStatusLabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerStatusLabel

    org = factory.SubFactory(OrganizationFactory)
    label = factory.Sequence(lambda n: f"Label {n}")
    status = "ACTIVE"


class CustomerEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerEvent

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    type = CustomerEventType.UPDATED
    parameters = factory.LazyFunction(dict)


class CustomerNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerNote

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    description = factory.Sequence(lambda n: f"Prefers the evening delivery slot ({n})")


class CustomerPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerPreference

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    name = factory.Sequence(lambda n: f"preference_{n}")
    value = "Blue"


class CustomerTicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerTicket

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    code = factory.Sequence(lambda n: f"TKT{n:06d}")
    subject = factory.Sequence(lambda n: f"Points not credited ({n})")


class CustomerInteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerInteraction

    customer = factory.SubFactory(CustomerFactory)
    org = factory.SelfAttribute("customer.org")
    type = "sms"
    subject = "Your points balance"
