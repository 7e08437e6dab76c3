"""The ledger's scheduled jobs, run chunk by chunk under a JobRun so the admin shows their progress.

Each `*_run` function works through one org until it is done or its time budget is spent, and returns the cursor
to continue from (None when finished); the Celery task re-enqueues itself with that cursor. Every chunk commits on
its own and every job is safe to run twice: expiry and conversion only pick rows that still need it.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime

from apps.core.errors import DomainError
from apps.core.models import JobRun
from apps.core.services import job_run_finish, job_run_log, job_run_progress, job_run_start

from ..choices import LotState
from ..models import LoyaltyProgram, PointsAccount, PointsLot
from .earning import points_convert_promised
from .expiry import points_expire_chunk
from .invariants import ledger_check

logger = logging.getLogger("apps.points")

EXPIRE_KIND = "points.expire"
CONVERT_KIND = "points.convert_promised"
CHECK_KIND = "points.ledger_check"
TIME_BUDGET_SECONDS = 50.0


def _org(org_id: int):
    from apps.organizations.models import Organization

    return Organization.objects.get(pk=org_id)


def _start(*, org_id: int, kind: str, total: int, parameters: dict) -> int:
    return job_run_start(org=_org(org_id), kind=kind, total=total, parameters=parameters).pk


# -- expiry --------------------------------------------------------------------------------------------------------
def points_expire_start(*, org_id: int, now: datetime) -> int | None:
    """Open the JobRun of tonight's expiry for an org, or None when nothing is due (total: the due lots)."""
    queued = PointsAccount.objects.filter(org_id=org_id, next_expiry_at__lte=now).values("id")
    total = PointsLot.objects.filter(account_id__in=queued, state=LotState.AVAILABLE, remaining__gt=0,
                                     expires_at__lte=now).count()
    if not total:
        return None
    return _start(org_id=org_id, kind=EXPIRE_KIND, total=total, parameters={"now": now.isoformat()})


def points_expire_run(*, org_id: int, run_id: int, now: datetime, chunk_accounts: int = 1000,
                      time_budget: float = TIME_BUDGET_SECONDS) -> int | None:
    """Expire the org's due lots, chunk after chunk of accounts (points_expire_chunk: set-based, locked).

    Returns None once nothing is due (the run is finished), else the accounts handled in this invocation: the
    caller queues another one, which carries on from the queue itself.
    """
    deadline = time.monotonic() + time_budget
    handled = 0
    while True:
        accounts, points, lots = points_expire_chunk(now=now, limit=chunk_accounts, org_id=org_id)
        if not accounts:
            done = JobRun.objects.filter(pk=run_id).values_list("done", flat=True).first() or 0
            job_run_finish(run_id=run_id, message=f"{done} lots expired")
            return None
        handled += accounts
        job_run_progress(run_id=run_id, done=lots)
        logger.info("points expired", extra={"org_id": org_id, "run_id": run_id, "points": str(points), "lots": lots})
        if time.monotonic() >= deadline:
            return handled


# -- promised points -----------------------------------------------------------------------------------------------
def _promised_due(*, org_id: int, now: datetime):
    return PointsLot.objects.filter(org_id=org_id, state=LotState.PROMISED, remaining__gt=0, available_from__lte=now)


def promised_convert_start(*, org_id: int, now: datetime) -> int | None:
    """Open the JobRun of a conversion pass (total = accounts with promised points due), or None."""
    total = _promised_due(org_id=org_id, now=now).values("account_id").distinct().count()
    if not total:
        return None
    return _start(org_id=org_id, kind=CONVERT_KIND, total=total, parameters={"now": now.isoformat()})


def promised_convert_run(*, org_id: int, run_id: int, now: datetime, after_account_id: int = 0,
                         chunk_accounts: int = 500, time_budget: float = TIME_BUDGET_SECONDS) -> int | None:
    """Convert due promised points account by account (each its own locked transaction), in account order."""
    from apps.customers.models import Customer

    org = _org(org_id)
    deadline = time.monotonic() + time_budget
    after = after_account_id
    while True:
        rows = list(_promised_due(org_id=org_id, now=now).filter(account_id__gt=after)
                    .values_list("account_id", "account__customer_id", "account__program_id").distinct()
                    .order_by("account_id")[:chunk_accounts])
        if not rows:
            job_run_finish(run_id=run_id, message="promised points converted")
            return None
        customers = Customer.objects.in_bulk({r[1] for r in rows})
        programs = LoyaltyProgram.objects.in_bulk({r[2] for r in rows})
        failed = 0
        for account_id, customer_id, program_id in rows:
            try:
                points_convert_promised(org=org, customer=customers[customer_id], program=programs[program_id], now=now)
            except DomainError as exc:  # one account's refusal must not stop the others
                failed += 1
                logger.warning("promised conversion refused", extra={"org_id": org_id, "account_id": account_id,
                                                                      "code": exc.code})
        job_run_progress(run_id=run_id, done=len(rows) - failed, failed=failed)
        after = rows[-1][0]
        if time.monotonic() >= deadline:
            return after


# -- invariants ----------------------------------------------------------------------------------------------------
def ledger_check_start(*, org_id: int) -> int | None:
    """Open the JobRun of an invariant check over the org's accounts, or None when it has none."""
    total = PointsAccount.objects.filter(org_id=org_id).count()
    if not total:
        return None
    return _start(org_id=org_id, kind=CHECK_KIND, total=total, parameters={})


def ledger_check_run(*, org_id: int, run_id: int, after_account_id: int = 0, chunk_accounts: int = 5000,
                     time_budget: float = TIME_BUDGET_SECONDS) -> int | None:
    """Check every account's invariants (three grouped queries per chunk); violations are logged as errors and
    recorded on the JobRun (failed count, one log line each), which then ends FAILED."""
    org = _org(org_id)
    deadline = time.monotonic() + time_budget
    after = after_account_id
    while True:
        ids = list(PointsAccount.objects.filter(org_id=org_id, pk__gt=after).order_by("pk")
                   .values_list("pk", flat=True)[:chunk_accounts])
        if not ids:
            failed = JobRun.objects.filter(pk=run_id, failed__gt=0).exists()
            job_run_finish(run_id=run_id, failed=failed,
                           message="invariant violations found" if failed else "all accounts balance")
            return None
        problems = ledger_check(org=org, account_ids=ids)
        bad = {p.account_id for p in problems}
        for problem in problems:
            logger.error("points ledger invariant violated", extra={"org_id": org_id, "account_id": problem.account_id,
                                                                   "problem": problem.message})
        job_run_progress(run_id=run_id, done=len(ids) - len(bad), failed=len(bad))
        for problem in problems[:50]:
            job_run_log(run_id=run_id, message=f"account {problem.account_id}: {problem.message}")
        after = ids[-1]
        if time.monotonic() >= deadline:
            return after


def job_run_finished(*, run_id: int) -> bool:
    """Whether a run has already finished (a redelivered task must not reopen it)."""
    return JobRun.objects.filter(pk=run_id, finished_at__isnull=False).exists()

