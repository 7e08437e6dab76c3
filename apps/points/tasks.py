"""Celery tasks of the points ledger: thin wrappers over apps.points.services.jobs / .reminders.

Beat runs one dispatcher per job (no arguments); it fans out one task per org (`org_id` always in the arguments).
A per-org task opens a JobRun, works for a bounded time and re-enqueues itself with its cursor until done. Retries
cover only OperationalError (database hiccups), with backoff and jitter; every job is safe to run twice.
"""
from __future__ import annotations

from datetime import date, datetime

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from .selectors import org_ids_with_programs, org_zone
from .services import jobs, reminders

RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "retry_jitter": True,
         "max_retries": 5}


def _now(value: str | None) -> datetime:
    return datetime.fromisoformat(value) if value else timezone.now()


# -- expiry --------------------------------------------------------------------------------------------------------
@shared_task(**RETRY)
def points_expire_all_task(now: str | None = None) -> int:
    """Beat entry: expire due points of every org running a programme."""
    moment = _now(now).isoformat()
    org_ids = org_ids_with_programs()
    for org_id in org_ids:
        points_expire_task.delay(org_id=org_id, now=moment)
    return len(org_ids)


@shared_task(**RETRY)
def points_expire_task(*, org_id: int, now: str, run_id: int | None = None, chunk_accounts: int = 1000) -> int | None:
    """Open the org's expiry run, then let POINTS_EXPIRY_WORKERS invocations drain its queue side by side.

    The workers share nothing but the queue (PointsAccount.next_expiry_at, taken with SKIP LOCKED), so they never
    wait on each other, and each one carries on in a new invocation when its time budget is spent.
    """
    moment = _now(now)
    if run_id is None:
        run_id = jobs.points_expire_start(org_id=org_id, now=moment)
        if run_id is not None:  # the work runs in its own invocations, so a retry keeps this run
            for _ in range(max(1, settings.POINTS_EXPIRY_WORKERS)):
                points_expire_task.delay(org_id=org_id, now=now, run_id=run_id, chunk_accounts=chunk_accounts)
        return run_id
    if jobs.job_run_finished(run_id=run_id):
        return run_id
    more = jobs.points_expire_run(org_id=org_id, run_id=run_id, now=moment, chunk_accounts=chunk_accounts)
    if more is not None:  # time budget spent: carry on in a new invocation (the queue is the cursor)
        points_expire_task.delay(org_id=org_id, now=now, run_id=run_id, chunk_accounts=chunk_accounts)
    return run_id


# -- promised points -----------------------------------------------------------------------------------------------
@shared_task(**RETRY)
def points_convert_promised_all_task(now: str | None = None) -> int:
    """Beat entry: convert promised points whose delay has passed, in every org."""
    moment = _now(now).isoformat()
    org_ids = org_ids_with_programs()
    for org_id in org_ids:
        points_convert_promised_task.delay(org_id=org_id, now=moment)
    return len(org_ids)


@shared_task(**RETRY)
def points_convert_promised_task(*, org_id: int, now: str, run_id: int | None = None, after_account_id: int = 0,
                                 chunk_accounts: int = 500) -> int | None:
    moment = _now(now)
    if run_id is None:
        run_id = jobs.promised_convert_start(org_id=org_id, now=moment)
        if run_id is not None:
            points_convert_promised_task.delay(org_id=org_id, now=now, run_id=run_id, chunk_accounts=chunk_accounts)
        return run_id
    if jobs.job_run_finished(run_id=run_id):
        return run_id
    cursor = jobs.promised_convert_run(org_id=org_id, run_id=run_id, now=moment, after_account_id=after_account_id,
                                       chunk_accounts=chunk_accounts)
    if cursor is not None:
        points_convert_promised_task.delay(org_id=org_id, now=now, run_id=run_id, after_account_id=cursor,
                                           chunk_accounts=chunk_accounts)
    return run_id


# -- expiry reminders ----------------------------------------------------------------------------------------------
@shared_task(**RETRY)
def points_expiry_reminders_all_task() -> int:
    """Beat entry: send today's expiry reminders (today in each org's own calendar)."""
    org_ids = org_ids_with_programs()
    for org_id in org_ids:
        points_expiry_reminders_task.delay(org_id=org_id)
    return len(org_ids)


@shared_task(**RETRY)
def points_expiry_reminders_task(*, org_id: int, today: str | None = None, run_id: int | None = None,
                                 window: int = 0, after_account_id: int = 0, chunk_accounts: int = 500) -> int | None:
    from apps.organizations.models import Organization

    day = date.fromisoformat(today) if today else timezone.localdate(
        timezone.now(), org_zone(Organization.objects.get(pk=org_id)))
    if run_id is None:
        run_id = reminders.expiry_reminders_start(org_id=org_id, today=day)
        if run_id is not None:
            points_expiry_reminders_task.delay(org_id=org_id, today=day.isoformat(), run_id=run_id,
                                               chunk_accounts=chunk_accounts)
        return run_id
    if jobs.job_run_finished(run_id=run_id):
        return run_id
    cursor = reminders.expiry_reminders_run(org_id=org_id, run_id=run_id, today=day, window=window,
                                            after_account_id=after_account_id, chunk_accounts=chunk_accounts)
    if cursor is not None:
        points_expiry_reminders_task.delay(org_id=org_id, today=day.isoformat(), run_id=run_id, window=cursor[0],
                                           after_account_id=cursor[1], chunk_accounts=chunk_accounts)
    return run_id


# -- invariants ----------------------------------------------------------------------------------------------------
@shared_task(**RETRY)
def points_ledger_check_all_task() -> int:
    """Beat entry: check the ledger invariants of every org's accounts."""
    org_ids = org_ids_with_programs()
    for org_id in org_ids:
        points_ledger_check_task.delay(org_id=org_id)
    return len(org_ids)


@shared_task(**RETRY)
def points_ledger_check_task(*, org_id: int, run_id: int | None = None, after_account_id: int = 0,
                             chunk_accounts: int = 5000) -> int | None:
    if run_id is None:
        run_id = jobs.ledger_check_start(org_id=org_id)
        if run_id is not None:
            points_ledger_check_task.delay(org_id=org_id, run_id=run_id, chunk_accounts=chunk_accounts)
        return run_id
    if jobs.job_run_finished(run_id=run_id):
        return run_id
    cursor = jobs.ledger_check_run(org_id=org_id, run_id=run_id, after_account_id=after_account_id,
                                   chunk_accounts=chunk_accounts)
    if cursor is not None:
        points_ledger_check_task.delay(org_id=org_id, run_id=run_id, after_account_id=cursor,
                                       chunk_accounts=chunk_accounts)
    return run_id
