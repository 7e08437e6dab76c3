"""Earning on a bill: evaluate the org's rules, keep the log and the per-line / bill-level points, apply effects.

Runs inside the bill's transaction, so a bill is never stored without its points nor points credited for a bill
that was rolled back. The points ledger locks the customer's account, so concurrent bills queue on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from apps.points.services import Actor

from ..choices import LineType
from ..context import context_build, customer_label_names
from ..models import Bill, BillLine
from ..selectors import EarnReads, EarnReadsPlan, bill_customer_and_earn_reads, bill_earn_reads

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
                        fresh: bool = False, customer_locked: bool = False, account=None) -> list[dict]:
    from apps.rules.services import effects_apply

    return effects_apply(org=org, evaluation=evaluation, context=context, source_type="BILL", source_ref=source_ref,
                         actor=actor, idempotency_prefix=idempotency_prefix, fresh=fresh,
                         customer_locked=customer_locked, account=account)


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

    With an EarnPrep (the bill path), the customer's labels and what the customer has used of the running rules'
    customer caps come from it."""
    context = context_build(bill=bill, lines=lines, tenders=tenders, customer=customer, program=program,
                            label_names=prep.label_names if prep is not None else None)
    evaluation = rules_evaluate(context, rules=rules, usage=prep.usage if prep is not None else None)
    return context, evaluation, split_for_lines(evaluation, lines)


@dataclass
class EarnPlan:
    """What a bill will earn, decided before the bill is stored (so it is inserted with its points)."""

    context: object
    evaluation: object
    split: PointsSplit
    customer_locked: bool = False  # planned under the customer's row lock (customer caps exact)
    account: object | None = None  # the customer's points account, locked before planning (EarnPrep)


@dataclass
class EarnPrep:
    """What the bill path reads about the customer before planning: whether the customer row is locked, the names of
    the labels the customer carries, what the customer has used of the running rules' customer caps (a CapUsage for
    the engine), and the customer's points account when it was locked here."""

    locked: bool = False
    label_names: list[str] | None = None
    usage: object | None = None
    account: object | None = None


class CustomerEarnLookup:
    """apps.customers.selectors.customer_lookup's query for a member bill on PostgreSQL: finds the customer and, in
    the same statement, does the plan's earn reads (selectors.bill_customer_and_earn_reads), kept for earn_prepare."""

    def __init__(self, *, org, plan: EarnReadsPlan):
        self.org, self.plan, self.reads = org, plan, None

    def __call__(self, tail: str, params: list):
        customer, self.reads = bill_customer_and_earn_reads(org=self.org, lookup_tail=tail, lookup_params=params,
                                                            plan=self.plan)
        return customer

    def reads_of(self, customer) -> EarnReads | None:
        """The reads made for this customer (None: it was not found by the lookup, e.g. registered since)."""
        reads = self.reads
        return reads if reads is not None and customer is not None and reads.customer_id == customer.pk else None


def earn_prepare(*, org, customer, plan: EarnReadsPlan, reads: EarnReads | None = None) -> EarnPrep:
    """Before planning a member's bill: lock the customer when a running bill rule caps points per customer (so the
    caps are read once, exactly, and effects_apply need not read them again), read what the customer used of those
    caps and the labels it carries, and lock its points account (as the plan says).

    On PostgreSQL all of it is one statement, the locks in the bill path's order: the lookup's own when it found
    the customer (reads, from CustomerEarnLookup), else selectors.bill_earn_reads."""
    from apps.customers.models import Customer
    from apps.rules.engine import PrefetchedCapUsage
    from apps.rules.selectors import customer_tallies_complete, rules_customer_awarded

    if customer is None:
        return EarnPrep()
    if connection.vendor == "postgresql":
        if reads is None:
            reads = bill_earn_reads(org=org, customer_id=customer.pk, plan=plan)
        usage = PrefetchedCapUsage(customer_tallies_complete(
            org_id=org.pk, customer_id=customer.pk, windows=plan.windows, tallied=reads.tallied,
        )) if plan.capped else None
        return EarnPrep(locked=plan.lock_customer, label_names=reads.label_names, usage=usage,
                        account=reads.account)
    if plan.capped:
        list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True))
    usage = PrefetchedCapUsage(rules_customer_awarded(org_id=org.pk, customer_id=customer.pk,
                                                      windows=plan.windows)) if plan.capped else None
    return EarnPrep(locked=plan.lock_customer, label_names=customer_label_names(org=org, customer=customer),
                    usage=usage)


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
    """The effects as the bill stores them (JSON values: apps.rules.contexts says so of log_item)."""
    return [{"ruleId": e.rule_id, "ruleName": e.rule_name, **e.log_item()} for e in evaluation.effects]


def bill_plan(*, bill: Bill, lines: list[BillLine], tenders, customer, program, prep: EarnPrep) -> EarnPlan:
    """Evaluate a bill not yet stored and put its points, log and planned effects on the objects (no writes)."""
    context, evaluation, split = bill_evaluate(bill=bill, lines=lines, tenders=tenders, customer=customer,
                                               program=program, prep=prep)
    _points_set(bill, lines, split)
    bill.evaluation_log = evaluation.log  # JSON values already (apps.rules.contexts.Evaluation): stored as it is
    bill.effects = planned_effects(evaluation)
    return EarnPlan(context=context, evaluation=evaluation, split=split, customer_locked=prep.locked,
                    account=prep.account)


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
                                  customer_locked=plan.customer_locked, account=plan.account)
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
