"""Crediting a planned award: re-check the history caps under lock, credit the ledger, record the award.

Lock order (always the same, so concurrent bills cannot deadlock): the customer row (customer caps), then the rule's
tally row (budgets), then the points account (taken inside points_credit).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone

from ..contexts import ZERO, PlannedEffect
from .base import ApplyRun
from .points import award_shrink, quantum_for


def _result(effect: PlannedEffect, key: str, **extra) -> dict:
    return {"ruleId": effect.rule_id, "type": effect.effect_type, "key": key, "points": str(effect.points),
            "billPoints": str(effect.bill_points),
            "linePoints": {str(k): str(v) for k, v in sorted(effect.line_points.items())}, **extra}


def _customer_room(*, run: ApplyRun, effect: PlannedEffect, cap: dict) -> Decimal:
    from apps.customers.models import Customer

    from ..models import RuleAward

    customer = run.context.customer
    list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True))
    awards = RuleAward.objects.filter(rule_id=effect.rule_id, customer_id=customer.pk)
    if cap.get("since"):
        awards = awards.filter(awarded_at__gte=datetime.fromisoformat(cap["since"]),
                               awarded_at__lt=datetime.fromisoformat(cap["until"]))
    used = awards.aggregate(total=Sum("points"))["total"] or ZERO
    return Decimal(cap["max"]) - used


def _tally_lock(*, run: ApplyRun, rule_id: int):
    from ..models import RuleTally

    tally, _ = RuleTally.objects.select_for_update().get_or_create(org=run.org, rule_id=rule_id)
    return tally


def _recheck(*, run: ApplyRun, effect: PlannedEffect, caps: dict):
    """Clamp the award to what the caps allow now (a concurrent bill may have used the room); returns the tally."""
    allowed, capped_by, tally = effect.points, None, None
    if caps.get("customer"):
        room = _customer_room(run=run, effect=effect, cap=caps["customer"])
        if room < allowed:
            allowed, capped_by = max(ZERO, room), "customer"
    if caps.get("budget"):
        tally = _tally_lock(run=run, rule_id=effect.rule_id)
        room = Decimal(caps["budget"]) - tally.awarded_points
        if room < allowed:
            allowed, capped_by = max(ZERO, room), "budget"
    if allowed < effect.points:
        award_shrink(effect, allowed if caps.get("allowPartial", True) else ZERO, Decimal(caps["quantum"]))
        effect.params["cappedBy"] = f"{capped_by} (when applied)"
    return tally


def award_apply(*, effect: PlannedEffect, run: ApplyRun) -> dict:
    """Credit the award once per key; a replay returns what the first call credited."""
    from apps.points.services import points_credit

    from ..models import RuleAward, RuleTally

    key = run.key(effect)
    done = RuleAward.objects.filter(org=run.org, idempotency_key=key).first()
    if done is not None:
        return _result(effect, key, applied=True, replayed=True,
                       points=str(done.points.quantize(quantum_for(run.context.program))))
    context = run.context
    tally = _recheck(run=run, effect=effect, caps=effect.params["caps"]) if effect.params.get("caps") else None
    if effect.points <= 0:
        return _result(effect, key, applied=False, replayed=False, reason=f"cap reached: {effect.params['cappedBy']}")
    entry = points_credit(
        org=run.org, customer=context.customer, points=effect.points, program=context.program,
        source_type=run.source_type, source_ref=run.source_ref, reason=f"Rule: {effect.rule_name}"[:250],
        actor=run.actor, idempotency_key=key, earned_at=context.occurred_at,
        meta={"ruleId": effect.rule_id, "billPoints": str(effect.bill_points),
              "linePoints": {str(k): str(v) for k, v in sorted(effect.line_points.items())}})
    # points_credit holds the account lock now, so a concurrent first call with this key has committed: look again.
    if (done := RuleAward.objects.filter(org=run.org, idempotency_key=key).first()) is not None:
        return _result(effect, key, applied=True, replayed=True,
                       points=str(done.points.quantize(quantum_for(run.context.program))))
    # Every value is computed here and the key was checked under the lock: no full_clean (a query per constraint).
    RuleAward.objects.create(org=run.org, rule_id=effect.rule_id, customer=context.customer, program=context.program,
                             points=effect.points, source_type=run.source_type, source_ref=run.source_ref,
                             idempotency_key=key, ledger_entry=entry, awarded_at=context.occurred_at)
    if tally is not None:
        RuleTally.objects.filter(pk=tally.pk).update(awarded_points=F("awarded_points") + effect.points,
                                                     award_count=F("award_count") + 1, updated_at=timezone.now())
    run.applied_points[effect.rule_id] = run.applied_points.get(effect.rule_id, ZERO) + effect.points
    return _result(effect, key, applied=True, replayed=False)
