"""Crediting a bill's planned awards together: re-check the history caps under lock, post one ledger credit for all
awards (one per group of awards sharing expiry and transferability), record the awards in one insert.

Lock order (always the same, so concurrent bills cannot deadlock): the customer row (customer caps), then its
customer tallies, then the rules' budget tally rows in rule id order, then the points account (taken inside
points_credit, unless the caller locked it before: the bill path does when no running rule has a budget).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from apps.core.rows import WriteBatch, values_insert

from ..contexts import ZERO, PlannedEffect
from ..selectors import cap_period_key
from .base import ApplyRun
from .points import award_shrink, quantum_for


def _result(effect: PlannedEffect, key: str, **extra) -> dict:
    return {"ruleId": effect.rule_id, "type": effect.effect_type, "key": key, "points": str(effect.points),
            "billPoints": str(effect.bill_points),
            "linePoints": effect.line_points_text(), **extra}


def _replayed(effect: PlannedEffect, key: str, points: Decimal, run: ApplyRun) -> dict:
    return _result(effect, key, applied=True, replayed=True,
                   points=str(points.quantize(quantum_for(run.context.program))))


def _awarded(run: ApplyRun, keys: list[str]) -> dict[str, Decimal]:
    """The points recorded under these award keys for the run's source (its award rows, one per credit, list them
    by key): what a replay returns instead of awarding again."""
    from ..models import RuleAward

    wanted, found = set(keys), {}
    for effects in RuleAward.objects.filter(org=run.org, source_type=run.source_type,
                                            source_ref=run.source_ref).values_list("effects", flat=True):
        found.update({key: Decimal(points) for key, points in effects.items() if key in wanted})
    return found


def _customer_lock(run: ApplyRun) -> None:
    from apps.customers.models import Customer

    list(Customer.objects.select_for_update().filter(pk=run.context.customer.pk).values_list("pk", flat=True))


def _customer_used(*, run: ApplyRun, rule_id: int, cap: dict) -> Decimal:
    from ..selectors import rule_customer_awarded

    since, until = cap.get("since"), cap.get("until")
    return rule_customer_awarded(org_id=run.org.pk, rule_id=rule_id, customer_id=run.context.customer.pk,
                                 since=datetime.fromisoformat(since) if since else None,
                                 until=datetime.fromisoformat(until) if until else None)


def _tallies_lock(*, run: ApplyRun, rule_ids: set[int]) -> dict:
    from ..models import RuleTally

    return {rule_id: RuleTally.objects.select_for_update().get_or_create(org=run.org, rule_id=rule_id)[0]
            for rule_id in sorted(rule_ids)}


def _recheck(*, run: ApplyRun, effects: list[PlannedEffect]) -> dict:
    """Clamp each award to what its caps allow now (a concurrent bill, or an earlier award of the same rule in this
    bill, may have used the room); returns the locked tallies by rule id."""
    capped = [e for e in effects if e.params.get("caps")]
    exact = run.customer_locked  # evaluated under the customer's lock: its customer caps hold as planned
    if not exact and any(e.params["caps"].get("customer") for e in capped):
        _customer_lock(run)
    tallies = _tallies_lock(run=run, rule_ids={e.rule_id for e in capped if e.params["caps"].get("budget")})
    customer_used, budget_used = {}, {rule_id: tally.awarded_points for rule_id, tally in tallies.items()}
    for effect in capped:
        caps = effect.params["caps"]
        allowed, capped_by = effect.points, None
        if caps.get("customer") and effect.rule_id not in run.cap_periods:
            # What the customer had from the rule in the period before this event, under the lock (for its tally).
            cap = caps["customer"]
            used = Decimal(cap["used"]) if exact and cap.get("used") is not None else \
                _customer_used(run=run, rule_id=effect.rule_id, cap=cap)
            run.cap_periods[effect.rule_id] = (cap_period_key(cap.get("since"), cap.get("until")), used)
        if caps.get("customer") and not exact:
            if effect.rule_id not in customer_used:
                customer_used[effect.rule_id] = run.cap_periods[effect.rule_id][1]
            room = Decimal(caps["customer"]["max"]) - customer_used[effect.rule_id]
            if room < allowed:
                allowed, capped_by = max(ZERO, room), "customer"
        if caps.get("budget"):
            room = Decimal(caps["budget"]) - budget_used[effect.rule_id]
            if room < allowed:
                allowed, capped_by = max(ZERO, room), "budget"
        if allowed < effect.points:
            award_shrink(effect, allowed if caps.get("allowPartial", True) else ZERO, Decimal(caps["quantum"]))
            effect.params["cappedBy"] = f"{capped_by} (when applied)"
        if effect.rule_id in customer_used:
            customer_used[effect.rule_id] += effect.points
        if effect.rule_id in budget_used:
            budget_used[effect.rule_id] += effect.points
    return tallies


def credit_terms(effect: PlannedEffect) -> tuple[str | None, bool]:
    """What an award's lot needs besides its points: (expiresAt ISO or None for the programme's policy,
    transferable). Awards with the same terms share one ledger credit."""
    return effect.params.get("expiresAt"), bool(effect.params.get("transferable", True))


def _breakdown(effects: list[PlannedEffect]) -> list[dict]:
    by_rule: dict[int, dict] = {}
    for effect in effects:
        item = by_rule.setdefault(effect.rule_id, {"ruleId": effect.rule_id, "ruleName": effect.rule_name,
                                                   "points": ZERO})
        item["points"] += effect.points
    return [{**item, "points": str(item["points"])} for item in by_rule.values()]


def _credit(*, run: ApplyRun, effects: list[PlannedEffect], key: str, batch: WriteBatch | None):
    from apps.points.services import points_credit

    expires_at, transferable = credit_terms(effects[0])
    breakdown = _breakdown(effects)
    names = ", ".join(item["ruleName"] for item in breakdown)
    entry = points_credit(
        org=run.org, customer=run.context.customer, points=sum((e.points for e in effects), ZERO),
        program=run.context.program, source_type=run.source_type, source_ref=run.source_ref,
        reason=f"Rules: {names}"[:250], actor=run.actor, idempotency_key=key, earned_at=run.context.occurred_at,
        expires_at=datetime.fromisoformat(expires_at) if expires_at else None, transferable=transferable,
        meta={"awards": breakdown}, fresh=run.fresh, batch=batch, account=run.account)
    if not getattr(entry, "replayed", False):
        run.account = entry.account  # the locked instance the credit moved (its totals wait in the batch)
    return entry


def _credit_key(run: ApplyRun, group: int, groups: int, earlier: int) -> str:
    """f"{prefix}:awards" for a bill's single group; a group number when there are several; a suffix counting the
    awards recorded before when a later call adds awards to a bill (its first credit key is taken)."""
    key = f"{run.idempotency_prefix}:awards"
    if groups > 1:
        key += f":{group}"
    return f"{key}:after:{earlier}" if earlier else key


def awards_apply(*, effects: list[PlannedEffect], run: ApplyRun) -> list[dict]:
    """Credit a bill's awards once per key, in one ledger credit per credit_terms group; results in effect order.

    A replay (the awards' keys are recorded) returns what the first call credited and posts nothing. Replays are
    found by the event's source: calls with one idempotency prefix name one source.
    """
    keys = [run.key(effect) for effect in effects]
    done = {} if run.fresh else _awarded(run, keys)
    pending = [(effect, key) for effect, key in zip(effects, keys, strict=True) if key not in done]
    results = {key: _replayed(effect, key, done[key], run) for effect, key in zip(effects, keys, strict=True)
               if key in done}
    if pending:
        results.update(_pending_apply(pending=pending, run=run, earlier=len(done)))
    return [results[key] for key in keys]


AWARD_COLUMNS = ("org_id", "customer_id", "program_id", "points", "rules", "effects", "source_type", "source_ref",
                 "idempotency_key", "ledger_entry_id", "awarded_at", "created_at")


def _pending_apply(*, pending: list, run: ApplyRun, earlier: int) -> dict:
    from ..models import RuleAward, RuleTally

    tallies = _recheck(run=run, effects=[effect for effect, _ in pending])
    results, groups = {}, {}
    for effect, key in pending:
        if effect.points <= 0:
            results[key] = _result(effect, key, applied=False, replayed=False,
                                   reason=f"cap reached: {effect.params['cappedBy']}")
        else:
            groups.setdefault(credit_terms(effect), []).append((effect, key))
    if not groups:
        return results
    # A fresh bill's credits, award rows and cap tallies go to the database together (one statement on PostgreSQL).
    batch = WriteBatch() if run.fresh else None
    credit_keys = {terms: _credit_key(run, n, len(groups), earlier) for n, terms in enumerate(groups, start=1)}
    entries = {terms: _credit(run=run, effects=[e for e, _ in members], key=credit_keys[terms], batch=batch)
               for terms, members in groups.items()}
    # A credit that replayed an entry under the account lock means a concurrent first call with these keys has
    # committed: look for its awards again. A fresh credit proves no such call did (it would own the entry's key).
    keys = [key for members in groups.values() for _, key in members]
    replayed = any(getattr(entry, "replayed", False) for entry in entries.values())
    if replayed and (done := _awarded(run, keys)):
        for members in groups.values():
            results.update({key: _replayed(effect, key, done[key], run) for effect, key in members if key in done})
        return results
    context, now = run.context, timezone.now()
    # One award row per credit: its total, each rule's share and each award's key. Every value is computed here and
    # the keys were checked under the lock: no full_clean (a query per constraint).
    rows = []
    for terms, members in groups.items():
        by_rule: dict[str, Decimal] = {}
        for effect, _ in members:
            by_rule[str(effect.rule_id)] = by_rule.get(str(effect.rule_id), ZERO) + effect.points
        rows.append((run.org.pk, context.customer.pk, context.program.pk, sum((e.points for e, _ in members), ZERO),
                     {rule_id: str(points) for rule_id, points in by_rule.items()},
                     {key: str(effect.points) for effect, key in members}, run.source_type, run.source_ref,
                     credit_keys[terms], batch.ref(entries[terms]) if batch else entries[terms].pk,
                     context.occurred_at, now))
    if batch is not None:
        batch.values(RuleAward, AWARD_COLUMNS, rows)
    else:
        values_insert(RuleAward, AWARD_COLUMNS, rows)
    budgeted: dict[int, list] = {}
    customer_capped: dict[int, Decimal] = {}
    for members in groups.values():
        for effect, key in members:
            run.applied_points[effect.rule_id] = run.applied_points.get(effect.rule_id, ZERO) + effect.points
            results[key] = _result(effect, key, applied=True, replayed=False)
            if effect.rule_id in tallies:
                budgeted.setdefault(effect.rule_id, []).append(effect.points)
            if effect.rule_id in run.cap_periods:
                customer_capped[effect.rule_id] = customer_capped.get(effect.rule_id, ZERO) + effect.points
    for rule_id, points in customer_capped.items():
        _cap_tally_add(run=run, rule_id=rule_id, points=points, now=now, batch=batch)
    if batch is not None:
        batch.run()
    for rule_id, points in budgeted.items():
        RuleTally.objects.filter(pk=tallies[rule_id].pk).update(
            awarded_points=F("awarded_points") + sum(points, ZERO), award_count=F("award_count") + len(points),
            updated_at=now)
    return results


def _cap_tally_add(*, run: ApplyRun, rule_id: int, points: Decimal, now, batch: WriteBatch | None) -> None:
    """Add an event's awards under a per-customer cap to the customer's tally for the cap period (run.cap_periods:
    the period's key and what the customer had in it before, read under the customer's lock). A period without a
    row starts from that amount; one with a row adds to it."""
    from django.db import connection

    from ..models import RuleCustomerTally

    period_key, before = run.cap_periods[rule_id]
    quote = connection.ops.quote_name
    table = quote(RuleCustomerTally._meta.db_table)
    key = ", ".join(quote(column) for column in ("org_id", "rule_id", "customer_id", "period_key"))
    sql = (f"INSERT INTO {table} ({key}, {quote('points')}, {quote('updated_at')}) VALUES (%s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT ({key}) DO UPDATE SET {quote('points')} = {table}.{quote('points')} + %s, "
           f"{quote('updated_at')} = %s")
    at = connection.ops.adapt_datetimefield_value(now)
    params = [run.org.pk, rule_id, run.context.customer.pk, period_key, before + points, at, points, at]
    if batch is not None:
        batch.statement(sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
