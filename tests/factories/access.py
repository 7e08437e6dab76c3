import factory

from apps.access.models import AccessGroup
from apps.access.services import FULL_ACCESS

from .organizations import OrganizationFactory


class AccessGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessGroup

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    permissions = factory.LazyFunction(lambda: dict(FULL_ACCESS))
