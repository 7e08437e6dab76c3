"""Celery wrappers of the coupons services: thin, idempotent, retried only on database errors."""
from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from apps.organizations.models import Organization

RETRY = {"bind": True, "acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True,
         "retry_jitter": True, "max_retries": 5}


@shared_task(**RETRY)
def coupon_issue_chunk_task(self, *, org_id: int, job_id: int, after_id: int = 0) -> None:
    """One chunk of a mass issuance; chains the next chunk until the audience is done."""
    from .services import issue_job_chunk

    last = issue_job_chunk(org_id=org_id, job_id=job_id, after_id=after_id)
    if last is not None:
        coupon_issue_chunk_task.delay(org_id=org_id, job_id=job_id, after_id=last)


@shared_task(**RETRY)
def coupon_upload_process_task(self, *, org_id: int, upload_id: int) -> None:
    from .services import upload_process

    upload_process(org_id=org_id, upload_id=upload_id)


@shared_task(**RETRY)
def coupon_reminders_task(self, *, org_id: int) -> int:
    from .services import coupon_reminders_send

    return coupon_reminders_send(org=Organization.objects.get(pk=org_id))


@shared_task(**RETRY)
def coupon_reminders_all_task(self) -> None:
    """Daily (beat, 10:00): fan out one reminder task per org that has series with reminders on."""
    from .models import CouponSeries

    for org_id in CouponSeries.objects.filter(reminder_days__gt=0).order_by().values_list("org_id", flat=True).distinct():
        coupon_reminders_task.delay(org_id=org_id)
