import factory
from django.utils.text import slugify

from apps.organizations.models import Concept, CustomField, Location, OrgConfig, Organization, PaymentMode, Store, Till, Zone

TILL_PASSWORD = "till-secret-1"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")
    code = factory.LazyAttribute(lambda o: slugify(o.name))
    base_currency = "INR"
    timezone = "Asia/Kolkata"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    org = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"zone{n}")
    name = factory.Sequence(lambda n: f"Zone {n}")


class ConceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concept

    org = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"concept{n}")
    name = factory.Sequence(lambda n: f"Concept {n}")


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    org = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"store{n}")
    name = factory.Sequence(lambda n: f"Store {n}")
    external_id = factory.Sequence(lambda n: f"EXT{n:05d}")
    city = "Bengaluru"


class TillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Till
        skip_postgeneration_save = True

    org = factory.SubFactory(OrganizationFactory)
    store = factory.SubFactory(StoreFactory, org=factory.SelfAttribute("..org"))
    code = factory.Sequence(lambda n: f"till{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    username = factory.LazyAttribute(lambda o: f"{o.code}.{o.org.code}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_api_password(extracted or TILL_PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class OrgConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgConfig

    org = factory.SubFactory(OrganizationFactory)


class PaymentModeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentMode

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"TENDER{n}")
    canonical_name = factory.LazyAttribute(lambda o: o.name)


class CustomFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomField

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"field_{n}")
    label = factory.LazyAttribute(lambda o: o.name.title())
    scope = "loyalty_registration"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    org = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"loc{n}")
    label = factory.Sequence(lambda n: f"Location {n}")
