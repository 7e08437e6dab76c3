import factory

from apps.fields.choices import ExtendedFieldDataType, ExtendedFieldEntity
from apps.fields.models import ExtendedField
from tests.factories.organizations import OrganizationFactory


class ExtendedFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtendedField

    org = factory.SubFactory(OrganizationFactory)
    entity = ExtendedFieldEntity.CUSTOMER
    name = factory.Sequence(lambda n: f"ext_field_{n}")
    label = factory.LazyAttribute(lambda o: o.name.replace("_", " ").title())
    data_type = ExtendedFieldDataType.STRING
