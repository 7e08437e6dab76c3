"""Pure evaluation: which rules fire for an event and what their effects would be. Reads only, never writes.

Per event: the candidate rules come from one indexed query (org, event type, RUNNING, programme; stores and zones
prefetched); cheap filters (validity window, days of week, store or zone, audience) run before any expression; the
CEL activation is built once, only if some rule still needs its condition; compiled conditions are cached per
condition text (so per rule version); what a rule's own fields give on their own (casefolded audiences, its award
params as Decimals and name sets) is kept on the rule object (effects.base.rule_memo). Rules run in ascending
priority. Caps apply per rule, in this order of strictness: the per-bill cap, the customer's cap over the period the
event falls in, the rule's budget.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone as dj_timezone

from . import hooks
from .choices import CapPeriod, TierCrossing, Weekday
from .contexts import ZERO, EventContext, Evaluation, PlannedEffect
from .effects import PlanContext, effect_for
from .effects.base import rule_memo
from .effects.points import allocate, award_shrink, quantum_for
from .expressions import activation_build, condition_names, condition_run

__all__ = ["CapUsage", "EventContext", "Evaluation", "MemoryCapUsage", "PlannedEffect", "PrefetchedCapUsage",
           "cap_windows", "evaluate", "period_bounds", "quantum_for"]

AWARD = "award_points"


def period_bounds(local: datetime, period: str) -> tuple[datetime | None, datetime | None]:
    """[start, end) of the cap period containing the local moment; (None, None) for LIFETIME."""
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == CapPeriod.DAY:
        return day, day + dj_timezone.timedelta(days=1)
    if period == CapPeriod.WEEK:
        start = day - dj_timezone.timedelta(days=local.weekday())
        return start, start + dj_timezone.timedelta(days=7)
    if period == CapPeriod.MONTH:
        start = day.replace(day=1)
        return start, (start + dj_timezone.timedelta(days=32)).replace(day=1)
    if period == CapPeriod.YEAR:
        start = day.replace(month=1, day=1)
        return start, start.replace(year=start.year + 1)
    return None, None


class CapUsage:
    """What rules already awarded (for customer caps and budgets): the database's award records by default."""

    def customer_awarded(self, *, rule, customer_id: int, since, until) -> Decimal:
        from .selectors import rule_customer_awarded

        if rule.pk is None:
            return ZERO
        return rule_customer_awarded(org_id=rule.org_id, rule_id=rule.pk, customer_id=customer_id, since=since,
                                     until=until)

    def budget_used(self, *, rule) -> Decimal:
        from .selectors import rule_budget_used

        return ZERO if rule.pk is None else rule_budget_used(rule_id=rule.pk)

    def record(self, *, rule_id: int, customer_id: int, at: datetime, points: Decimal) -> None:
        """Nothing to do: effects_apply writes the award records."""


class PrefetchedCapUsage(CapUsage):
    """The database's award records, with the customer caps of one event read up front in one query
    (cap_windows); a window not read up front is summed on its own."""

    def __init__(self, awarded: dict):
        self.awarded = awarded

    def customer_awarded(self, *, rule, customer_id: int, since, until) -> Decimal:
        found = self.awarded.get((rule.pk, since, until))
        if found is not None:
            return found
        return super().customer_awarded(rule=rule, customer_id=customer_id, since=since, until=until)


def cap_windows(context: EventContext, rules, *, now: datetime | None = None) -> list[tuple]:
    """(rule id, since, until) of each rule's per-customer cap period for this event, as _caps_apply computes it
    (the periods depend only on the event's time and place, so the customer need not be known yet)."""
    capped = [rule for rule in rules if rule.max_points_per_customer and rule.pk]
    if not capped:
        return []
    local = _Facts(context, now or context.occurred_at).local
    return [(rule.pk, *period_bounds(local, rule.customer_cap_period)) for rule in capped]


