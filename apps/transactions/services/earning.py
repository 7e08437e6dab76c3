"""Earning on a bill: evaluate the org's rules, keep the log and the per-line / bill-level points, apply effects.

Runs inside the bill's transaction, so a bill is never stored without its points nor points credited for a bill
that was rolled back. The points ledger locks the customer's account, so concurrent bills queue on it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from apps.points.services import Actor

from ..choices import LineType
from ..context import EVENT_BILL_ADDED, context_build
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


def rules_evaluate(context, *, rules=None, usage=None):
    """apps.rules.engine.evaluate (imported when needed: the rules app builds on this app's selectors)."""
    from apps.rules.engine import evaluate

    return evaluate(context, rules=rules, usage=usage)


def rules_effects_apply(*, org, evaluation, context, source_ref: str, actor, idempotency_prefix: str,
                        fresh: bool = False, customer_locked: bool = False) -> list[dict]:
    from apps.rules.services import effects_apply

    return effects_apply(org=org, evaluation=evaluation, context=context, source_type="BILL", source_ref=source_ref,
                         actor=actor, idempotency_prefix=idempotency_prefix, fresh=fresh,
                         customer_locked=customer_locked)


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


def bill_evaluate(*, bill: Bill, lines: list[BillLine], tenders, customer, program, rules=None,
                  prep: EarnPrep | None = None):
    """(context, evaluation, split) for a bill in memory; writes nothing (simulation uses this directly).

    With an EarnPrep (the bill path), the customer's labels come from it and what the customer has used of the
    running rules' customer caps is read in one query (their tallies) before the rules run.
    """
    context = context_build(bill=bill, lines=lines, tenders=tenders, customer=customer, program=program,
                            label_names=prep.label_names if prep is not None else None)
    usage = None
    if prep is not None and prep.capped_rules:
        from apps.rules.engine import PrefetchedCapUsage, customer_cap_windows
        from apps.rules.selectors import rules_customer_awarded

        usage = PrefetchedCapUsage(rules_customer_awarded(
            org_id=bill.org_id, customer_id=customer.pk, windows=customer_cap_windows(context, prep.capped_rules)))
    evaluation = rules_evaluate(context, rules=rules, usage=usage)
    return context, evaluation, split_for_lines(evaluation, lines)


@dataclass
class EarnPlan:
    """What a bill will earn, decided before the bill is stored (so it is inserted with its points)."""

    context: object
    evaluation: object
    split: PointsSplit
    customer_locked: bool = False  # planned under the customer's row lock (customer caps exact)



@dataclass
class EarnPrep:
    """What the bill path reads about the customer before planning: whether the customer row is locked, the names of
    the labels the customer carries, and the running rules that cap points per customer."""

    locked: bool = False
    label_names: list[str] | None = None
    capped_rules: list = field(default_factory=list)


def earn_prepare(*, org, program, customer) -> EarnPrep:
    """Before planning a member's bill: lock the customer when a running bill rule caps points per customer (so the
    caps are read once, exactly, and effects_apply need not read them again), and read the customer's labels.

    On PostgreSQL the lock and the labels are one statement; the cap tallies are read after the lock
    (bill_evaluate), so they hold every award committed before it.
    """
    from apps.customers.models import Customer
    from apps.labels.selectors import customer_label_names_query, customer_lock_and_label_names
    from apps.rules.selectors import rules_for_event

    if customer is None or program is None:
        return EarnPrep()
    capped = [rule for rule in rules_for_event(org=org, program=program, event_type=EVENT_BILL_ADDED)
              if rule.max_points_per_customer is not None]
    if not capped:
        return EarnPrep(label_names=list(customer_label_names_query(org=org, customer_ref=customer.pk)))
    if connection.vendor == "postgresql":
        return EarnPrep(locked=True, label_names=customer_lock_and_label_names(org=org, customer_id=customer.pk),
                        capped_rules=capped)
    list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True))
    return EarnPrep(locked=True, label_names=list(customer_label_names_query(org=org, customer_ref=customer.pk)),
                    capped_rules=capped)


def _points_set(bill: Bill, lines: list[BillLine], split: PointsSplit) -> list[BillLine]:
    """Write a split onto the bill and its lines in memory; returns the lines whose points changed."""
    changed = []
    for line in lines:
        points = split.lines.get(line.position, ZERO)
        if line.points != points:
            line.points = points
            changed.append(line)
    bill.points, bill.bill_points = split.total, split.bill
    return changed


def planned_effects(evaluation) -> list[dict]:
    return jsonable([{"ruleId": e.rule_id, "ruleName": e.rule_name, **e.log_item()} for e in evaluation.effects])


def bill_plan(*, bill: Bill, lines: list[BillLine], tenders, customer, program, prep: EarnPrep) -> EarnPlan:
    """Evaluate a bill not yet stored and put its points, log and planned effects on the objects (no writes)."""
    context, evaluation, split = bill_evaluate(bill=bill, lines=lines, tenders=tenders, customer=customer,
                                               program=program, prep=prep)
    _points_set(bill, lines, split)
    bill.evaluation_log = jsonable(evaluation.log)
    bill.effects = planned_effects(evaluation)
    return EarnPlan(context=context, evaluation=evaluation, split=split, customer_locked=prep.locked)


def bill_award(*, plan: EarnPlan, bill: Bill, lines: list[BillLine], till) -> list[dict]:
    """Apply a stored bill's planned effects (credits with keys f"bill:{pk}:rule:..."). Caller holds the transaction.

    effects_apply may lower an award in place when a concurrent bill used the room under a customer cap; the bill
    and its lines are then corrected (one update each), so they record exactly what was credited.
    """
    if not plan.evaluation.effects:
        _bill_listeners_run(plan=plan, bill=bill, awarded=ZERO)
        return []
    actor = Actor.for_till(till) if till is not None else Actor()
    applied = rules_effects_apply(org=bill.org, evaluation=plan.evaluation, context=plan.context,
                                  source_ref=str(bill.pk), actor=actor, idempotency_prefix=f"bill:{bill.pk}",
                                  fresh=True,  # the bill was inserted in this transaction
                                  customer_locked=plan.customer_locked)
    split = split_for_lines(plan.evaluation, lines)
    if split.total != plan.split.total or split.lines != plan.split.lines:
        changed = _points_set(bill, lines, split)
        if changed:
            BillLine.objects.bulk_update(changed, ["points"])
        bill.effects = planned_effects(plan.evaluation)
        bill.save(update_fields=["points", "bill_points", "effects", "updated_at"])
    _bill_listeners_run(plan=plan, bill=bill, awarded=split.total)
    return applied or []


def _bill_listeners_run(*, plan: EarnPlan, bill: Bill, awarded: Decimal) -> None:
    """Every member bill is a qualifying event for the post-earn listeners (tiers: visits and spend count even when
    the bill earns no points); called once per stored bill."""
    if bill.customer_id is not None:
        earn_listeners_run(org=bill.org, customer=bill.customer, program=bill.program, context=plan.context,
                           awarded=awarded)
