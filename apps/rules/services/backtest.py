"""Backtests: run a (draft) rule set over past bills and compare the points it would have issued with those issued.

Nothing is written but the job's progress and the result: the engine only reads, and the caps' history is kept in
memory (MemoryCapUsage, starting empty at the range's start), so customer caps and budgets behave as if the rules
had run from that day. The whole range runs in one task because that in-memory history spans every bill.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from django.db import transaction

from apps.core.events import after_commit
from apps.core.services import job_run_finish, job_run_progress, job_run_start
from apps.core.errors import DomainError

from ..contexts import ZERO, EventContext
from ..engine import MemoryCapUsage, evaluate
from ..errors import BacktestInvalid
from ..models import Backtest, Rule
from ..selectors import rule_awards_by_source, rules_by_ids

BACKTEST_KIND = "rules.backtest"
MAX_DAYS = 366
MAX_RULES = 50
PROGRESS_EVERY = 200
ACTUAL_CHUNK = 500


class BillSource(Protocol):
    """Where a backtest reads bills from (apps.transactions in production, a fake in tests)."""

    def count(self, *, org, start: datetime, end: datetime) -> int: ...

    def bills(self, *, org, start: datetime, end: datetime) -> Iterable: ...

    def context(self, bill) -> EventContext: ...

    def ref(self, bill) -> str: ...


class TransactionsBillSource:
    """Bills of apps.transactions: selectors.bill_list (oldest first) and selectors.bill_context."""

    def count(self, *, org, start: datetime, end: datetime) -> int:
        from apps.transactions.selectors import bill_list

        return bill_list(org=org, start=start, end=end).count()

    def bills(self, *, org, start: datetime, end: datetime) -> Iterable:
        from apps.transactions.selectors import bill_list

        return bill_list(org=org, start=start, end=end).iterator(chunk_size=500)

    def context(self, bill) -> EventContext:
        from apps.transactions.selectors import bill_context

        return bill_context(bill)

    def ref(self, bill) -> str:
        return str(bill.pk)


def _bounds(org, start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the org's time zone."""
    zone = ZoneInfo(org.timezone or "UTC")
    return datetime.combine(start, time.min, zone), datetime.combine(end + timedelta(days=1), time.min, zone)


@transaction.atomic
def backtest_start(*, org, rules: list, start: date, end: date, user=None) -> Backtest:
    """Record a backtest of these rules (objects or ids) over [start, end] and queue its job once committed."""
    if start is None or end is None or start > end:
        raise BacktestInvalid(detail="the start date must be on or before the end date", field="start")
    if (end - start).days >= MAX_DAYS:
        raise BacktestInvalid(detail=f"at most {MAX_DAYS} days at a time", field="end")
    ids = sorted({getattr(rule, "pk", rule) for rule in rules or []})
    if not ids or len(ids) > MAX_RULES:
        raise BacktestInvalid(detail=f"choose 1 to {MAX_RULES} rules", field="rules")
    found = list(Rule.objects.for_org(org).filter(pk__in=ids))
    if len(found) != len(ids):
        raise BacktestInvalid(detail="not all rules belong to the organisation", field="rules")
    run = job_run_start(org=org, kind=BACKTEST_KIND, created_by=user,
                        parameters={"rule_ids": ids, "start": start.isoformat(), "end": end.isoformat()})
    backtest = Backtest(org=org, start=start, end=end, job_run=run, created_by=user)
    backtest.full_clean()
    backtest.save()
    backtest.rules.set(found)

    def enqueue():
        from ..tasks import backtest_run_task

        backtest_run_task.delay(org_id=org.pk, backtest_id=backtest.pk)

    after_commit(enqueue)
    return backtest


def _rows(rules: list[Rule]) -> dict[int, dict]:
    return {rule.pk: {"ruleId": rule.pk, "ruleName": rule.name, "status": rule.status, "billsMatched": 0,
                      "billsAwarded": 0, "wouldIssue": ZERO, "actual": ZERO} for rule in rules}


