"""Periodic housekeeping of the platform layer."""
from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def idempotency_purge_task() -> int:
    return services.idempotency_purge()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def job_runs_purge_task() -> int:
    return services.job_runs_purge()
