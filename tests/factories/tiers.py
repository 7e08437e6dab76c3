"""Tier factories: ladders built through the services (so ladder rules hold), plain rows for lists and admin."""
from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from apps.tiers.choices import ChangeSource, ChangeType
from apps.tiers.models import Tier, TierChange, TierMembership
from apps.tiers.services import tier_create, tier_settings_set
from tests.factories.customers import CustomerFactory
from tests.factories.points import LoyaltyProgramFactory

D = Decimal


def ladder_build(*, org, program, thresholds=("0", "1000", "5000"), names=("Silver", "Gold", "Platinum"),
                 **settings) -> list[Tier]:
    """A ladder through tier_create (base first), with the programme's tier settings."""
    tier_settings_set(org=org, program=program, **settings)
    return [tier_create(org=org, program=program, name=name, threshold=D(threshold))
            for name, threshold in zip(names, thresholds)]


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier

    program = factory.SubFactory(LoyaltyProgramFactory)
    org = factory.SelfAttribute("program.org")
    serial = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Tier {n}")
    threshold = factory.LazyAttribute(lambda o: D(1000) * (o.serial - 1))


class TierMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TierMembership

    tier = factory.SubFactory(TierFactory)
    org = factory.SelfAttribute("tier.org")
    program = factory.SelfAttribute("tier.program")
    customer = factory.SubFactory(CustomerFactory, org=factory.SelfAttribute("..org"))
    since = factory.LazyFunction(timezone.now)
    cycle_start = factory.LazyFunction(timezone.now)


class TierChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TierChange

    to_tier = factory.SubFactory(TierFactory)
    org = factory.SelfAttribute("to_tier.org")
    program = factory.SelfAttribute("to_tier.program")
    customer = factory.SubFactory(CustomerFactory, org=factory.SelfAttribute("..org"))
    to_serial = factory.SelfAttribute("to_tier.serial")
    to_name = factory.SelfAttribute("to_tier.name")
    change_type = ChangeType.UPGRADE
    source = ChangeSource.AUTOMATIC
