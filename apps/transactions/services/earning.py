"""Earning on a bill: evaluate the org's rules, keep the log and the per-line / bill-level points, apply effects.

Runs inside the bill's transaction, so a bill is never stored without its points nor points credited for a bill
that was rolled back. The points ledger locks the customer's account, so concurrent bills queue on it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

from apps.points.services import Actor

from ..choices import LineType
from ..context import context_build
from ..models import Bill, BillLine

ZERO = Decimal(0)
AWARD_POINTS = "award_points"


@dataclass
class PointsSplit:
    """What an evaluation awards: per line position, the bill-level part, and the total."""

    lines: dict[int, Decimal] = field(default_factory=dict)
    bill: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return sum(self.lines.values(), ZERO) + self.bill


def rules_evaluate(context, *, rules=None):
    """apps.rules.engine.evaluate (imported when needed: the rules app builds on this app's selectors)."""
    from apps.rules.engine import evaluate

    return evaluate(context, rules=rules)


def rules_effects_apply(*, org, evaluation, context, source_ref: str, actor, idempotency_prefix: str) -> list[dict]:
    from apps.rules.services import effects_apply

    return effects_apply(org=org, evaluation=evaluation, context=context, source_type="BILL", source_ref=source_ref,
                         actor=actor, idempotency_prefix=idempotency_prefix)


def earn_listeners_run(*, org, customer, program, context, awarded: Decimal) -> None:
    """Post-earn hooks (apps.rules.hooks; the tiers domain registers there). With none registered nothing runs."""
    from apps.rules.hooks import earn_listeners_run as run

    run(org=org, customer=customer, program=program, context=context, awarded=awarded)


def points_split(evaluation) -> PointsSplit:
    """Split award_points effects into line points (by position) and the bill-level remainder of each effect."""
    split = PointsSplit()
    for effect in evaluation.effects:
        if effect.effect_type != AWARD_POINTS:
            continue
        line_part = ZERO
        for index, points in (effect.line_points or {}).items():
            split.lines[int(index)] = split.lines.get(int(index), ZERO) + Decimal(points)
            line_part += Decimal(points)
        split.bill += Decimal(effect.points) - line_part
    return split


def jsonable(value):
    """Decimals and datetimes as strings: what JSONField can store."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def split_for_lines(evaluation, lines: list[BillLine]) -> PointsSplit:
    """points_split, with points a rule tied to a position that is not a sold line counted at bill level."""
    split = points_split(evaluation)
    positions = {line.position for line in lines if line.type == LineType.REGULAR}
    for index in [i for i in split.lines if i not in positions]:
        split.bill += split.lines.pop(index)
    return split


def bill_evaluate(*, bill: Bill, lines: list[BillLine], tenders, customer, program, rules=None):
    """(context, evaluation, split) for a bill in memory; writes nothing (simulation uses this directly)."""
    context = context_build(bill=bill, lines=lines, tenders=tenders, customer=customer, program=program)
    evaluation = rules_evaluate(context, rules=rules)
    return context, evaluation, split_for_lines(evaluation, lines)


def bill_earn(*, bill: Bill, lines: list[BillLine], tenders, customer, program, till) -> list[dict]:
    """Evaluate a saved bill, apply the effects, and store its log and points. Caller holds the transaction.

    The split is read after effects_apply, which may lower an award in place when a concurrent bill used the
    room under a customer cap, so the bill records exactly what was credited.
    """
    context = context_build(bill=bill, lines=lines, tenders=tenders, customer=customer, program=program)
    evaluation = rules_evaluate(context)
    actor = Actor.for_till(till) if till is not None else Actor()
    applied = rules_effects_apply(org=bill.org, evaluation=evaluation, context=context, source_ref=str(bill.pk),
                                  actor=actor, idempotency_prefix=f"bill:{bill.pk}") if evaluation.effects else []
    split = split_for_lines(evaluation, lines)
    changed = []
    for line in lines:
        points = split.lines.get(line.position, ZERO)
        if points:
            line.points = points
            changed.append(line)
    if changed:
        BillLine.objects.bulk_update(changed, ["points"])
    bill.points, bill.bill_points = split.total, split.bill
    bill.evaluation_log = jsonable(evaluation.log)
    bill.effects = jsonable(applied or [])
    bill.save(update_fields=["points", "bill_points", "evaluation_log", "effects", "updated_at"])
    if split.total > 0:
        earn_listeners_run(org=bill.org, customer=customer, program=program, context=context, awarded=split.total)
    return applied or []
