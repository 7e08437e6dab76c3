"""Celery tasks of the tiers domain: thin wrappers over apps.tiers.services (checks and ladder changes).

Beat runs `tier_checks_all_task` every night; it fans out one task per org with the org-local day that just ended.
Each per-org task opens a JobRun, works for a bounded time and re-enqueues itself with its cursor. Retries cover only
OperationalError; every task is safe to run twice (TierCheck is unique per customer, kind and date).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .services import checks, ladder

RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "retry_jitter": True,
         "max_retries": 5}


def _now(value: str | None) -> datetime:
    return datetime.fromisoformat(value) if value else timezone.now()


@shared_task(**RETRY)
def tier_checks_all_task(now: str | None = None) -> int:
    """Beat entry: check every org with a tier ladder, for the org-local day that ended before `now`."""
    from apps.organizations.models import Organization
    from apps.points.selectors import org_zone

    moment = _now(now)
    org_ids = checks.org_ids_with_tiers()
    for org in Organization.objects.filter(pk__in=org_ids).order_by("pk"):
        day = (moment.astimezone(org_zone(org)) - timedelta(days=1)).date()
        tier_checks_task.delay(org_id=org.pk, day=day.isoformat(), now=moment.isoformat())
    return len(org_ids)


@shared_task(**RETRY)
def tier_checks_task(*, org_id: int, day: str, now: str, run_id: int | None = None, after_id: int = 0,
                     chunk: int = 500) -> int | None:
    check_day, moment = date.fromisoformat(day), _now(now)
    if run_id is None:
        run_id = checks.tier_checks_start(org_id=org_id, day=check_day)
        if run_id is not None:
            tier_checks_task.delay(org_id=org_id, day=day, now=now, run_id=run_id, chunk=chunk)
        return run_id
    from apps.points.services.jobs import job_run_finished

    if job_run_finished(run_id=run_id):
        return run_id
    cursor = checks.tier_checks_run(org_id=org_id, run_id=run_id, day=check_day, now=moment, after_id=after_id,
                                    chunk=chunk)
    if cursor is not None:
        tier_checks_task.delay(org_id=org_id, day=day, now=now, run_id=run_id, after_id=cursor, chunk=chunk)
    return run_id


@shared_task(**RETRY)
def ladder_change_apply_task(*, org_id: int, change_id: int, run_id: int, now: str, after_customer_id: int = 0,
                             chunk: int = 500) -> int | None:
    """Re-place customers after a ladder change (the ladder itself was changed by ladder_change_apply_start)."""
    from apps.points.services.jobs import job_run_finished

    if job_run_finished(run_id=run_id):
        return run_id
    cursor = ladder.ladder_change_apply_run(org_id=org_id, change_id=change_id, run_id=run_id, now=_now(now),
                                            after_customer_id=after_customer_id, chunk=chunk)
    if cursor is not None:
        ladder_change_apply_task.delay(org_id=org_id, change_id=change_id, run_id=run_id, now=now,
                                       after_customer_id=cursor, chunk=chunk)
    return run_id
