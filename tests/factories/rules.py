"""Rule factories: rows stay inside one org; effects default to 1% of the bill. The factory bypasses the services'
checks (tests of validation call the services)."""
from __future__ import annotations

import factory

from apps.points.services import program_create
from apps.rules.choices import EventType, RuleStatus
from apps.rules.models import Rule

from .organizations import OrganizationFactory


class ProgramFactory(factory.django.DjangoModelFactory):
    """A programme created through program_create, so it has its points currency."""

    class Meta:
        model = "points.LoyaltyProgram"

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Club {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return program_create(**kwargs)


def percent_of_bill(value: str = "1") -> list[dict]:
    return [{"type": "award_points", "params": {"basis": "bill_percent", "value": value}}]


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule
        skip_postgeneration_save = True

    org = factory.SubFactory(OrganizationFactory)
    program = factory.SubFactory(ProgramFactory, org=factory.SelfAttribute("..org"))
    name = factory.Sequence(lambda n: f"Rule {n}")
    event_type = EventType.BILL_ADDED
    status = RuleStatus.RUNNING
    effects = factory.LazyFunction(percent_of_bill)

    @factory.post_generation
    def stores(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.stores.set(extracted)

    @factory.post_generation
    def zones(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.zones.set(extracted)
