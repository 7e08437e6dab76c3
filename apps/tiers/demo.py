"""Demo tiers: Silver (base), Gold and Platinum on the default programme, upgraded on lifetime purchases, valid 12
months with renewal conditions; demo customers are placed from the bills they already have. Idempotent."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from .choices import Criterion, DowngradeMode, ValidityMode
from .selectors import ladder, metric_values, tier_settings_get
from .services import tier_create, tier_settings_set, tier_update, tiers_upgrade_all

STEP = Decimal("500")


def _thresholds(*, org, program) -> tuple[Decimal, Decimal]:
    """Gold and Platinum thresholds at about the 70th and 93rd percentile of lifetime purchases (rounded to 500),
    so the demo shows customers in every tier whatever bills were generated; 5,000 / 15,000 without bills."""
    from django.utils import timezone

    values = sorted(metric_values(org=org, program=program, criterion=Criterion.LIFETIME_PURCHASES,
                                  customer_ids=None, now=timezone.now()).values())
    if len(values) < 10:
        return Decimal("5000"), Decimal("15000")

    def at(share: float) -> Decimal:
        return max(STEP, (values[int(len(values) * share)] / STEP).to_integral_value() * STEP)

    gold = at(0.70)
    return gold, max(gold + STEP, at(0.93))


@transaction.atomic
def demo_tiers_load(*, org, seed: int = 42) -> dict:
    """Create the ladder when the default programme has none, then place customers by their bills."""
    from apps.points.services import program_ensure_default

    program = program_ensure_default(org=org)
    tiers = ladder(org=org, program=program)
    if not tiers:
        tier_settings_set(org=org, program=program, criterion=Criterion.LIFETIME_PURCHASES,
                          validity_mode=ValidityMode.FIXED_MONTHS, validity_months=12, downgrade_enabled=True,
                          downgrade_mode=DowngradeMode.ONE_TIER, downgrade_on_return=True, reminder_days=15)
        gold, platinum = _thresholds(org=org, program=program)
        tiers = [tier_create(org=org, program=program, name="Silver", colour="#A8A9AD",
                             description="Every member starts here."),
                 tier_create(org=org, program=program, name="Gold", threshold=gold, colour="#D4AF37",
                             description="Earns 1.5× on every bill.", earn_multiplier=Decimal("1.5")),
                 tier_create(org=org, program=program, name="Platinum", threshold=platinum, colour="#5B6770",
                             description="Earns 2× and redeems up to 5,000 points a bill.",
                             earn_multiplier=Decimal("2"), max_redeem_per_bill=Decimal("5000"))]
        tier_update(org=org, tier=tiers[1], renew_purchase_amount=gold / 2, renew_visits=4)
        tier_update(org=org, tier=tiers[2], renew_purchase_amount=platinum / 2, renew_visits=6)
    elif tier_settings_get(org=org, program=program).pk is None:
        tier_settings_set(org=org, program=program)
    moved = tiers_upgrade_all(org=org, program=program, reason="Demo: placed by lifetime purchases")
    return {"program": program.pk, "tiers": [t.name for t in ladder(org=org, program=program)], "moved": moved}
