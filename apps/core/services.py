"""Writes of the platform layer: idempotency records and job runs."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .choices import IdempotencyState, JobStatus
from .errors import IdempotencyKeyInProgress, IdempotencyKeyReused, InvalidInput
from .models import IdempotencyRecord, JobRun

IDEMPOTENCY_KEY_MAX_LENGTH = 255


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """Hash of what makes two requests "the same request" for Idempotency-Key purposes."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body or b""):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: str
    content_type: str


def idempotency_begin(*, org, credential: str, key: str, method: str, path: str,
                      body: bytes) -> IdempotencyRecord | StoredResponse:
    """Claim an Idempotency-Key for this request, or return the stored response of its first use.

    Raises IdempotencyKeyReused (422) for the same key with a different request and
    IdempotencyKeyInProgress (409) while the first request is still running.
    """
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise InvalidInput(f"Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters", field="Idempotency-Key")
    fingerprint = request_fingerprint(method=method, path=path, body=body)
    now = timezone.now()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                org=org, credential=credential, key=key, request_hash=fingerprint,
                method=method.upper(), path=path[:512], created_at=now,
            )
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.get(org=org, credential=credential, key=key)
    if existing.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if existing.state == IdempotencyState.DONE:
        return StoredResponse(existing.response_status, existing.response_body, existing.response_content_type)
    stale_before = now - timedelta(seconds=settings.IDEMPOTENCY_STALE_SECONDS)
    # A first attempt that died mid-flight leaves an old in-progress row: let one retry take it over.
    taken = IdempotencyRecord.objects.filter(
        pk=existing.pk, state=IdempotencyState.IN_PROGRESS, created_at__lt=stale_before,
    ).update(created_at=now)
    if taken:
        existing.created_at = now
        return existing
    raise IdempotencyKeyInProgress()


def idempotency_complete(*, record: IdempotencyRecord, status: int, body: str, content_type: str) -> None:
    """Store the outcome of the request that claimed the key, so retries replay it."""
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyState.DONE, response_status=status, response_body=body,
        response_content_type=content_type, completed_at=timezone.now(),
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Forget a claimed key whose request failed in a way worth retrying (server error, throttling)."""
    IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyState.IN_PROGRESS).delete()


def idempotency_purge(*, older_than_hours: int | None = None) -> int:
    """Delete records past the retention window; returns how many went."""
    hours = older_than_hours if older_than_hours is not None else settings.IDEMPOTENCY_KEY_TTL_HOURS
    cutoff = timezone.now() - timedelta(hours=hours)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def job_run_start(*, org, kind: str, total: int = 0, parameters: dict | None = None, created_by=None) -> JobRun:
    """Create the progress row of a long-running job."""
    run = JobRun(org=org, kind=kind, total=total, parameters=parameters or {}, created_by=created_by,
                 status=JobStatus.PENDING)
    run.full_clean()
    run.save()
    return run


def job_run_progress(*, run_id: int, done: int = 0, failed: int = 0, message: str | None = None) -> None:
    """Add to a job's counters atomically (several workers may report at once)."""
    JobRun.objects.filter(pk=run_id).update(
        done=F("done") + done, failed=F("failed") + failed, status=JobStatus.RUNNING,
    )
    JobRun.objects.filter(pk=run_id, started_at__isnull=True).update(started_at=timezone.now())
    if message:
        job_run_log(run_id=run_id, message=message)


def job_run_log(*, run_id: int, message: str, max_lines: int = 200) -> None:
    """Append a line to a job's log, keeping the newest max_lines."""
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=run_id)
        run.log = (run.log + [{"at": timezone.now().isoformat(), "message": message}])[-max_lines:]
        run.save(update_fields=["log"])


def job_run_finish(*, run_id: int, failed: bool = False, message: str | None = None) -> None:
    """Mark a job finished."""
    JobRun.objects.filter(pk=run_id).update(
        status=JobStatus.FAILED if failed else JobStatus.SUCCEEDED, finished_at=timezone.now(),
    )
    if message:
        job_run_log(run_id=run_id, message=message)


def job_runs_purge(*, older_than_days: int = 90) -> int:
    """Delete finished job rows older than the retention window."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = JobRun.objects.filter(created_at__lt=cutoff, finished_at__isnull=False).delete()
    return deleted
