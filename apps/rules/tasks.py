"""Celery wrappers of the rules services: thin, keyword-only, retried only on database trouble."""
from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def backtest_run_task(*, org_id: int, backtest_id: int) -> None:
    services.backtest_run(org_id=org_id, backtest_id=backtest_id)
