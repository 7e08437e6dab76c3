"""Applying an evaluation's effects: points to the ledger, labels, messages, outbox events — idempotently."""
from __future__ import annotations

from django.db import transaction

from apps.points.services import SYSTEM, Actor

from ..contexts import ZERO, EventContext, Evaluation
from ..effects import ApplyRun, effect_for
from ..effects.apply_points import awards_apply
from ..errors import RuleInvalid

MAX_PREFIX_LENGTH = 150


def effects_apply(*, org, evaluation: Evaluation, context: EventContext, source_type: str, source_ref: str,
                  actor: Actor = SYSTEM, idempotency_prefix: str, fresh: bool = False,
                  customer_locked: bool = False, account=None) -> list[dict]:
    """Apply the planned effects in order and return what each did. Safe to call twice with the same prefix.

    Each effect is keyed f"{idempotency_prefix}:rule:{rule_id}:{n}" (n: its position in the rule): award keys are
    recorded once (in their credit's award row), message and outbox rows are unique on it, and labels are set-like.
    All awards are applied first, together: one ledger credit f"{idempotency_prefix}:awards" for their summed points
    (its meta lists the points per rule; awards needing another expiry or transferability get a credit per group),
    one award row per credit with each rule's share, the customer and account locked once. Customer caps and budgets are checked again under lock; if a concurrent event used the
    room, the award (and evaluation.total_points) is lowered in place — callers storing per-line points should read
    them from the effects after this call. Post-earn listeners (apps.rules.hooks) are the caller's to run.

    fresh=True: the event's source (a bill) was created in the caller's still-open transaction, so nothing can have
    been applied under this prefix yet; the replay lookups are skipped and the effects join the caller's
    transaction without savepoints (an error fails all of it). customer_locked=True: the caller took the customer's
    row lock before the evaluation, so the customer caps it computed are exact and are not summed again. account:
    the customer's points account in the context's programme (main currency), which the caller locked FOR UPDATE in
    this transaction (it is not locked again).
    """
    with transaction.atomic(savepoint=not fresh):
        return _apply(org=org, evaluation=evaluation, context=context, source_type=source_type, source_ref=source_ref,
                      actor=actor, idempotency_prefix=idempotency_prefix, fresh=fresh,
                      customer_locked=customer_locked, account=account)


def _apply(*, org, evaluation, context, source_type, source_ref, actor, idempotency_prefix, fresh,
           customer_locked, account) -> list[dict]:
    if getattr(context.org, "pk", None) != org.pk:
        raise RuleInvalid(detail="the event belongs to another organisation")
    if not idempotency_prefix or len(idempotency_prefix) > MAX_PREFIX_LENGTH:
        raise RuleInvalid(detail=f"the idempotency prefix must be 1 to {MAX_PREFIX_LENGTH} characters")
    run = ApplyRun(org=org, context=context, source_type=source_type, source_ref=str(source_ref), actor=actor,
                   idempotency_prefix=idempotency_prefix, total_points=evaluation.total_points, fresh=fresh,
                   customer_locked=customer_locked, account=account)
    awards = [e for e in evaluation.effects if e.effect_type == "award_points"] if context.customer else []
    awarded = dict(zip(map(id, awards), awards_apply(effects=awards, run=run), strict=True)) if awards else {}
    results = []
    for effect in evaluation.effects:
        handler = effect_for(effect.effect_type)
        if id(effect) in awarded:
            results.append(awarded[id(effect)])
        elif handler is None:
            results.append({"ruleId": effect.rule_id, "type": effect.effect_type, "key": run.key(effect),
                            "applied": False, "reason": "unknown effect type"})
        elif handler.needs_customer and context.customer is None:
            results.append({"ruleId": effect.rule_id, "type": effect.effect_type, "key": run.key(effect),
                            "applied": False, "reason": "no customer"})
        else:
            results.append(handler.apply(effect=effect, run=run))
    evaluation.total_points = sum((e.points for e in evaluation.awards), ZERO)
    return results