class MemoryCapUsage(CapUsage):
    """Award history kept in memory (backtests and simulations, which must not write)."""

    def __init__(self):
        self.awards: dict[tuple[int, int], list[tuple[datetime, Decimal]]] = defaultdict(list)
        self.budgets: dict[int, Decimal] = defaultdict(lambda: ZERO)

    def customer_awarded(self, *, rule, customer_id: int, since, until) -> Decimal:
        return sum((points for at, points in self.awards[(rule.pk, customer_id)]
                    if (since is None or at >= since) and (until is None or at < until)), ZERO)

    def budget_used(self, *, rule) -> Decimal:
        return self.budgets[rule.pk]

    def record(self, *, rule_id: int, customer_id: int, at: datetime, points: Decimal) -> None:
        self.awards[(rule_id, customer_id)].append((at, points))
        self.budgets[rule_id] += points


class _Facts:
    """What the filters and conditions read about one event, computed once and only when needed."""

    def __init__(self, context: EventContext, when: datetime):
        self.context, self.when = context, when
        name = getattr(context.store, "timezone", "") or getattr(context.org, "timezone", "") or "UTC"
        try:
            zone = ZoneInfo(name)
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        self.local = when.astimezone(zone)
        self._activation = None
        self.names: frozenset[str] | None = None  # what the conditions to run read (None: everything)
        self._zones: set[int] | None = None
        self.labels = {str(n).casefold() for n in context.customer_facts.get("labels") or []}

    @property
    def activation(self):
        if self._activation is None:
            self._activation = activation_build(self.context, self.local, self.names)
        return self._activation

    def zone_ids(self) -> set[int]:
        """The store's zone and the zones above it."""
        if self._zones is None:
            from apps.organizations.models import Zone

            self._zones, zone_id = set(), getattr(self.context.store, "zone_id", None)
            while zone_id and zone_id not in self._zones and len(self._zones) < 10:
                self._zones.add(zone_id)
                zone_id = Zone.objects.filter(pk=zone_id).values_list("parent_id", flat=True).first()
        return self._zones


def _related_ids(rule, name: str) -> frozenset[int]:
    """The rule's store or zone ids, read once per rule object (from the prefetch when there is one)."""
    cache = rule.__dict__.setdefault("_target_ids", {})
    if name not in cache:
        prefetched = getattr(rule, "_prefetched_objects_cache", {}).get(name)
        if prefetched is not None:
            cache[name] = frozenset(obj.pk for obj in prefetched)
        else:
            cache[name] = frozenset(getattr(rule, name).values_list("pk", flat=True)) if rule.pk else frozenset()
    return cache[name]


def _casefolded(names) -> frozenset[str]:
    return frozenset(name.casefold() for name in names)


def _casefolded_text(values) -> frozenset[str]:
    return frozenset(str(value).casefold() for value in values)


def _filter_reason(rule, facts: _Facts) -> str:
    """Why the rule does not apply to this event before its condition runs ("" when it does)."""
    when, context = facts.when, facts.context
    if rule.valid_from and when < rule.valid_from:
        return f"not valid before {rule.valid_from.isoformat()}"
    if rule.valid_until and when > rule.valid_until:
        return f"expired on {rule.valid_until.isoformat()}"
    if rule.days_of_week and facts.local.isoweekday() not in rule.days_of_week:
        days = ", ".join(Weekday(d).label for d in sorted(rule.days_of_week))
        return f"runs on {days} only, not {Weekday(facts.local.isoweekday()).label}"
    store_ids, zone_ids = _related_ids(rule, "stores"), _related_ids(rule, "zones")
    if store_ids or zone_ids:
        if context.store is None:
            return "the event has no store"
        if context.store.pk not in store_ids and not zone_ids & facts.zone_ids():
            return f"store {context.store.code} is not targeted"
    if rule.audience_labels:
        if context.customer is None:
            return "no customer (the audience is by label)"
        if not rule_memo(rule, "audience_labels", rule.audience_labels, _casefolded) & facts.labels:
            return f"customer has none of the labels {', '.join(rule.audience_labels)}"
    if rule.audience_tiers:
        tier = context.tier or {}
        keys = {str(tier.get("name") or "").casefold(), str(tier.get("number") or "")} - {""}
        if not keys & rule_memo(rule, "audience_tiers", rule.audience_tiers, _casefolded_text):
            return f"customer's tier {tier.get('name') or 'none'} is not targeted"
    return ""


