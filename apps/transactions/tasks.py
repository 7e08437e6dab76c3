"""Celery wrappers of the transaction services (ids and primitives only; one service call each)."""
from celery import shared_task
from django.db import OperationalError

from .services.rejections import rejected_bills_retrigger_run


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def rejected_bills_retrigger_task(*, org_id: int, run_id: int) -> None:
    rejected_bills_retrigger_run(org_id=org_id, run_id=run_id)
