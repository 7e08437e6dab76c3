"""Celery wrappers of the label services: thin, keyword-only, retried only on database trouble."""
from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def customer_labels_tag_batch_task(*, org_id: int, run_id: int, offset: int = 0) -> None:
    next_offset = services.customer_labels_tag_batch(org_id=org_id, run_id=run_id, offset=offset)
    if next_offset is not None:
        customer_labels_tag_batch_task.delay(org_id=org_id, run_id=run_id, offset=next_offset)
