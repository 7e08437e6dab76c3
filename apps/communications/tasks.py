from celery import shared_task
from django.db import OperationalError

from . import services
from .backends import DeliveryFailed


@shared_task(acks_late=True, autoretry_for=(OperationalError, DeliveryFailed), retry_backoff=True, retry_jitter=True,
             max_retries=5)
def message_deliver_task(*, org_id: int, message_id: int, body: str | None = None) -> bool:
    return services.message_deliver(org_id=org_id, message_id=message_id, body=body)