def _plan_rule(rule, ctx: PlanContext, entry: dict) -> list[PlannedEffect]:
    planned = []
    for index, item in enumerate(rule.effects or []):
        handler = effect_for(item.get("type", ""))
        if handler is None:
            entry["skipped"].append({"type": item.get("type"), "reason": "unknown effect type"})
            continue
        outcome = handler.plan(rule=rule, params=item.get("params") or {}, ctx=ctx)
        if isinstance(outcome, str):
            entry["skipped"].append({"type": handler.type, "reason": outcome})
            continue
        outcome.index = index
        planned.append(outcome)
    return planned


def _caps_apply(rule, awards: list[PlannedEffect], ctx: PlanContext, facts: _Facts, usage: CapUsage,
                entry: dict) -> None:
    """Lower the rule's awards to its caps (consumed in effect order) and note the caps for effects_apply."""
    customer = facts.context.customer
    if not awards or not (rule.max_points_per_bill or rule.budget_points
                          or (rule.max_points_per_customer and customer is not None)):
        return  # no cap applies (most rules): nothing to note or lower
    limits, caps = [], {}
    if rule.max_points_per_bill:
        limits.append((rule.max_points_per_bill, "bill"))
    if rule.max_points_per_customer and customer is not None:
        since, until = period_bounds(facts.local, rule.customer_cap_period)
        used = usage.customer_awarded(rule=rule, customer_id=customer.pk, since=since, until=until)
        limits.append((rule.max_points_per_customer - used, "customer"))
        caps["customer"] = {"max": str(rule.max_points_per_customer), "period": rule.customer_cap_period,
                            "since": since.isoformat() if since else None,
                            "until": until.isoformat() if until else None, "used": str(used)}
    if rule.budget_points:
        limits.append((rule.budget_points - usage.budget_used(rule=rule), "budget"))
        caps["budget"] = str(rule.budget_points)
    if caps:
        for effect in awards:
            effect.params["caps"] = {**caps, "allowPartial": rule.allow_partial_on_cap, "quantum": str(ctx.quantum)}
    total = sum((effect.points for effect in awards), ZERO)
    if not limits or min(limits)[0] >= total:
        return
    room, capped_by = min(limits)
    allowed = max(ZERO, room) if rule.allow_partial_on_cap else ZERO
    allowed = (allowed / ctx.quantum).to_integral_value(rounding=ROUND_FLOOR) * ctx.quantum
    entry["capped"] = {"by": capped_by, "uncapped": str(total), "allowed": str(allowed)}
    for effect in awards:
        if effect.points > allowed:
            award_shrink(effect, allowed, ctx.quantum)
            effect.params["cappedBy"] = capped_by
        allowed -= effect.points


def _rule_run(rule, facts: _Facts, ctx: PlanContext, usage: CapUsage, entry: dict) -> list[PlannedEffect] | None:
    """The rule's planned effects, or None when it did not match (entry says why and whether to stop)."""
    if reason := _filter_reason(rule, facts):
        entry["reason"] = reason
        return None
    if (rule.condition or "").strip():
        result = condition_run(rule.condition, facts.activation)
        if result.error:
            entry["reason"] = f"condition error: {result.error}"
            entry["stopped"] = rule.stop_on_error
            return None
        if not result.value:
            entry["reason"] = "condition is false"
            entry["stopped"] = rule.stop_if_false
            return None
    entry["matched"], entry["reason"] = True, "matched"
    planned = _plan_rule(rule, ctx, entry)
    _caps_apply(rule, [e for e in planned if e.effect_type == AWARD], ctx, facts, usage, entry)
    planned = [e for e in planned if e.effect_type != AWARD or e.points > 0]
    entry["effects"] = [effect.log_item() for effect in planned]
    entry["stopped"] = rule.stop_after_match
    return planned


