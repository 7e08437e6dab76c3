"""Extension points for the tiers domain (a later issue). With nothing registered, both hooks do nothing.

- Post-earn listeners: `register_earn_listener(fn)`; called once for every stored member bill that earns (REGULAR,
  MIXED), after its effects are applied, whatever it earned (awarded may be 0): fn(*, org, customer, program,
  context, awarded). The tiers evaluator upgrades customers there. Listeners must be idempotent.
- Tier projection: `register_tier_projector(fn)`; fn(*, org, customer, program, context) -> TierProjection | None
  says whether this event moves the customer into another tier, and which share of the bill reaches the threshold.
  The engine then earns by the programme's tier-crossing setting (ProgramRuleSettings.tier_crossing):
  EARN_THEN_UPGRADE (old tier's rates, the default), UPGRADE_THEN_EARN (new tier's rates) or SPLIT (the share up
  to the threshold at the old rates, the rest at the new).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .choices import TierCrossing

logger = logging.getLogger(__name__)

_earn_listeners: list[Callable] = []
_tier_projectors: list[Callable] = []
_tier_providers: list[Callable] = []
_return_listeners: list[Callable] = []


@dataclass(frozen=True)
class TierProjection:
    """The tier a customer reaches with this event, and the share (0..1) of the bill earned before reaching it."""

    tier: dict  # {"number", "name"}
    share_before: Decimal


def register_earn_listener(fn: Callable) -> Callable:
    """Add a post-earn listener (usable as a decorator); registering the same function twice keeps one."""
    if fn not in _earn_listeners:
        _earn_listeners.append(fn)
    return fn


def unregister_earn_listener(fn: Callable) -> None:
    if fn in _earn_listeners:
        _earn_listeners.remove(fn)


def earn_listeners_run(*, org, customer, program, context, awarded: Decimal) -> None:
    """Call every post-earn listener in registration order (inside the caller's transaction)."""
    for listener in list(_earn_listeners):
        listener(org=org, customer=customer, program=program, context=context, awarded=awarded)


def register_tier_projector(fn: Callable) -> Callable:
    """Set the function that projects a tier crossing (the tiers domain registers one)."""
    if fn not in _tier_projectors:
        _tier_projectors.append(fn)
    return fn


def unregister_tier_projector(fn: Callable) -> None:
    if fn in _tier_projectors:
        _tier_projectors.remove(fn)


def tier_crossing_mode(program) -> str:
    """The programme's tier-crossing setting (EARN_THEN_UPGRADE when never set)."""
    from .models import ProgramRuleSettings

    from apps.core.orgcache import org_data

    from .selectors import RULES_DATA

    mode = org_data(program.org_id, RULES_DATA, ("tier-crossing", program.pk), lambda: ProgramRuleSettings.objects
                    .filter(program=program).values_list("tier_crossing", flat=True).first())
    return mode or TierCrossing.EARN_THEN_UPGRADE


def tier_projection(context) -> tuple[str, TierProjection | None]:
    """(mode, projection) for an event; no query at all while no projector is registered."""
    if not _tier_projectors or context.customer is None:
        return TierCrossing.EARN_THEN_UPGRADE, None
    mode = tier_crossing_mode(context.program)
    if mode == TierCrossing.EARN_THEN_UPGRADE:
        return mode, None
    for projector in _tier_projectors:
        projection = projector(org=context.org, customer=context.customer, program=context.program, context=context)
        if projection is not None:
            share = min(Decimal("1"), max(Decimal("0"), Decimal(projection.share_before)))
            return mode, TierProjection(tier=projection.tier, share_before=share)
    return mode, None


def register_tier_provider(fn: Callable) -> Callable:
    """Set the function giving a customer's current tier for the rule context: fn(*, org, customer, program)."""
    if fn not in _tier_providers:
        _tier_providers.append(fn)
    return fn


def customer_tier(*, org, customer, program) -> dict | None:
    """The customer's tier ({"number", "name", ...}) from the registered provider; None (no query) without one."""
    for provider in _tier_providers:
        return provider(org=org, customer=customer, program=program)
    return None


def register_return_listener(fn: Callable) -> Callable:
    """Add a listener called once a return is recorded: fn(*, org, parent, return_bill) (inside the transaction)."""
    if fn not in _return_listeners:
        _return_listeners.append(fn)
    return fn


def return_listeners_run(*, org, parent, return_bill) -> None:
    for listener in list(_return_listeners):
        listener(org=org, parent=parent, return_bill=return_bill)
