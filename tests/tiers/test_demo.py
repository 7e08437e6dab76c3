"""The demo loader: a three-tier ladder on the default programme, customers placed from their bills, idempotent."""
from __future__ import annotations

import pytest

from apps.tiers.demo import demo_tiers_load
from apps.tiers.models import Tier, TierChange, TierMembership
from tests.tiers.conftest import at

pytestmark = pytest.mark.django_db


def test_demo_ladder_and_placement_are_idempotent(org, program, earn_rule, member, buy):
    buy("B1", "7000", at(2024, 4, 15))  # before any ladder exists: no upgrade yet
    first = demo_tiers_load(org=org)
    assert first["tiers"] == ["Silver", "Gold", "Platinum"]
    gold, platinum = Tier.objects.filter(program=program, serial__gt=1).order_by("serial")
    assert (gold.threshold, platinum.threshold) == (5000, 15000) and gold.renew_visits == 4
    assert first["moved"] == 1 and TierMembership.objects.get(customer=member).tier.name == "Gold"
    second = demo_tiers_load(org=org)
    assert second["moved"] == 0 and Tier.objects.count() == 3 and TierChange.objects.count() == 1