def _add_actual(*, org, refs: list[str], rows: dict, other: list) -> None:
    for rule_id, points in rule_awards_by_source(org=org, source_type="BILL", source_refs=refs).items():
        if rule_id in rows:
            rows[rule_id]["actual"] += points
        else:
            other[0] += points


def _text(points: Decimal) -> str:
    """Points without trailing zeros or exponent ("60", "19.9")."""
    return format(points.normalize(), "f") if points else "0"


def _result(*, backtest: Backtest, bills: int, rows: dict, other: Decimal) -> dict:
    rules = [{**row, "wouldIssue": _text(row["wouldIssue"]), "actual": _text(row["actual"]),
              "difference": _text(row["wouldIssue"] - row["actual"])} for row in rows.values()]
    would = sum((row["wouldIssue"] for row in rows.values()), ZERO)
    actual = sum((row["actual"] for row in rows.values()), ZERO) + other
    return {"bills": bills, "start": backtest.start.isoformat(), "end": backtest.end.isoformat(), "rules": rules,
            "totals": {"wouldIssue": _text(would), "actual": _text(actual), "actualOtherRules": _text(other),
                       "difference": _text(would - actual)}}


def _evaluate_bills(*, backtest: Backtest, rules: list[Rule], source: BillSource, run_id: int) -> dict:
    org = backtest.org
    start, end = _bounds(org, backtest.start, backtest.end)
    rows, other, usage = _rows(rules), [ZERO], MemoryCapUsage()
    refs, count, pending = [], 0, 0
    for bill in source.bills(org=org, start=start, end=end):
        context = source.context(bill)
        evaluation = evaluate(context, rules=rules, usage=usage)
        for entry in evaluation.log:
            if entry["matched"]:
                rows[entry["ruleId"]]["billsMatched"] += 1
        for effect in evaluation.awards:
            rows[effect.rule_id]["wouldIssue"] += effect.points
            rows[effect.rule_id]["billsAwarded"] += 1
            usage.record(rule_id=effect.rule_id, customer_id=context.customer.pk, at=context.occurred_at,
                         points=effect.points)
        refs.append(source.ref(bill))
        count, pending = count + 1, pending + 1
        if len(refs) >= ACTUAL_CHUNK:
            _add_actual(org=org, refs=refs, rows=rows, other=other)
            refs = []
        if pending >= PROGRESS_EVERY:
            job_run_progress(run_id=run_id, done=pending)
            pending = 0
    if refs:
        _add_actual(org=org, refs=refs, rows=rows, other=other)
    if pending:
        job_run_progress(run_id=run_id, done=pending)
    return _result(backtest=backtest, bills=count, rows=rows, other=other[0])


def backtest_run(*, org_id: int, backtest_id: int, source: BillSource | None = None) -> dict:
    """Run a queued backtest (the task's body); a second delivery of a finished one returns its result."""
    backtest = Backtest.objects.select_related("org", "job_run").get(pk=backtest_id, org_id=org_id)
    run = backtest.job_run
    if run is not None and run.finished_at is not None:
        return backtest.result
    source = source or TransactionsBillSource()
    rules = rules_by_ids(org=backtest.org, rule_ids=list(backtest.rules.values_list("pk", flat=True)))
    start, end = _bounds(backtest.org, backtest.start, backtest.end)
    if run is not None:
        run.total = source.count(org=backtest.org, start=start, end=end)
        run.save(update_fields=["total"])
    try:
        result = _evaluate_bills(backtest=backtest, rules=rules, source=source, run_id=run.pk if run else 0)
    except DomainError as exc:
        Backtest.objects.filter(pk=backtest.pk).update(result={"error": exc.message})
        if run is not None:
            job_run_finish(run_id=run.pk, failed=True, message=exc.message)
        return {"error": exc.message}
    Backtest.objects.filter(pk=backtest.pk).update(result=result)
    if run is not None:
        job_run_finish(run_id=run.pk, message=f"{result['bills']} bills evaluated")
    return result
