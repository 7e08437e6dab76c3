"""Celery wrappers of the card services: thin, keyword-only, retried only on database trouble."""
from datetime import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def card_generation_batch_task(*, org_id: int, log_id: int, cursor: int = 0) -> None:
    """Generate one chunk, then queue the next; a duplicate delivery finds the cursor moved on and stops."""
    next_cursor = services.card_generation_batch(org_id=org_id, log_id=log_id, cursor=cursor)
    if next_cursor is not None:
        card_generation_batch_task.delay(org_id=org_id, log_id=log_id, cursor=next_cursor)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def cards_expire_all_task(now: str | None = None) -> int:
    """Beat entry (daily): expire held cards past their expiry date, one task per org."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    org_ids = services.org_ids_with_expiring_cards(now=moment)
    for org_id in org_ids:
        cards_expire_task.delay(org_id=org_id, now=moment.isoformat())
    return len(org_ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def cards_expire_task(*, org_id: int, now: str) -> None:
    """One chunk per invocation; queues the next while cards are left."""
    if services.cards_expire_due(org_id=org_id, now=datetime.fromisoformat(now)):
        cards_expire_task.delay(org_id=org_id, now=now)
