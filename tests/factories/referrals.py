"""Referral factories: invitations and referees stay inside the referrer's org."""
from __future__ import annotations

import factory

from apps.referrals.choices import ReferralChannel, ReferralStatus
from apps.referrals.models import Referee, Referral
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import OrganizationFactory


class ReferralFactory(factory.django.DjangoModelFactory):
    """An invitation by mobile to a number nobody registered (91 + 10 digits starting with 7)."""

    class Meta:
        model = Referral

    org = factory.SubFactory(OrganizationFactory)
    referrer = factory.SubFactory(CustomerFactory, org=factory.SelfAttribute("..org"))
    channel = ReferralChannel.MOBILE
    identifier = factory.Sequence(lambda n: f"9177{n:08d}")
    name = factory.Sequence(lambda n: f"Friend {n}")
    status = ReferralStatus.INVITED


class RefereeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referee

    org = factory.SubFactory(OrganizationFactory)
    referrer = factory.SubFactory(CustomerFactory, org=factory.SelfAttribute("..org"))
    referee = factory.SubFactory(CustomerFactory, org=factory.SelfAttribute("..org"))
    code = factory.Sequence(lambda n: f"code{n:05d}")