def _evaluate_once(context: EventContext, rules: list, *, when: datetime, usage: CapUsage) -> Evaluation:
    from apps.points.services import points_round

    program = context.program
    facts = _Facts(context, when)
    facts.names = frozenset().union(*(condition_names(rule.condition) for rule in rules if rule.condition))
    ctx = PlanContext(context=context, quantum=quantum_for(program),
                      round=lambda value: points_round(value, program=program))
    effects, log = [], []
    for rule in rules:
        entry = {"ruleId": rule.pk, "ruleName": rule.name, "priority": rule.priority, "matched": False,
                 "reason": "", "effects": [], "skipped": [], "stopped": False}
        log.append(entry)
        planned = _rule_run(rule, facts, ctx, usage, entry)
        if planned:
            effects.extend(planned)
            ctx.planned_points += sum((e.points for e in planned if e.effect_type == AWARD), ZERO)
        if entry["stopped"]:
            break
    return Evaluation(effects=effects, log=log, total_points=ctx.planned_points)


def _candidates(context: EventContext, rules) -> list:
    if rules is None:
        from .selectors import rules_for_event

        rules = rules_for_event(org=context.org, program=context.program, event_type=context.event_type)
    else:
        rules = [rule for rule in rules if rule.event_type == context.event_type
                 and rule.program_id == context.program.pk and rule.org_id == context.org.pk]
    return sorted(rules, key=lambda rule: (rule.priority, rule.pk or 0))


def _blend(before: Evaluation, after: Evaluation, share: Decimal, program) -> Evaluation:
    """SPLIT: each award is share × its old-tier amount + (1 − share) × its new-tier amount, rounded once."""
    from apps.points.services import points_round

    quantum = quantum_for(program)
    old = {(e.rule_id, e.index): e for e in before.awards}
    new = {(e.rule_id, e.index): e for e in after.awards}
    order = [(e.rule_id, e.index) for e in before.effects + after.effects if e.effect_type == AWARD]
    awards = []
    for key in dict.fromkeys(order):
        a, b = old.get(key), new.get(key)
        lines = {i: (a.line_points.get(i, ZERO) if a else ZERO) * share + (b.line_points.get(i, ZERO) if b else ZERO)
                 * (1 - share) for i in set(a.line_points if a else {}) | set(b.line_points if b else {})}
        raw = (a.points if a else ZERO) * share + (b.points if b else ZERO) * (1 - share)
        total = points_round(raw, program=program)
        if total <= 0:
            continue
        base = b or a
        line_points = allocate(total, lines, quantum) if lines else {}
        awards.append(PlannedEffect(rule_id=base.rule_id, rule_name=base.rule_name, effect_type=AWARD,
                                    params={**base.params, "split": str(share)}, points=total,
                                    line_points=line_points, bill_points=ZERO if line_points else total,
                                    index=base.index))
    others = [e for e in after.effects if e.effect_type != AWARD]
    log = ([{**entry, "phase": "before tier upgrade"} for entry in before.log]
           + [{**entry, "phase": "after tier upgrade"} for entry in after.log])
    return Evaluation(effects=awards + others, log=log, total_points=sum((e.points for e in awards), ZERO))


def evaluate(context: EventContext, *, rules=None, now: datetime | None = None,
             usage: CapUsage | None = None) -> Evaluation:
    """Run the org's RUNNING rules for the event (or the given rule set: simulation/backtest) — caps included.

    `now` is the moment validity windows, days of week and the time facts are judged at (default: the event's
    time). `usage` supplies the award history for customer caps and budgets (default: the database).
    """
    usage = usage or CapUsage()
    when = now or context.occurred_at
    candidates = _candidates(context, rules)
    mode, projection = hooks.tier_projection(context) if candidates else (TierCrossing.EARN_THEN_UPGRADE, None)
    if projection is None:
        return _evaluate_once(context, candidates, when=when, usage=usage)
    upgraded = context.with_tier(projection.tier)
    if mode == TierCrossing.UPGRADE_THEN_EARN:
        evaluation = _evaluate_once(upgraded, candidates, when=when, usage=usage)
        evaluation.log = [{**entry, "phase": "after tier upgrade"} for entry in evaluation.log]
        return evaluation
    before = _evaluate_once(context, candidates, when=when, usage=usage)
    after = _evaluate_once(upgraded, candidates, when=when, usage=usage)
    return _blend(before, after, projection.share_before, context.program)
