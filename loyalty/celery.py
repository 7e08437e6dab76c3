"""The Celery application. Periodic tasks are defined once, here."""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings.base")

app = Celery("loyalty")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # 03:15 every day: drop Idempotency-Key records past their retention.
    "core-idempotency-purge": {
        "task": "apps.core.tasks.idempotency_purge_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # 03:30 every day: drop job-run rows older than the retention window.
    "core-jobrun-purge": {
        "task": "apps.core.tasks.job_runs_purge_task",
        "schedule": crontab(hour=3, minute=30),
    },
}
